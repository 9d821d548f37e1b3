package dev.salvor.aof;

import dev.salvor.format.FileRanges;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Line numbers of byte offsets in one file, counted on demand: the scan of an AOF does not count
 * lines (that would touch every payload byte), so a line is found only when an error or a report
 * needs one. Counting resumes from the nearest offset already counted (a checkpoint is kept every
 * MiB passed), so reports in file order cost one pass over the file in all, not one per error.
 */
public final class LineIndex {
    private static final long STRIDE = 1 << 20;

    private final Path file;
    // Checkpoints: offsets[i] is a multiple of STRIDE (or 0) whose 1-based line is lines[i].
    private long[] offsets = {0};
    private long[] lines = {1};
    private int count = 1;
    // The last offset answered: queries in file order continue from it.
    private long cursorOffset;
    private long cursorLine = 1;
    private long bytesCounted;

    public LineIndex(Path file) {
        this.file = file;
    }

    /** 1-based line of the byte at {@code offset}: 1 + the number of LF bytes before it. */
    public synchronized long lineAt(long offset) throws IOException {
        if (offset <= 0) return 1;
        int i = Arrays.binarySearch(offsets, 0, count, offset);
        if (i >= 0) return lines[i];
        int from = -i - 2;
        long pos = offsets[from];
        long line = lines[from];
        if (cursorOffset <= offset && cursorOffset > pos) {
            pos = cursorOffset;
            line = cursorLine;
        }
        try (FileChannel ch = AofSegment.open(file)) {
            long end = Math.min(offset, ch.size());
            byte[] buf = new byte[(int) Math.min(STRIDE, Math.max(1, end - pos))];
            while (pos < end) {
                long next = Math.min(end, (pos / STRIDE + 1) * STRIDE);
                int n = FileRanges.read(ch, pos, buf, 0, (int) Math.min(buf.length, next - pos));
                if (n <= 0) break;
                line += countLf(buf, n);
                pos += n;
                bytesCounted += n;
                if (pos % STRIDE == 0 && pos > offsets[count - 1]) remember(pos, line);
            }
        }
        if (pos == offset) {
            cursorOffset = pos;
            cursorLine = line;
        }
        return line;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long LF = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW7 = 0x7F7F7F7F7F7F7F7FL;

    /**
     * LF bytes in {@code b[0, n)}, eight at a time: a byte XOR LF is zero exactly where the byte is
     * LF, and a zero byte is the one whose top bit stays clear after adding 0x7F to its low seven
     * bits (no carry crosses bytes) and OR-ing its own top bit.
     */
    static long countLf(byte[] b, int n) {
        long count = 0;
        int k = 0;
        for (; k + 8 <= n; k += 8) {
            long x = (long) LONGS.get(b, k) ^ LF;
            long nonZero = ((x & LOW7) + LOW7) | x | LOW7;
            count += Long.bitCount(~nonZero);
        }
        for (; k < n; k++) {
            if (b[k] == '\n') count++;
        }
        return count;
    }

    /** Bytes read to count lines so far (what the one-pass guarantee is measured by). */
    synchronized long bytesCounted() {
        return bytesCounted;
    }

    private void remember(long offset, long line) {
        if (count == offsets.length) {
            offsets = Arrays.copyOf(offsets, count * 2);
            lines = Arrays.copyOf(lines, count * 2);
        }
        offsets[count] = offset;
        lines[count] = line;
        count++;
    }
}
