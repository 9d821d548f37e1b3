package dev.salvor.check;

import dev.salvor.rdb.RdbFormatException;

/**
 * One thing wrong with a file, located by byte offset (and key, when one was being read).
 *
 * @param key the key's raw bytes, or null
 */
public record Problem(long offset, int db, byte[] key, String reason, String detail) {
    public static Problem of(RdbFormatException e) {
        return new Problem(e.offset(), e.db(), e.key(), e.reason().text(), e.detail());
    }
}
