package dev.salvor.rdb;

import dev.salvor.format.ByteWindow;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;
import static dev.salvor.rdb.RdbFormatException.Reason.LIMIT_EXCEEDED;
import static dev.salvor.rdb.RdbFormatException.Reason.LZF_FAILURE;
import static dev.salvor.rdb.RdbFormatException.Reason.TRUNCATED;

import java.io.IOException;

/**
 * The one routine for RDB strings (raw, integer or LZF), used alike to decode them, to skip them
 * by their framing, and to deliver long string values in pieces: every string's prefix and
 * lengths go through {@link #header}, so decoding and skimming check the same bounds in the same
 * order and give the same reason for the same bytes.
 *
 * <p>Nothing is allocated from a declared length: a raw string is a view of the input window;
 * LZF output is grown as it is produced, so garbage that claims a large length fails after a
 * little work and a small allocation; a string value longer than the window comes out in
 * window-sized chunks, LZF ones through a {@link Lzf#MAX_DISTANCE}-byte history.
 */
final class RdbStrings {
    private static final int INTEGER = 0;
    private static final int RAW = 1;
    private static final int LZF = 2;
    /** First output room for LZF data, at most; it doubles as output arrives. */
    private static final int LZF_FIRST_ROOM = 64 << 10;

    private final RdbInput input;
    private final Lzf lzf = new Lzf();
    private final int chunkSize;

    /** Whether the last string read or skipped was stored as plain bytes (not an integer, not LZF). */
    boolean lastRaw;
    /** Whether the last string read or skipped was LZF data. */
    boolean lastLzf;
    /** For strings read only to check them (module data, names of records nobody keeps). */
    final StringRef scratch = new StringRef();

    // What header() found.
    private int kind;
    private long start;
    private long intValue;
    /** Raw length, or the uncompressed length of LZF data. */
    private int length;
    private long compressed;
    private String bodyWhat;

    // A string value coming out in chunks.
    private boolean chunking;
    private boolean chunkLzf;
    private int chunkTotal;
    private long chunkDelivered;
    /** Raw bytes, or compressed bytes, still to read. */
    private long chunkLeft;
    private String chunkWhat;
    private long chunkStart;
    /** LZF output: up to {@link Lzf#MAX_DISTANCE} bytes of history, then the chunk being made. */
    private byte[] ring;
    private int ringOp;
    private final StringRef discard = new StringRef();

    RdbStrings(RdbInput input) {
        this.input = input;
        this.chunkSize = input.constraints.windowSize();
    }

    /**
     * Reads a string's prefix and lengths and checks every bound before anything is allocated:
     * the size limit, then the bytes left in the input, then (LZF) the most that many compressed
     * bytes can expand to.
     */
    private void header(String what, int max) throws IOException {
        RdbInput in = input;
        long at = in.offset();
        start = at;
        int b = in.u8(what);
        if (b >>> 6 != 3) {
            lastRaw = true;
            lastLzf = false;
            kind = RAW;
            in.in.advance(-1); // re-read as a length
            length = boundedLength(what, max, at);
            return;
        }
        lastRaw = false;
        lastLzf = (b & 0x3f) == 3;
        switch (b & 0x3f) {
            case 0 -> {
                kind = INTEGER;
                intValue = (byte) in.u8(what);
            }
            case 1 -> {
                kind = INTEGER;
                intValue = (short) in.le(2, what);
            }
            case 2 -> {
                kind = INTEGER;
                intValue = (int) in.le(4, what);
            }
            case 3 -> {
                kind = LZF;
                long clen = in.length(what, " (compressed length)");
                long ulen = in.length(what, " (uncompressed length)");
                if (ulen > max) throw in.error(LIMIT_EXCEEDED, at, what + ": LZF string of " + ulen + " bytes exceeds the limit of " + max);
                long left = in.in.remainingBound();
                if (clen > left) throw in.error(TRUNCATED, at, what + ": LZF data of " + clen + " bytes is longer than the " + left + " bytes left");
                // ulen 0: the server takes a decompressor that produced nothing as having produced the
                // 0 bytes declared, so any compressed bytes make the empty string (see inflate()).
                if (ulen != 0 && (clen == 0 || clen < Integer.MAX_VALUE && ulen > clen * Lzf.MAX_EXPANSION + 1)) {
                    throw in.error(LZF_FAILURE, at, what + ": " + clen + " compressed bytes cannot expand to " + ulen);
                }
                compressed = clen;
                length = (int) ulen;
            }
            default -> throw in.error(BAD_ENCODING, at, what + ": unknown string encoding 0x" + Integer.toHexString(b));
        }
    }

    private int boundedLength(String what, int max, long at) throws IOException {
        long len = input.length(what);
        if (len > max) throw input.error(LIMIT_EXCEEDED, at, what + " of " + len + " bytes exceeds the limit of " + max);
        long left = input.in.remainingBound();
        if (len > left) throw input.error(TRUNCATED, at, what + " of " + len + " bytes is longer than the " + left + " bytes left");
        return (int) len;
    }

    /**
     * Reads a string into {@code out}: a view of the window, an integer, or LZF output held by
     * {@code out}. The view is valid until the next read.
     */
    void read(StringRef out, String what, int max) throws IOException {
        header(what, max);
        finishRead(out, what);
    }

    /**
     * Reads only a string's prefix and lengths (with every check of {@link #header}); its bytes
     * are then read by {@link #readBody} or skipped by {@link #skipBody}, with nothing read between.
     */
    void readHeader(String what, int max) throws IOException {
        header(what, max);
        bodyWhat = what;
    }

    /** The bytes of the string whose header {@link #readHeader} read. */
    void readBody(StringRef out) throws IOException {
        finishRead(out, bodyWhat);
    }

    /** Skips the bytes of the string whose header {@link #readHeader} read. */
    void skipBody() throws IOException {
        if (kind == RAW) input.skip(length, bodyWhat);
        else if (kind == LZF) input.skip(compressed, bodyWhat);
    }

    /** The length the header just read declares (after LZF decompression), or 0 for an integer. */
    int headerLength() {
        return kind == INTEGER ? 0 : length;
    }

    /** Whether the string whose header was just read is an integer (no bytes follow). */
    boolean lastInteger() {
        return kind == INTEGER;
    }

    /** Skips a string by its framing (its bytes still pass through the checksum). */
    void skip(String what, int max) throws IOException {
        header(what, max);
        if (kind == RAW) input.skip(length, what);
        else if (kind == LZF) input.skip(compressed, what);
    }

    /**
     * Reads a string whose bytes nobody looks at (a hash value while a value is only checked):
     * its prefix, lengths and LZF data meet every check {@link #read} makes, in the same order and
     * with the same messages, but nothing is copied or decompressed.
     */
    void check(String what, int max) throws IOException {
        header(what, max);
        checkBody(what);
    }

    private void checkBody(String what) throws IOException {
        if (kind == RAW) input.skip(length, what);
        else if (kind == LZF) validateLzf(what);
    }

    /** As {@link #inflate}, without output: LZF data is valid or not by its tokens alone. */
    private void validateLzf(String what) throws IOException {
        ByteWindow s = input.in;
        int total = length;
        long left = compressed;
        if (total == 0) {
            input.skip(left, what + " (LZF data)");
            return;
        }
        int op = 0;
        while (true) {
            int avail = s.limit() - s.position();
            boolean ends = avail >= left;
            int status = lzf.validate(s.array(), s.position(), ends ? s.position() + (int) left : s.limit(), ends, op, total, total);
            left -= lzf.ip - s.position();
            s.position(lzf.ip);
            op = lzf.op;
            if (status == Lzf.DONE) return;
            if (status == Lzf.NEED_INPUT) moreCompressed(left, what);
            else throw input.error(LZF_FAILURE, start, what + ": " + lzf.problem());
        }
    }

    private void finishRead(StringRef out, String what) throws IOException {
        if (kind == RAW) {
            int len = length;
            ByteWindow s = input.in;
            if (s.limit() - s.position() < len) input.need(len, what);
            out.setBytes(s.array(), s.position(), len);
            s.advance(len);
        } else if (kind == INTEGER) {
            out.setInteger(intValue);
        } else {
            inflate(out, what);
        }
    }

    /** Where the string just read began. */
    long start() {
        return start;
    }

    /** Whether the string just read was LZF-compressed (so a view of it is not a view of the input). */
    boolean lastCompressed() {
        return kind == LZF;
    }

    /** Decompresses the LZF data whose header was just read into storage owned by {@code out}. */
    private void inflate(StringRef out, String what) throws IOException {
        ByteWindow s = input.in;
        int total = length;
        long left = compressed;
        if (total == 0) {
            input.skip(left, what + " (LZF data)");
            out.setBytes(s.array(), s.position(), 0);
            return;
        }
        int room = (int) Math.min(total, Math.max(LZF_FIRST_ROOM, Math.min(left, s.limit() - s.position())));
        byte[] dst = out.ownedBuffer(room + Lzf.SLACK);
        int op = 0;
        while (true) {
            int avail = s.limit() - s.position();
            boolean ends = avail >= left;
            int status = lzf.run(s.array(), s.position(), ends ? s.position() + (int) left : s.limit(), ends, dst, op, room, total, total);
            left -= lzf.ip - s.position();
            s.position(lzf.ip);
            op = lzf.op;
            switch (status) {
                case Lzf.DONE -> {
                    out.setBytes(dst, 0, total);
                    return;
                }
                case Lzf.NEED_OUTPUT -> {
                    // Grown only as output is really produced: garbage fails long before a large claim is reached.
                    room = (int) Math.min(total, 2L * room);
                    dst = out.ownedBuffer(room + Lzf.SLACK, op);
                }
                case Lzf.NEED_INPUT -> moreCompressed(left, what);
                default -> throw input.error(LZF_FAILURE, start, what + ": " + lzf.problem());
            }
        }
    }

    private void moreCompressed(long left, String what) throws IOException {
        // A token needs at most 33 bytes; ask for a little more so the window refills in bulk.
        if (!input.in.request((int) Math.min(left, 64))) throw input.truncated(what + " (LZF data)");
    }

    // ------------------------------------------------------------------ string values in chunks

    /**
     * Reads a string value: into {@code out} whole when it is no longer than the window (false),
     * or (true) only its header, its bytes to come from {@link #nextChunk}.
     */
    boolean beginValue(StringRef out, String what, int max) throws IOException {
        header(what, max);
        if (kind == INTEGER || length <= chunkSize) {
            finishRead(out, what);
            return false;
        }
        startChunks(what);
        return true;
    }

    /**
     * As {@link #beginValue} for a value nobody reads: one no longer than the window is checked
     * as {@link #check} checks it (false); a longer one (true) is left to {@link #skipChunks},
     * which checks it piece by piece exactly as it does for {@link #beginValue}.
     */
    boolean checkValue(String what, int max) throws IOException {
        header(what, max);
        if (kind == INTEGER || length <= chunkSize) {
            checkBody(what);
            return false;
        }
        startChunks(what);
        return true;
    }

    private void startChunks(String what) {
        chunking = true;
        chunkLzf = kind == LZF;
        chunkTotal = length;
        chunkDelivered = 0;
        chunkLeft = chunkLzf ? compressed : length;
        chunkWhat = what;
        chunkStart = start;
        if (chunkLzf) {
            if (ring == null) ring = new byte[Lzf.MAX_DISTANCE + chunkSize + Lzf.SLACK];
            ringOp = 0;
        }
    }

    /** Whether a chunked value has bytes not yet delivered. */
    boolean chunking() {
        return chunking;
    }

    /** Declared length of the chunked value. */
    int chunkTotal() {
        return chunkTotal;
    }

    /** The next piece of the chunked value into {@code out} (valid until the next read); false when all was delivered. */
    boolean nextChunk(StringRef out) throws IOException {
        if (!chunking) return false;
        boolean more = chunkLzf ? nextLzfChunk(out) : nextRawChunk(out);
        if (!more) chunking = false;
        return more;
    }

    private boolean nextRawChunk(StringRef out) throws IOException {
        if (chunkLeft == 0) return false;
        int n = (int) Math.min(chunkLeft, chunkSize);
        input.need(n, chunkWhat);
        ByteWindow s = input.in;
        out.setBytes(s.array(), s.position(), n);
        s.advance(n);
        chunkLeft -= n;
        chunkDelivered += n;
        return true;
    }

    private boolean nextLzfChunk(StringRef out) throws IOException {
        if (chunkDelivered == chunkTotal) {
            // Lzf.run stops with DONE only where the data and the declared length end together.
            if (chunkLeft > 0) throw input.error(LZF_FAILURE, chunkStart, chunkWhat + ": compressed data goes on past the declared length " + chunkTotal);
            return false;
        }
        // Keep the last MAX_DISTANCE bytes: back references reach no further.
        if (ringOp > Lzf.MAX_DISTANCE) {
            System.arraycopy(ring, ringOp - Lzf.MAX_DISTANCE, ring, 0, Lzf.MAX_DISTANCE);
            ringOp = Lzf.MAX_DISTANCE;
        }
        int from = ringOp;
        int room = from + chunkSize;
        ByteWindow s = input.in;
        while (true) {
            long remaining = chunkTotal - chunkDelivered - (ringOp - from);
            int outEnd = (int) Math.min(ringOp + remaining, Integer.MAX_VALUE - 1024);
            int avail = s.limit() - s.position();
            boolean ends = avail >= chunkLeft;
            int status = lzf.run(s.array(), s.position(), ends ? s.position() + (int) chunkLeft : s.limit(), ends, ring, ringOp, Math.min(room, outEnd), outEnd, chunkTotal);
            chunkLeft -= lzf.ip - s.position();
            s.position(lzf.ip);
            ringOp = lzf.op;
            if (status == Lzf.NEED_INPUT) {
                moreCompressed(chunkLeft, chunkWhat);
                continue;
            }
            if (status == Lzf.FAILED) throw input.error(LZF_FAILURE, chunkStart, chunkWhat + ": " + lzf.problem());
            break; // DONE, or the chunk is full
        }
        int n = ringOp - from;
        chunkDelivered += n;
        out.setBytes(ring, from, n);
        return n > 0 || nextLzfChunk(out);
    }

    /** Consumes the rest of a chunked value; LZF data is decompressed (and so checked) unless {@code framingOnly}. */
    void skipChunks(boolean framingOnly) throws IOException {
        if (!chunking) return;
        if (framingOnly || !chunkLzf) {
            chunking = false;
            input.skip(chunkLeft, chunkWhat);
            chunkLeft = 0;
            return;
        }
        while (nextChunk(discard)) {
            // decompressed and dropped
        }
    }

    /**
     * Gathers the rest of a chunked value into storage owned by {@code out} (growing as the bytes
     * arrive, up to the declared length).
     */
    void gather(StringRef out) throws IOException {
        if (chunkDelivered > 0) throw new IllegalStateException("part of the string value was already read in chunks");
        int total = chunkTotal;
        int room = Math.min(total, Math.max(chunkSize, LZF_FIRST_ROOM));
        byte[] buf = out.ownedBuffer(room);
        int n = 0;
        while (nextChunk(discard)) {
            int k = discard.length();
            if (n + k > room) {
                room = (int) Math.min(total, Math.max(2L * room, (long) n + k));
                buf = out.ownedBuffer(room, n);
            }
            System.arraycopy(discard.array(), discard.offset(), buf, n, k);
            n += k;
        }
        out.setBytes(buf, 0, n);
    }
}
