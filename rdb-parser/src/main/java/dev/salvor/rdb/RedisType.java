package dev.salvor.rdb;

/** The data type of a key, as TYPE reports it (and as the NDJSON export names it). */
public enum RedisType {
    STRING("string"), LIST("list"), SET("set"), ZSET("zset"), HASH("hash"), STREAM("stream"), MODULE("module"),
    /** Redis 8.8's sparse array (RDB 14). */
    ARRAY("array"),
    /** KeyDB's cron job (KEYDB.CRON): a script run at an interval. */
    CRON("cron");

    private final String wireName;

    RedisType(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name used by Redis and by the export format. */
    public String wireName() {
        return wireName;
    }

    /** Parses a lower-case type name; null when it is not one. */
    public static RedisType fromWireName(String name) {
        for (RedisType t : values()) {
            if (t.wireName.equals(name)) return t;
        }
        return null;
    }
}
