package dev.salvor.format;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads and copies byte ranges of a file at absolute positions (without moving the channel's
 * position): the one loop over {@link FileChannel#read(ByteBuffer, long)}, with one rule for the
 * end of the file: {@link #read} stops there and says how much it got; {@link #readFully} and
 * {@link #copy} were asked for bytes the file must hold, and fail with the range and where it ended.
 */
public final class FileRanges {
    private static final int COPY_BUFFER = 1 << 20;

    private FileRanges() {
    }

    /** Reads {@code len} bytes at {@code pos} into {@code b[off, off+len)}, fewer only where the file ends; returns how many. */
    public static int read(FileChannel ch, long pos, byte[] b, int off, int len) throws IOException {
        ByteBuffer bb = ByteBuffer.wrap(b, off, len);
        long p = pos;
        while (bb.hasRemaining()) {
            int n = ch.read(bb, p);
            if (n < 0) break;
            p += n;
        }
        return bb.position() - off;
    }

    /** Reads exactly {@code len} bytes at {@code pos}; the file ending first is an error. */
    public static void readFully(FileChannel ch, long pos, byte[] b, int off, int len) throws IOException {
        int n = read(ch, pos, b, off, len);
        if (n < len) throw ended(pos, pos + len, pos + n);
    }

    /** Copies bytes {@code [from, to)} of the file to {@code out}; the file ending first is an error. */
    public static void copy(FileChannel ch, long from, long to, OutputStream out) throws IOException {
        copy(ch, from, to, out, new byte[(int) Math.min(COPY_BUFFER, Math.max(1, to - from))]);
    }

    /** As {@link #copy(FileChannel, long, long, OutputStream)}, through the caller's buffer (for many copies in a row). */
    public static void copy(FileChannel ch, long from, long to, OutputStream out, byte[] buf) throws IOException {
        for (long p = from; p < to; ) {
            int want = (int) Math.min(buf.length, to - p);
            int n = read(ch, p, buf, 0, want);
            out.write(buf, 0, n);
            p += n;
            if (n < want) throw ended(from, to, p);
        }
    }

    private static EOFException ended(long from, long to, long at) {
        return new EOFException("the file ends at byte offset " + at + ", inside bytes " + from + ".." + to + " it held when it was read");
    }
}
