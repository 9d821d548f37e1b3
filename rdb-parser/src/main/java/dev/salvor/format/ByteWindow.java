package dev.salvor.format;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * The sliding window both parsers read through: a heap {@link ByteBuf} filled from a channel or a
 * stream (or a slice of bytes in memory) that always knows the absolute offset of its bytes. Hot
 * paths index {@link #array()} from {@link #position()} to {@link #limit()} directly.
 *
 * <p>The window grows only as data arrives (never by a requested size alone) and shrinks back to
 * its normal size once a large item has passed. A {@link #mark()} keeps the bytes of the item being
 * read in the window (the AOF reader's arguments are views into it); a {@link Tap} sees every byte
 * once as it is consumed (the RDB reader's running CRC64), so a checksum costs one pass.
 */
public final class ByteWindow {
    /** Sees the consumed bytes, in order, each once. */
    public interface Tap {
        void consumed(byte[] b, int off, int len);
    }

    private final ScatteringByteChannel channel;
    /** A file read at absolute positions only ({@link #at}): several windows may share it. */
    private FileChannel file;
    private long filePos;
    private final InputStream stream;
    private final long size;
    private final int normalSize;
    private ByteBuf buf;
    private byte[] a;
    private int pos;
    private int lim;
    private int mark = -1;
    private long base;
    private boolean eof;

    private Tap tap;
    private int tapPos;

    private ByteWindow(ScatteringByteChannel channel, InputStream stream, long start, long size, int windowSize) {
        this.channel = channel;
        this.stream = stream;
        this.size = size;
        this.normalSize = windowSize;
        this.buf = Unpooled.buffer(windowSize);
        this.a = buf.array();
        this.base = start;
    }

    private ByteWindow(byte[] bytes, int off, int len, long absoluteStart, long totalSize) {
        this.channel = null;
        this.stream = null;
        this.size = totalSize;
        this.normalSize = Math.max(len, 16);
        this.buf = Unpooled.wrappedBuffer(bytes, off, len);
        this.a = bytes;
        this.pos = off;
        this.lim = off + len;
        this.base = absoluteStart - off;
        this.tapPos = off;
        this.eof = true;
    }

    /** A window over a channel positioned at absolute offset {@code start} of an input of {@code size} bytes (-1: unknown). */
    public static ByteWindow of(ScatteringByteChannel channel, long start, long size, int windowSize) {
        return new ByteWindow(channel, null, start, size, windowSize);
    }

    /**
     * A window over the bytes of {@code file} from absolute offset {@code start} on, read at
     * absolute positions (the channel's own position is never used or moved), so that windows of
     * several readers, on several threads, share one open file.
     */
    public static ByteWindow at(FileChannel file, long start, long size, int windowSize) {
        ByteWindow w = new ByteWindow(null, null, start, size, windowSize);
        w.file = file;
        w.filePos = start;
        return w;
    }

    /**
     * Moves a window made by {@link #at} to absolute offset {@code offset}: what is already in the
     * window is kept when the offset lies ahead within it, else the window is read again from there.
     * Only without a tap (a checksum would miss the bytes stepped over) and without a mark.
     */
    public void seek(long offset) {
        if (file == null || tap != null || mark >= 0) throw new IllegalStateException("only an unmarked, untapped window over a file moves");
        long at = offset - base;
        if (at >= pos && at <= lim) {
            pos = (int) at;
            return;
        }
        base = offset;
        pos = 0;
        lim = 0;
        tapPos = 0;
        filePos = offset;
        eof = false;
    }

    /** The file of a window made by {@link #at}, else null. */
    public FileChannel file() {
        return file;
    }

    /** A window over a stream whose first byte is offset 0 of an input of {@code size} bytes (-1: unknown). */
    public static ByteWindow of(InputStream stream, long size, int windowSize) {
        return new ByteWindow(null, stream, 0, size, windowSize);
    }

    /**
     * A window over {@code bytes[off, off+len)} alone, whose first byte sits at absolute offset
     * {@code absoluteStart} of an input of {@code totalSize} bytes (payloads in memory, probes
     * during resynchronisation): no copy, no window of its own.
     */
    public static ByteWindow slice(byte[] bytes, int off, int len, long absoluteStart, long totalSize) {
        return new ByteWindow(bytes, off, len, absoluteStart, totalSize);
    }

    /** The window's bytes; valid from {@link #position()} to {@link #limit()} until the next {@link #request(int)}. */
    public byte[] array() {
        return a;
    }

    /** Index in {@link #array()} of the next unread byte. */
    public int position() {
        return pos;
    }

    /** Moves the next unread byte to index {@code p} of {@link #array()} (within the bytes read so far). */
    public void position(int p) {
        pos = p;
    }

    /** Consumes (or, negative, steps back over) {@code n} bytes already in the window. */
    public void advance(int n) {
        pos += n;
    }

    /** Index in {@link #array()} just past the bytes read so far. */
    public int limit() {
        return lim;
    }

    /** Absolute offset of the next unread byte. */
    public long offset() {
        return base + pos;
    }

    /** Index in {@link #array()} of the byte at absolute {@code offset} (one still in the window). */
    public int indexOf(long offset) {
        return (int) (offset - base);
    }

    /** Total input size when known, else -1. */
    public long size() {
        return size;
    }

    /** Bytes known to remain (for bounding declared lengths); Long.MAX_VALUE when the size is unknown. */
    public long remainingBound() {
        return size < 0 ? Long.MAX_VALUE : size - offset();
    }

    /** Bytes in the window not yet consumed. */
    public int available() {
        return lim - pos;
    }

    /** Keeps the bytes from the current position in the window until {@link #unmark()}. */
    public void mark() {
        mark = pos;
    }

    public void unmark() {
        mark = -1;
    }

    /** The next byte (0-255), consumed, or -1 when the input ends first. */
    public int read() throws IOException {
        if (pos >= lim && !request(1)) return -1;
        return a[pos++] & 0xff;
    }

    /**
     * Makes at least {@code n} bytes available from {@link #position()}; false when the input ends
     * first. Indices into {@link #array()} taken before may move.
     */
    public boolean request(int n) throws IOException {
        if (lim - pos >= n) return true;
        if (eof || channel == null && stream == null && file == null) return false;
        compact();
        long want = (long) pos + n;
        while (lim < want && !eof) {
            if (lim == a.length) grow();
            buf.writerIndex(lim);
            int r;
            if (file != null) {
                r = buf.writeBytes(file, filePos, a.length - lim);
                if (r > 0) filePos += r;
            } else {
                r = channel != null ? buf.writeBytes(channel, a.length - lim) : buf.writeBytes(stream, a.length - lim);
            }
            if (r < 0) {
                eof = true;
            } else {
                lim += r;
            }
        }
        return lim - pos >= n;
    }

    /** Drops what was consumed (past the mark), so the window's start is the first byte still needed. */
    private void compact() {
        int from = mark >= 0 ? Math.min(mark, pos) : pos;
        if (tap != null && from > tapPos) tap.consumed(a, tapPos, from - tapPos);
        int keep = lim - from;
        if (a.length > 4 * normalSize && keep <= normalSize) {
            // A large item has passed: back to the normal size.
            ByteBuf small = Unpooled.buffer(normalSize);
            small.writeBytes(a, from, keep);
            buf.release();
            buf = small;
            a = buf.array();
        } else if (from > 0) {
            System.arraycopy(a, from, a, 0, keep);
        }
        base += from;
        lim = keep;
        pos -= from;
        tapPos = Math.max(0, tapPos - from);
        if (mark >= 0) mark -= from;
    }

    /** Doubles the window (at least 4 KiB) as the data arrives: never more than twice what was really read. */
    private void grow() {
        long target = Math.max((long) a.length * 2, 4096);
        buf.capacity((int) Math.min(target, Integer.MAX_VALUE - 8));
        a = buf.array();
    }

    /** Consumes {@code n} bytes, pulling them through the window (so a tap sees them); false if the input ends first. */
    public boolean skip(long n) throws IOException {
        while (n > 0) {
            int avail = lim - pos;
            if (avail == 0) {
                if (!request(1)) return false;
                avail = lim - pos;
            }
            int take = (int) Math.min(avail, n);
            pos += take;
            n -= take;
        }
        return true;
    }

    public boolean atEnd() throws IOException {
        return !request(1);
    }

    /** From now on {@code tap} sees every byte consumed; null: none. */
    public void tap(Tap tap) {
        flushTap();
        this.tap = tap;
        this.tapPos = pos;
    }

    /** Hands the tap every byte consumed so far. */
    public void flushTap() {
        if (tap != null && pos > tapPos) {
            tap.consumed(a, tapPos, pos - tapPos);
            tapPos = pos;
        }
    }

    /** Bytes read into the window but not consumed (handed over when an AOF follows an RDB preamble). */
    public byte[] unread() {
        byte[] out = new byte[lim - pos];
        System.arraycopy(a, pos, out, 0, out.length);
        return out;
    }

    public void release() {
        if (buf.refCnt() > 0) buf.release();
    }
}
