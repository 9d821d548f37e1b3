package dev.salvor.rdb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.ScatteringByteChannel;

/**
 * A sliding window over the input that always knows the absolute offset of its bytes. The window
 * is a heap {@link ByteBuf}; hot paths index its backing array directly. Bytes are folded into
 * the running CRC64 as they leave the window, so the checksum costs one pass over the data.
 */
final class ByteSource {
    private final ScatteringByteChannel channel;
    private final InputStream stream;
    private final long size;
    private final int initialCapacity;
    private ByteBuf window;
    byte[] a;
    int pos;
    int lim;
    private long base;
    private boolean eof;

    private boolean crcOn = true;
    private long crc;
    private int crcPos;

    ByteSource(ScatteringByteChannel channel, long size, int windowSize) {
        this(channel, null, size, windowSize);
    }

    /** A channel already positioned at absolute offset {@code start}. */
    ByteSource(ScatteringByteChannel channel, long start, long size, int windowSize) {
        this(channel, null, size, windowSize);
        this.base = start;
    }

    ByteSource(InputStream stream, long size, int windowSize) {
        this(null, stream, size, windowSize);
    }

    private ByteSource(ScatteringByteChannel channel, InputStream stream, long size, int windowSize) {
        this.channel = channel;
        this.stream = stream;
        this.size = size;
        this.initialCapacity = windowSize;
        this.window = Unpooled.buffer(windowSize);
        this.a = window.array();
    }

    /** An in-memory source (DUMP payloads, tests). */
    ByteSource(byte[] bytes, int off, int len) {
        this(bytes, off, len, 0, len);
    }

    /**
     * An in-memory slice whose first byte sits at absolute offset {@code absoluteStart} of a
     * larger input of {@code totalSize} bytes (salvage probes).
     */
    ByteSource(byte[] bytes, int off, int len, long absoluteStart, long totalSize) {
        this.channel = null;
        this.stream = null;
        this.size = totalSize;
        this.initialCapacity = Math.max(len, 16);
        this.window = Unpooled.wrappedBuffer(bytes, off, len);
        this.a = bytes;
        this.pos = off;
        this.lim = off + len;
        this.base = absoluteStart - off;
        this.crcPos = off;
        this.eof = true;
    }

    /** Absolute offset of the next unread byte. */
    long offset() {
        return base + pos;
    }

    /** Total input size when known, else -1. */
    long size() {
        return size;
    }

    /** Bytes known to remain (for bounding lengths); Long.MAX_VALUE when the size is unknown. */
    long remainingBound() {
        return size < 0 ? Long.MAX_VALUE : size - offset();
    }

    int available() {
        return lim - pos;
    }

    /**
     * Makes at least {@code n} bytes available at {@code a[pos]}; false when the input ends first.
     * Growth follows the data that actually arrives, never the requested size alone.
     */
    boolean request(int n) throws IOException {
        if (lim - pos >= n) return true;
        if (eof || channel == null && stream == null) return false;
        compact();
        while (lim < n && !eof) {
            if (lim == a.length) grow(n);
            window.writerIndex(lim);
            int r = channel != null ? window.writeBytes(channel, a.length - lim) : window.writeBytes(stream, a.length - lim);
            if (r < 0) {
                eof = true;
            } else {
                lim += r;
            }
        }
        return lim - pos >= n;
    }

    private void compact() {
        if (crcOn && pos > crcPos) {
            crc = Crc64.update(crc, a, crcPos, pos - crcPos);
        }
        int keep = lim - pos;
        if (pos > 0) {
            System.arraycopy(a, pos, a, 0, keep);
        }
        base += pos;
        lim = keep;
        pos = 0;
        crcPos = 0;
        if (a.length > 4 * initialCapacity && keep <= initialCapacity) {
            // A huge value passed; go back to the normal window size.
            ByteBuf small = Unpooled.buffer(initialCapacity);
            small.writeBytes(a, 0, keep);
            window.release();
            window = small;
            a = window.array();
        }
    }

    private void grow(int n) {
        long target = Math.max((long) n, Math.min((long) a.length * 2, Integer.MAX_VALUE - 8));
        // Grow by doubling only as the data arrives: never more than twice what was really read.
        target = Math.min(target, Math.max((long) a.length * 2, 4096));
        window.capacity((int) Math.min(target, Integer.MAX_VALUE - 8));
        a = window.array();
    }

    /** Consumes {@code n} bytes, pulling them through the window (so they are checksummed); false if the input ends first. */
    boolean skip(long n) throws IOException {
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

    boolean atEnd() throws IOException {
        return !request(1);
    }

    /** Folds everything before the current position into the CRC and returns it. */
    long crcUpToHere() {
        if (crcOn && pos > crcPos) {
            crc = Crc64.update(crc, a, crcPos, pos - crcPos);
            crcPos = pos;
        }
        return crc;
    }

    void crcOff() {
        crcUpToHere();
        crcOn = false;
    }

    /** Bytes read into the window but not consumed (handed over when an AOF follows an RDB preamble). */
    byte[] unread() {
        byte[] out = new byte[lim - pos];
        System.arraycopy(a, pos, out, 0, out.length);
        return out;
    }

    void release() {
        if (window.refCnt() > 0) window.release();
    }
}
