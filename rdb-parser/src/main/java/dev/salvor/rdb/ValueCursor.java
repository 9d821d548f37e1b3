package dev.salvor.rdb;

/**
 * The current key's value as the decoders leave it: its encoding, the element just decoded, and
 * the counts the reader reports about it. One instance per reader, shared by every decoder.
 */
final class ValueCursor {
    RdbEncoding encoding;
    ElementKind kind;
    /** String value, list item, set member, zset member or hash field. */
    final StringRef item = new StringRef();
    final StringRef hashValue = new StringRef();
    /** For the second or third part of a pair read from a blob (a zset score, a field TTL). */
    final StringRef scratch = new StringRef();
    /**
     * Set while a value is consumed only to check it ({@link RdbReader#skipValue}): no element is
     * delivered, so bytes no rule looks at (string values, hash values) are checked by their
     * framing and LZF tokens without being copied or decompressed.
     */
    boolean unread;
    double score;
    long fieldExpireAtMs = -1;
    /** A sparse array element's index, unsigned. */
    long arrayIndex;
    /** A sparse array's insert cursor, unsigned; -1 (2^64 - 1) when it has none. */
    long arrayInsertIndex = -1;
    /** A KeyDB cron job's first run and interval, in ms. */
    long cronStartMs;
    long cronIntervalMs;
    /**
     * Members with their own expiry that the element stream does not carry: KeyDB's AUX pairs
     * after the value, Dragonfly's set members with expiry (type 32).
     */
    final java.util.List<MemberExpiry> memberExpiries = new java.util.ArrayList<>();
    /** Element count the encoding states up front, else -1. */
    long sizeHint;
    /** Self-checking containers (blobs, quicklist and stream nodes) opened for this value. */
    int containersOpened;
    /** Elements delivered so far. */
    long elements;
    /** The value's members or fields so far, where the server holds each once (sets, zsets, hashes). */
    final MemberSet members = new MemberSet();

    void reset(RdbEncoding encoding) {
        this.encoding = encoding;
        sizeHint = -1;
        containersOpened = 0;
        elements = 0;
        members.clear();
        memberExpiries.clear();
        arrayInsertIndex = -1;
    }
}
