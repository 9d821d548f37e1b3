package dev.salvor.rdb;

import dev.salvor.format.FormatException;
import dev.salvor.format.Location;

/**
 * Malformed or damaged RDB input. Always carries the absolute byte offset where the problem was
 * seen and, when known, the database and key being read; {@link #getMessage()} is one line.
 */
public class RdbFormatException extends FormatException {
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
        /** A set member, zset member or hash field that appears twice in one value (servers refuse it). */
        DUPLICATE_MEMBER("duplicate member"),
        /** Well-formed bytes holding a value the server refuses (a NaN score, a field TTL out of range or order). */
        INVALID_VALUE("invalid value"),
        /** A DUMP payload holding a collection with no elements (RESTORE refuses it; a file's empty key is skipped). */
        EMPTY_VALUE("empty value"),
        UNKNOWN_TYPE("unknown type"),
        UNSUPPORTED("unsupported"),
        CHECKSUM_MISMATCH("checksum mismatch"),
        TRUNCATED("truncated"),
        LIMIT_EXCEEDED("limit exceeded"),
        /** Salvage only: a key that parses but covers a zeroed 4 KiB page of a damaged file. */
        ZEROED_PAGE("zeroed page"),
        /** Salvage only: bytes missing from a decompressed input (a damaged compressed block was skipped) inside what was read. */
        MISSING_BYTES("missing bytes"),
        /** A key that repeats one already read (the reader finds a repeated empty key, a run of zero bytes; salvage any). */
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
    private long blobOffset = -1;
    private long decompressedOffset = -1;

    public RdbFormatException(Reason reason, String source, long offset, int db, byte[] key, String detail) {
        super(reason.text(), new Location(source, offset, 0, db, key), detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    void inCompressedBlob(long blobOffset, long decompressedOffset) {
        this.blobOffset = blobOffset;
        this.decompressedOffset = decompressedOffset;
    }

    /** For damage inside a Dragonfly compressed blob's content: the blob's file offset ({@link #offset()} too), else -1. */
    public long compressedBlobOffset() {
        return blobOffset;
    }

    /** For damage inside a Dragonfly compressed blob's content: the offset in what it decompressed to, else -1. */
    public long decompressedOffset() {
        return decompressedOffset;
    }

    /** Database being read, or -1 when unknown. */
    public int db() {
        return location().db();
    }

    /** Key being read, or null when the problem is outside a key. */
    public byte[] key() {
        return location().key();
    }
}
