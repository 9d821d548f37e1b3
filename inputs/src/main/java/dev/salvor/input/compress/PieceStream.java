package dev.salvor.input.compress;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stream handed on one piece at a time (a verified or decoded block): a subclass's
 * {@link #fill} makes the next piece with {@link #hand}, and reads take from it.
 */
abstract class PieceStream extends InputStream {
    private static final byte[] NONE = new byte[0];
    private byte[] piece = NONE;
    private int at;
    private long delivered;

    /** Makes the next piece ({@link #hand}); false at the end of the stream. */
    protected abstract boolean fill() throws IOException;

    /** The piece reads take from next (it may be empty: then {@link #fill} is asked again). */
    protected final void hand(byte[] next) {
        piece = next;
        at = 0;
    }

    /** Drops what is left of the current piece. */
    protected final void handNothing() {
        hand(NONE);
    }

    /** Bytes handed out by reads so far. */
    protected final long delivered() {
        return delivered;
    }

    private final byte[] one = new byte[1];

    @Override
    public final int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public final int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        while (at >= piece.length) {
            if (!fill()) return -1;
        }
        int n = Math.min(len, piece.length - at);
        System.arraycopy(piece, at, b, off, n);
        at += n;
        delivered += n;
        return n;
    }
}
