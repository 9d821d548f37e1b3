package dev.salvor.format;

import dev.salvor.rdb.StringRef;

/**
 * Where something was found in an input: the source's name, the absolute byte offset, and when
 * known the 1-based line (AOF), the database and the key (RDB). Immutable; shared by every format
 * error (and by reports that name a place).
 *
 * @param source name of the file or stream, or null
 * @param offset absolute byte offset
 * @param line   1-based line of the offset, or 0 when not counted
 * @param db     database being read, or -1 when unknown
 * @param key    key being read, or null (a copy is kept)
 */
public record Location(String source, long offset, long line, int db, byte[] key) {
    public Location {
        key = key == null ? null : key.clone();
    }

    /** A place known only by its source and offset. */
    public static Location of(String source, long offset) {
        return new Location(source, offset, 0, -1, null);
    }

    @Override
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    /** What is known besides the offset, for messages ("line 7", "db 0, key \"k\""), or null. */
    public String where() {
        String inKey = key == null ? null : "db " + db + ", key " + StringRef.printable(key, 0, key.length, 60);
        String atLine = line > 0 ? "line " + line : null;
        if (inKey == null) return atLine;
        return atLine == null ? inKey : atLine + ", " + inKey;
    }

    /** {@code SOURCE: WHAT at byte offset N (WHERE): DETAIL}, on one line. */
    public String message(String what, String detail) {
        StringBuilder sb = new StringBuilder();
        if (source != null) sb.append(source).append(": ");
        sb.append(what).append(" at byte offset ").append(offset);
        String where = where();
        if (where != null) sb.append(" (").append(where).append(')');
        sb.append(": ").append(detail.replace('\n', ' '));
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Location l && offset == l.offset && line == l.line && db == l.db
                && java.util.Objects.equals(source, l.source) && java.util.Arrays.equals(key, l.key);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(source, offset, line, db) * 31 + java.util.Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return message("location", "-");
    }
}
