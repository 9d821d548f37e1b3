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
        if (size < 18) return NONE;
        // The pages first: most files have none, and then the checksum need not be computed.
        ZeroPages found = find(ch, size);
        return found.isEmpty() || trailerMatches(ch, size) ? NONE : found;
    }

    private static ZeroPages find(FileChannel ch, long size) throws IOException {
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
        return stored == crc(ch, size - 8);
    }

    /** Bytes each thread checksums at a time; the parts' CRCs are joined in order. */
    private static final int CRC_PART = 16 << 20;

    /** The CRC64 of the file's first {@code end} bytes, its parts on every processor, joined in order. */
    private static long crc(FileChannel ch, long end) throws IOException {
        int parts = (int) ((end + CRC_PART - 1) / CRC_PART);
        long[] crcs = new long[parts];
        try {
            java.util.stream.IntStream.range(0, parts).parallel().forEach(i -> {
                long from = (long) i * CRC_PART;
                int len = (int) Math.min(CRC_PART, end - from);
                byte[] buf = new byte[1 << 20];
                long c = 0;
                for (int done = 0; done < len; ) {
                    int n = Math.min(buf.length, len - done);
                    try {
                        FileRanges.readFully(ch, from + done, buf, 0, n);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    c = Crc64.update(c, buf, 0, n);
                    done += n;
                }
                crcs[i] = c;
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        long crc = 0;
        for (int i = 0; i < parts; i++) crc = Crc64.combine(crc, crcs[i], Math.min(CRC_PART, end - (long) i * CRC_PART));
        return crc;
    }

    private static int read(FileChannel ch, long at, byte[] buf, int len) throws IOException {
        return FileRanges.read(ch, at, buf, 0, len);
    }

    private static final byte[] ZEROS = new byte[PAGE];

    private static boolean allZero(byte[] b, int off, int len) {
        return Arrays.mismatch(b, off, off + len, ZEROS, 0, len) < 0;
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
