package dev.salvor.rdb;

/**
 * What a visitor sees of a key: its name, type and encoding, its prefixes, and what its encoding
 * states before the first element. Read-only; after the value ({@code endKey}), also where it ended.
 */
public interface KeyHeader {
    /** Database the key is in (-1 inside a DUMP payload). */
    int db();

    /** The key's name (a fresh array per key), or null inside a DUMP payload. */
    byte[] key();

    RedisType type();

    RdbEncoding encoding();

    /** Absolute expiry in Unix ms, or -1. */
    long expireAtMs();

    /** Whether the expiry came in the old 4-byte seconds form (servers before 2.6). */
    boolean expiryInSeconds();

    /** LRU idle seconds, or -1. */
    long lruIdle();

    /** LFU counter, or -1. */
    int lfuFreq();

    /** Where the key's record begins (its first prefix opcode). */
    long recordOffset();

    /** The Dragonfly compressed blob this was read from, or null (see {@link RdbReader#compressedBlob()}). */
    default CompressedBlob compressedBlob() {
        return null;
    }

    /** Where the value begins (after the key's name). */
    long valueOffset();

    /** Element count the encoding states up front, else -1. */
    long sizeHint();

    /** For module values: the module's 9-character name (read before the value's opcodes). */
    String moduleName();

    int moduleVersion();

    int version();

    RdbFlavor flavor();

    String source();

    /** After the value: the offset just past it. */
    long keyEndOffset();

    /** Elements delivered so far (after the value: all of them, when it was read element by element). */
    long elementCount();

    /** After the value: whether it ends in bytes no structure check covers (see {@link RdbEncoding.Family}). */
    boolean endsUnchecked();

    /** For a sparse array: the insert cursor (unsigned), or -1 when it has none. */
    long arrayInsertIndex();

    /** Redis 8.6+ key metadata classes before the key, in file order; empty when none. */
    java.util.List<KeyMetadata> keyMetadata();

    /**
     * After the value: members with their own expiry that the elements do not carry: KeyDB's
     * (AUX {@code keydb-subexpire-key}/{@code -when} pairs right after the key) and Dragonfly's
     * set members with expiry (type 32), in file order; empty when none.
     */
    java.util.List<MemberExpiry> memberExpiries();

    /** After the value: where the key's record ends (past its member expiries; else {@link #keyEndOffset()}). */
    long keyRecordEndOffset();
}
