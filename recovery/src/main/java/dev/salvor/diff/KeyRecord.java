package dev.salvor.diff;

/**
 * One key as a diff source saw it: where it lives, its expiry and its fingerprint.
 *
 * @param locator where to read the value again (a file offset; for a live server unused)
 */
public record KeyRecord(int db, byte[] key, long expireAtMs, ValueDigest digest, long locator) {
}
