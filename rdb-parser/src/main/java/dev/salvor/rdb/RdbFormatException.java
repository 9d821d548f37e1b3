package dev.salvor.rdb;

import java.io.IOException;

/**
 * Malformed or damaged RDB input. Always carries the absolute byte offset where the problem was
 * seen and, when known, the database and key being read; {@link #getMessage()} is one line.
 */
public class RdbFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why the input was rejected; salvage reports group damage by these. */
    public enum Reason {
        BAD_HEADER("bad header"),
        BAD_LENGTH("bad length"),
        BAD_ENCODING("bad encoding"),
        INVALID_ZIPLIST("invalid ziplist"),
        INVALID_LISTPACK("invalid listpack"),
        INVALID_INTSET("invalid intset"),
        INVALID_ZIPMAP("invalid zipmap"),
        INVALID_STREAM("invalid stream"),
        LZF_FAILURE("LZF failure"),
        UNKNOWN_TYPE("unknown type"),
        UNSUPPORTED("unsupported"),
        CHECKSUM_MISMATCH("checksum mismatch"),
        TRUNCATED("truncated"),
        LIMIT_EXCEEDED("limit exceeded"),
        /** Salvage only: a key that parses but covers a zeroed 4 KiB page of a damaged file. */
        ZEROED_PAGE("zeroed page"),
        /** Salvage only: a key that repeats one already read. */
        DUPLICATE_KEY("duplicate key");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final Reason reason;
    private final String source;
    private final long offset;
    private final int db;
    private final byte[] key;
    private final String detail;

    public RdbFormatException(Reason reason, String source, long offset, int db, byte[] key, String detail) {
        super(format(reason, source, offset, db, key, detail));
        this.reason = reason;
        this.source = source;
        this.offset = offset;
        this.db = db;
        this.key = key;
        this.detail = detail;
    }

    private static String format(Reason reason, String source, long offset, int db, byte[] key, String detail) {
        String where = key == null ? null : "db " + db + ", key " + StringRef.printable(key, 0, key.length, 60);
        return LocatedMessage.format(source, reason.text(), offset, where, detail);
    }

    public Reason reason() {
        return reason;
    }

    /** Name of the file or stream, or null when the reader was not given one. */
    public String source() {
        return source;
    }

    /** Absolute byte offset in the input where the problem was detected. */
    public long offset() {
        return offset;
    }

    /** Database being read, or -1 when unknown. */
    public int db() {
        return db;
    }

    /** Key being read, or null when the problem is outside a key. */
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    /** What was expected versus found, without location. */
    public String detail() {
        return detail;
    }
}
