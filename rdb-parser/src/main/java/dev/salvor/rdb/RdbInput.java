package dev.salvor.rdb;

import dev.salvor.format.ByteWindow;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;
import static dev.salvor.rdb.RdbFormatException.Reason.BAD_LENGTH;
import static dev.salvor.rdb.RdbFormatException.Reason.LIMIT_EXCEEDED;
import static dev.salvor.rdb.RdbFormatException.Reason.TRUNCATED;

import java.io.IOException;

/**
 * The RDB input primitives over a {@link ByteWindow}: bytes, little- and big-endian integers,
 * length encodings, doubles, stream ids, and located errors. It also holds where the reader is
 * (database and key), so every error names them; the reader's parts share one instance.
 */
final class RdbInput {
    /** What is read now: the file's window, or the content of a compressed blob while inside one. */
    ByteWindow in;
    /** The file's window while {@link #in} reads a blob's content. */
    private ByteWindow outer;
    /**
     * The Dragonfly compressed blob being read (from when its frame was read: its content once it
     * decompressed), or null. Offsets read inside it are offsets in its content.
     */
    CompressedBlob blob;
    /** The CRC64 of every byte consumed since it was started (the file's checksum). */
    final RunningCrc crc = new RunningCrc();
    final String source;
    final ReadConstraints constraints;
    /** Database in effect (SELECTDB), -1 inside a DUMP payload. */
    int db;
    /** The key whose value is being read, or null outside a value. */
    byte[] key;
    /** Where the current token begins. */
    long tokenOffset;
    /** Where the current top-level record began (for a key, its first prefix opcode). */
    long recordOffset;
    /**
     * Whether this is a DUMP payload: RESTORE checks some things a file load does not (empty
     * values) and lets others pass (see {@link #rawLength(String, boolean)}).
     */
    final boolean dumpPayload;

    RdbInput(ByteWindow in, String source, ReadConstraints constraints) {
        this(in, source, constraints, false);
    }

    RdbInput(ByteWindow in, String source, ReadConstraints constraints, boolean dumpPayload) {
        this.in = in;
        in.tap(crc);
        this.source = source;
        this.constraints = constraints;
        this.dumpPayload = dumpPayload;
    }

    long offset() {
        return in.offset();
    }

    RdbFormatException error(RdbFormatException.Reason reason, long offset, String detail) {
        if (outer != null) {
            // Inside a blob's content: the error is at the blob in the file, and at this offset of
            // what it decompressed to. Its content ending early is damage, not a cut-off file.
            boolean cut = reason == TRUNCATED;
            String what = cut ? detail.replace("input ends", "the decompressed content ends") : detail;
            RdbFormatException e = new RdbFormatException(cut ? BAD_LENGTH : reason, source, blob.start(), db, key,
                    "in the " + blob.label() + ", at offset " + offset + " of its " + blob.decompressedLength() + " decompressed bytes: " + what);
            e.inCompressedBlob(blob.start(), offset);
            return e;
        }
        return new RdbFormatException(reason, source, offset, db, key, detail);
    }

    /** Reads {@code b}'s content (followed by the blob-end opcode, as Dragonfly's loader appends it) until {@link #leaveBlob()}. */
    void enterBlob(CompressedBlob b) {
        blob = b;
        outer = in;
        byte[] c = b.content();
        in = ByteWindow.slice(c, 0, c.length, 0, c.length);
    }

    /** Back to the file, right after the blob. */
    void leaveBlob() {
        in = outer;
        outer = null;
        blob = null;
    }

    /** Whether {@link #in} reads a blob's content. */
    boolean inBlobContent() {
        return outer != null;
    }

    RdbFormatException truncated(String what) {
        return error(TRUNCATED, in.offset(), "input ends while reading " + what);
    }

    void need(int n, String what) throws IOException {
        if (!in.request(n)) throw truncated(what);
    }

    int u8(String what) throws IOException {
        int b = in.read();
        if (b < 0) throw truncated(what);
        return b;
    }

    long le(int n, String what) throws IOException {
        need(n, what);
        ByteWindow s = in;
        byte[] a = s.array();
        int p = s.position();
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = v << 8 | (a[p + i] & 0xffL);
        s.position(p + n);
        return v;
    }

    long be(int n, String what) throws IOException {
        need(n, what);
        ByteWindow s = in;
        byte[] a = s.array();
        int p = s.position();
        long v = 0;
        for (int i = 0; i < n; i++) v = v << 8 | (a[p + i] & 0xffL);
        s.position(p + n);
        return v;
    }

    /** Consumes {@code n} bytes (through the window, so they are checksummed); a shortfall is reported where they began. */
    void skip(long n, String what) throws IOException {
        ByteWindow s = in;
        if (s.limit() - s.position() >= n) {
            s.advance((int) n);
            return;
        }
        long at = s.offset();
        if (!s.skip(n)) throw error(TRUNCATED, at, "input ends while reading " + what);
    }

    /**
     * Length encoding. A byte 0xc0-0xff (the prefix of an encoded string) reads as its low 6 bits,
     * as the server's length reader does where it expects a length.
     */
    long length(String what) throws IOException {
        long start = in.offset();
        int b = u8(what);
        switch (b >>> 6) {
            case 0:
                return b & 0x3f;
            case 1:
                return (b & 0x3f) << 8 | u8(what);
            case 2:
                if (b == 0x80) return be(4, what);
                if (b == 0x81) {
                    long v = be(8, what);
                    if (v < 0) throw error(BAD_LENGTH, start, what + ": 64-bit length " + Long.toUnsignedString(v) + " is out of range");
                    return v;
                }
                throw error(BAD_LENGTH, start, what + ": expected a length, found prefix byte 0x" + Integer.toHexString(b));
            default:
                return b & 0x3f;
        }
    }

    /**
     * As {@link #length(String)}, for a length described as {@code what + part}: the description is
     * only put together when the length is not a one- or two-byte one already in the window (a
     * string header reads two lengths per compressed string, and most are short).
     */
    long length(String what, String part) throws IOException {
        ByteWindow s = in;
        int p = s.position();
        if (p < s.limit()) {
            byte[] a = s.array();
            int b = a[p] & 0xff;
            int kind = b >>> 6;
            if (kind == 0 || kind == 3) {
                s.position(p + 1);
                return b & 0x3f;
            }
            if (kind == 1 && p + 1 < s.limit()) {
                s.position(p + 2);
                return (b & 0x3f) << 8 | (a[p + 1] & 0xff);
            }
        }
        return length(what + part);
    }

    /** A count of elements, nodes, groups or pending entries, within {@link ReadConstraints#maxElements()}. */
    long count(String what) throws IOException {
        long start = in.offset();
        long n = length(what);
        if (n > constraints.maxElements()) {
            throw error(LIMIT_EXCEEDED, start, what + " " + n + " exceeds the limit of " + constraints.maxElements());
        }
        return n;
    }

    /** A length-encoded number that may use the full unsigned 64-bit range (stream ids). */
    long rawLength(String what) throws IOException {
        return rawLength(what, false);
    }

    /**
     * {@link #rawLength(String)}; with {@code unchecked}, a number the server reads without
     * checking for a bad prefix: in a DUMP payload it then goes on with the value 2^64-1 (a
     * RESTORE does not stop at a report), while loading a file stops there.
     */
    long rawLength(String what, boolean unchecked) throws IOException {
        long start = in.offset();
        int b = u8(what);
        switch (b >>> 6) {
            case 0: return b & 0x3f;
            case 1: return (b & 0x3f) << 8 | u8(what);
            case 2:
                if (b == 0x80) return be(4, what);
                if (b == 0x81) return be(8, what);
                if (unchecked && dumpPayload) return -1L;
                throw error(BAD_LENGTH, start, what + ": expected a length, found prefix byte 0x" + Integer.toHexString(b));
            default:
                return b & 0x3f;
        }
    }

    double binaryDouble(String what) throws IOException {
        return Double.longBitsToDouble(le(8, what));
    }

    /** The text-encoded double of RDB type 3 and old files: length byte, or 253/254/255 for nan/inf/-inf. */
    double textDouble(String what) throws IOException {
        long start = in.offset();
        int len = u8(what);
        if (len == 253) return Double.NaN;
        if (len == 254) return Double.POSITIVE_INFINITY;
        if (len == 255) return Double.NEGATIVE_INFINITY;
        need(len, what);
        // The server reads it with sscanf("%lg"): the longest prefix that is a number, if any.
        byte[] a = in.array();
        int p = in.position();
        in.advance(len);
        if (CNumbers.strtodLength(a, p, len) == 0) throw error(BAD_ENCODING, start, what + ": not a number: " + StringRef.printable(a, p, len, 40));
        return CNumbers.strtod(a, p, len);
    }

    /** Skips a text-encoded double (framing only). */
    void skipTextDouble(String what) throws IOException {
        int len = u8(what);
        if (len < 253) skip(len, what);
    }

    StreamId rawStreamId(String what) throws IOException {
        long ms = be(8, what);
        long seq = be(8, what);
        return new StreamId(ms, seq);
    }

    /** A stream id as two lengths, which the server reads unchecked (see {@link #rawLength(String, boolean)}). */
    StreamId lengthStreamId(String what) throws IOException {
        long ms = rawLength(what, true);
        long seq = rawLength(what, true);
        return new StreamId(ms, seq);
    }
}
