package dev.salvor.salvage;

import dev.salvor.format.FileRanges;
import dev.salvor.rdb.Crc64;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * The 4 KiB-aligned pages of a damaged file that hold only zero bytes: the mark of a torn or
 * lost page. A key whose bytes cover one parses cleanly yet no longer holds what was written, so
 * salvage treats it as damaged. Only looked for when the file's own checksum does not match
 * (a file with a matching checksum is intact, whatever zeros its values hold).
 */
final class ZeroPages {
    static final int PAGE = 4096;
    static final ZeroPages NONE = new ZeroPages(new long[0]);

    private final long[] pages;

    private ZeroPages(long[] pages) {
        this.pages = pages;
    }

    static ZeroPages ifDamaged(FileChannel ch, long size) throws IOException {
        if (size < 18 || trailerMatches(ch, size)) return NONE;
        long[] found = new long[16];
        int n = 0;
        byte[] buf = new byte[1 << 20];
        for (long base = 0; base < size; base += buf.length) {
            int len = read(ch, base, buf, (int) Math.min(buf.length, size - base));
            for (int p = 0; p + PAGE <= len; p += PAGE) {
                if (allZero(buf, p, PAGE)) {
                    if (n == found.length) found = Arrays.copyOf(found, n * 2);
                    found[n++] = base + p;
                }
            }
        }
        return new ZeroPages(Arrays.copyOf(found, n));
    }

    /** True when the file ends with EOF and a CRC64 that matches everything before it. */
    private static boolean trailerMatches(FileChannel ch, long size) throws IOException {
        byte[] tail = new byte[9];
        read(ch, size - 9, tail, 9);
        long stored = 0;
        for (int i = 8; i >= 1; i--) stored = stored << 8 | (tail[i] & 0xffL);
        // No EOF opcode or no checksum at the end (a cut or zero-filled file): nothing to compute.
        if ((tail[0] & 0xff) != 0xff || stored == 0) return false;
        byte[] buf = new byte[1 << 20];
        long crc = 0;
        long end = size - 8;
        for (long base = 0; base < end; base += buf.length) {
            int len = read(ch, base, buf, (int) Math.min(buf.length, end - base));
            crc = Crc64.update(crc, buf, 0, len);
        }
        return stored == crc;
    }

    private static int read(FileChannel ch, long at, byte[] buf, int len) throws IOException {
        return FileRanges.read(ch, at, buf, 0, len);
    }

    private static boolean allZero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (b[i] != 0) return false;
        }
        return true;
    }

    boolean isEmpty() {
        return pages.length == 0;
    }

    /** The first zero page overlapping {@code [start, end)}, or -1. */
    long firstWithin(long start, long end) {
        int i = Arrays.binarySearch(pages, start - PAGE + 1);
        if (i < 0) i = -i - 1;
        for (; i < pages.length && pages[i] < end; i++) {
            if (pages[i] + PAGE > start) return pages[i];
        }
        return -1;
    }
}
