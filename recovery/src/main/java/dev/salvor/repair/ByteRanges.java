package dev.salvor.repair;

import dev.salvor.format.FileRanges;
import java.io.IOException;
import java.io.OutputStream;
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

    /** Writes the ranges of the file {@code ch} reads, in order, leaving out {@code [skipFrom, skipTo)}. */
    void writeTo(FileChannel ch, OutputStream out, long skipFrom, long skipTo) throws IOException {
        if (out == null || count == 0) return;
        for (int i = 0; i < count; i++) {
            copy(ch, from[i], Math.min(to[i], skipFrom), out);
            copy(ch, Math.max(from[i], skipTo), to[i], out);
        }
    }

    private static void copy(FileChannel ch, long start, long end, OutputStream out) throws IOException {
        if (start < end) FileRanges.copy(ch, start, end, out);
    }
}
