package dev.salvor.repair;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Byte ranges of one file held back for later (the commands of a transaction until its EXEC),
 * kept as offsets rather than bytes: adjacent ranges merge, so memory grows with the gaps
 * between them (dropped commands, damage), never with the size of what is held back.
 */
final class ByteRanges {
    private long[] from = new long[4];
    private long[] to = new long[4];
    private int count;
    private long items;

    void clear() {
        count = 0;
        items = 0;
    }

    boolean isEmpty() {
        return items == 0;
    }

    /** Commands (or lines) added since the last clear. */
    long items() {
        return items;
    }

    void add(long start, long end) {
        items++;
        if (count > 0 && to[count - 1] == start) {
            to[count - 1] = end;
            return;
        }
        if (count == from.length) {
            from = Arrays.copyOf(from, count * 2);
            to = Arrays.copyOf(to, count * 2);
        }
        from[count] = start;
        to[count] = end;
        count++;
    }

    /** Adds a range that is not one of the counted items (an annotation line). */
    void addUncounted(long start, long end) {
        add(start, end);
        items--;
    }

    private byte[] buf;

    /** Writes the ranges of the file {@code ch} reads, in order, leaving out {@code [skipFrom, skipTo)}. */
    void writeTo(FileChannel ch, OutputStream out, long skipFrom, long skipTo) throws IOException {
        if (out == null || count == 0) return;
        if (buf == null) buf = new byte[1 << 16];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        for (int i = 0; i < count; i++) {
            copy(ch, buf, bb, from[i], Math.min(to[i], skipFrom), out);
            copy(ch, buf, bb, Math.max(from[i], skipTo), to[i], out);
        }
    }

    private static void copy(FileChannel ch, byte[] buf, ByteBuffer bb, long start, long end, OutputStream out) throws IOException {
        for (long p = start; p < end; ) {
            bb.clear().limit((int) Math.min(buf.length, end - p));
            int n = ch.read(bb, p);
            if (n <= 0) throw new IOException("file ended at byte offset " + p + " while copying bytes " + start + ".." + end);
            out.write(buf, 0, n);
            p += n;
        }
    }
}
