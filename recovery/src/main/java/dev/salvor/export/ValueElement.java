package dev.salvor.export;

/**
 * One element of a collection held in memory: member or field, the hash value (or null), the
 * zset score, and the hash field's expiry (or -1).
 */
public record ValueElement(byte[] item, byte[] value, double score, long fieldExpireAtMs) {
}
