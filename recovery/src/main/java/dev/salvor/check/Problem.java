package dev.salvor.check;

import dev.salvor.rdb.RdbFormatException;

/**
 * One thing wrong with a file, located by byte offset (and key, when one was being read).
 *
 * @param key the key's raw bytes, or null
 * @param region the damaged byte range with the good keys around it, when the whole file was read past it; else null
 */
public record Problem(long offset, int db, byte[] key, String reason, String detail, Region region) {
    /**
     * A damaged byte range {@code [start, end)}.
     *
     * @param lastGoodKey  the last key read intact before it, or null
     * @param firstGoodKey the first key read intact after it, or null
     * @param truncatedTail whether it runs to the end of the file
     */
    public record Region(long start, long end, byte[] lastGoodKey, byte[] firstGoodKey, boolean truncatedTail) {
        /** The region in words, for text output. */
        public String describe() {
            return "damaged region [" + start + ", " + end + ")"
                    + (lastGoodKey != null ? ", last good key before it " + printable(lastGoodKey) : "")
                    + (firstGoodKey != null ? ", first good key after it " + printable(firstGoodKey) : "")
                    + (truncatedTail ? ", runs to the end of the file (truncated tail)" : "");
        }

        private static String printable(byte[] key) {
            return dev.salvor.rdb.StringRef.printable(key, 0, key.length, 60);
        }
    }

    /** The problem in one line: {@code [offset N] reason: detail; region (db D, key K)}, safe to print. */
    public String describe() {
        return String.format("[offset %d] %s: %s%s%s", offset, reason, dev.salvor.io.Text.safe(detail), region == null ? "" : "; " + region.describe(),
                key == null ? "" : " (" + (db >= 0 ? "db " + db + ", " : "") + "key " + dev.salvor.rdb.StringRef.printable(key, 0, key.length, 80) + ")");
    }

    public Problem(long offset, int db, byte[] key, String reason, String detail) {
        this(offset, db, key, reason, detail, null);
    }

    public static Problem of(RdbFormatException e) {
        return new Problem(e.offset(), e.db(), e.key(), e.reason().text(), e.detail());
    }
}
