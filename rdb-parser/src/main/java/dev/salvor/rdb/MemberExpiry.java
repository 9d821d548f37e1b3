package dev.salvor.rdb;

/**
 * A KeyDB member expiry: an AUX {@code keydb-subexpire-key} record naming a member (or hash
 * field) of the key just read, and the AUX {@code keydb-subexpire-when} record after it with the
 * member's absolute expiry in Unix ms as decimal text (KeyDB src/rdb.cpp: written after the key's
 * value, one pair per member with its own expiry; its loader attaches each pair to the key loaded
 * last). A name without its time (KeyDB's loader logs "Corrupt subexpire entry" and drops it), or
 * a time that is not a number, is kept with {@code expireAtMs} -1 rather than guessed.
 *
 * @param member the member's bytes
 * @param expireAtMs the absolute expiry in Unix ms, or -1 when the file gives none that reads
 * @param offset where the pair's first AUX record begins
 */
public record MemberExpiry(byte[] member, long expireAtMs, long offset) {
}
