package dev.salvor.rdb;

/** Every value encoding an RDB file can hold, named after Redis's RDB type constants. */
public enum RdbEncoding {
    STRING(0, RedisType.STRING, "string"),
    LIST_LINKED(1, RedisType.LIST, "linkedlist"),
    SET_PLAIN(2, RedisType.SET, "hashtable"),
    ZSET_TEXT_SCORES(3, RedisType.ZSET, "skiplist-text-scores"),
    HASH_PLAIN(4, RedisType.HASH, "hashtable"),
    ZSET_2(5, RedisType.ZSET, "skiplist"),
    MODULE_PRE_GA(6, RedisType.MODULE, "module-pre-ga"),
    MODULE_2(7, RedisType.MODULE, "module"),
    HASH_ZIPMAP(9, RedisType.HASH, "zipmap"),
    LIST_ZIPLIST(10, RedisType.LIST, "ziplist"),
    SET_INTSET(11, RedisType.SET, "intset"),
    ZSET_ZIPLIST(12, RedisType.ZSET, "ziplist"),
    HASH_ZIPLIST(13, RedisType.HASH, "ziplist"),
    LIST_QUICKLIST(14, RedisType.LIST, "quicklist"),
    STREAM_LISTPACKS(15, RedisType.STREAM, "stream-v1"),
    HASH_LISTPACK(16, RedisType.HASH, "listpack"),
    ZSET_LISTPACK(17, RedisType.ZSET, "listpack"),
    LIST_QUICKLIST_2(18, RedisType.LIST, "quicklist2"),
    STREAM_LISTPACKS_2(19, RedisType.STREAM, "stream-v2"),
    SET_LISTPACK(20, RedisType.SET, "listpack"),
    STREAM_LISTPACKS_3(21, RedisType.STREAM, "stream-v3"),
    /** Redis 7.4 release candidates; Valkey uses 22 for {@link #HASH_2}. */
    HASH_METADATA_PRE_GA(22, RedisType.HASH, "hashtable-ttl-pre-ga"),
    HASH_LISTPACK_EX_PRE_GA(23, RedisType.HASH, "listpackex-pre-ga"),
    HASH_METADATA(24, RedisType.HASH, "hashtable-ttl"),
    HASH_LISTPACK_EX(25, RedisType.HASH, "listpackex"),
    /** Valkey 9 (RDB 80+): hash whose fields carry their own expiry. */
    HASH_2(22, RedisType.HASH, "hashtable-ttl-valkey");

    private final int rdbType;
    private final RedisType type;
    private final String label;

    RdbEncoding(int rdbType, RedisType type, String label) {
        this.rdbType = rdbType;
        this.type = type;
        this.label = label;
    }

    /** The type byte as written in the file. */
    public int rdbType() {
        return rdbType;
    }

    public RedisType type() {
        return type;
    }

    /** A short label close to what OBJECT ENCODING would have said. */
    public String label() {
        return label;
    }

    /** Resolves a type byte for a file of the given flavor; null when the byte names no value type. */
    public static RdbEncoding of(int typeByte, RdbFlavor flavor) {
        if (typeByte == 22) return flavor == RdbFlavor.VALKEY ? HASH_2 : HASH_METADATA_PRE_GA;
        if (typeByte == 23 && flavor == RdbFlavor.VALKEY) return null;
        for (RdbEncoding e : values()) {
            if (e.rdbType == typeByte && e != HASH_2) return e;
        }
        return null;
    }
}
