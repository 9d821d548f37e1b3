package dev.salvor.rdb;

/**
 * Every value encoding an RDB file can hold, named after Redis's RDB type constants, with the
 * facts the rest of Salvor needs about it. Each constant states them all, so a new encoding is
 * one constant here (plus at most one decoder and one test); nothing else switches over types.
 *
 * <ul>
 * <li>{@link #family()}: which decoder reads it, and what damage can go unnoticed in it;</li>
 * <li>{@link #bare()}: a record of this type without prefixes is made of RDB strings only;</li>
 * <li>{@link #writtenBy(int)}: whether a server writing that RDB version writes this type;</li>
 * <li>{@link #scoresDescending()}: whether servers save its elements in descending score order;</li>
 * <li>{@link #readIn(RdbFlavor)}: under which flavors' numbering the type byte means this encoding
 * (those listed last in the constant; none listed: all of them).</li>
 * </ul>
 */
public enum RdbEncoding {
    STRING(0, RedisType.STRING, "string", Family.STRING, true, 1, Versions.LATEST, true),
    LIST_LINKED(1, RedisType.LIST, "linkedlist", Family.PLAIN, true, 1, 6, false),
    SET_PLAIN(2, RedisType.SET, "hashtable", Family.PLAIN, true, 1, Versions.LATEST, true),
    ZSET_TEXT_SCORES(3, RedisType.ZSET, "skiplist-text-scores", Family.PLAIN, true, 1, 7, false),
    HASH_PLAIN(4, RedisType.HASH, "hashtable", Family.PLAIN, true, 1, Versions.LATEST, true),
    ZSET_2(5, RedisType.ZSET, "skiplist", Family.PLAIN, false, 8, Versions.LATEST, true),
    /** Redis 4.0 release candidates: no released server writes it, and it cannot be framed without the module. */
    MODULE_PRE_GA(6, RedisType.MODULE, "module-pre-ga", Family.MODULE, false, Versions.NEVER, Versions.NEVER, false),
    MODULE_2(7, RedisType.MODULE, "module", Family.MODULE, false, 8, Versions.LATEST, true),
    HASH_ZIPMAP(9, RedisType.HASH, "zipmap", Family.PACKED, false, 1, 6, false),
    LIST_ZIPLIST(10, RedisType.LIST, "ziplist", Family.PACKED, false, 1, 6, false),
    SET_INTSET(11, RedisType.SET, "intset", Family.PACKED, false, 1, Versions.LATEST, true),
    ZSET_ZIPLIST(12, RedisType.ZSET, "ziplist", Family.PACKED, false, 1, 9, false),
    HASH_ZIPLIST(13, RedisType.HASH, "ziplist", Family.PACKED, false, 1, 9, false),
    LIST_QUICKLIST(14, RedisType.LIST, "quicklist", Family.QUICKLIST, false, 7, 9, false),
    STREAM_LISTPACKS(15, RedisType.STREAM, "stream-v1", Family.STREAM, false, 9, 9, false),
    HASH_LISTPACK(16, RedisType.HASH, "listpack", Family.PACKED, false, 10, Versions.LATEST, true),
    ZSET_LISTPACK(17, RedisType.ZSET, "listpack", Family.PACKED, false, 10, Versions.LATEST, true),
    LIST_QUICKLIST_2(18, RedisType.LIST, "quicklist2", Family.QUICKLIST, false, 10, Versions.LATEST, true),
    STREAM_LISTPACKS_2(19, RedisType.STREAM, "stream-v2", Family.STREAM, false, 10, Versions.LATEST, true),
    /** Not in Dragonfly's files, where 20 is its JSON type of before RDB 10 ({@link #DF_JSON_OLD}). */
    SET_LISTPACK(20, RedisType.SET, "listpack", Family.PACKED, false, 11, Versions.LATEST, true, RdbFlavor.REDIS, RdbFlavor.VALKEY, RdbFlavor.KEYDB),
    STREAM_LISTPACKS_3(21, RedisType.STREAM, "stream-v3", Family.STREAM, false, 11, Versions.LATEST, true),
    /** Redis 7.4 release candidates; Valkey uses 22 for {@link #HASH_2}. */
    HASH_METADATA_PRE_GA(22, RedisType.HASH, "hashtable-ttl-pre-ga", Family.PLAIN, false, 12, Versions.LATEST, false, RdbFlavor.REDIS),
    HASH_LISTPACK_EX_PRE_GA(23, RedisType.HASH, "listpackex-pre-ga", Family.PACKED, false, 12, Versions.LATEST, false, RdbFlavor.REDIS),
    HASH_METADATA(24, RedisType.HASH, "hashtable-ttl", Family.PLAIN, false, 12, Versions.LATEST, false),
    HASH_LISTPACK_EX(25, RedisType.HASH, "listpackex", Family.PACKED, false, 12, Versions.LATEST, false),
    /** Valkey 9 (RDB 80+): hash whose fields carry their own expiry. */
    HASH_2(22, RedisType.HASH, "hashtable-ttl-valkey", Family.PLAIN, false, Versions.NEVER, Versions.NEVER, true, RdbFlavor.VALKEY),
    /** Redis 8.6 (RDB 13): stream v3 plus the idempotent-producer state after the consumer groups. */
    STREAM_LISTPACKS_4(26, RedisType.STREAM, "stream-v4", Family.STREAM, false, 13, Versions.LATEST, false, RdbFlavor.REDIS),
    /** Redis 8.8 (RDB 14): stream v4 plus, per consumer group, the ids nacked back to it. */
    STREAM_LISTPACKS_5(27, RedisType.STREAM, "stream-v5", Family.STREAM, false, 14, Versions.LATEST, false, RdbFlavor.REDIS),
    /** Redis 8.8 (RDB 14): a sparse array of indexed strings, integers and doubles, with an optional insert cursor. */
    ARRAY(28, RedisType.ARRAY, "sparse-array", Family.ARRAY, false, 14, Versions.LATEST, false, RdbFlavor.REDIS),
    /** Redis 8.10 (RDB 15) DUMP payloads: field names inline (a listpack or strings), values in a listpack. Saves write 30 instead. */
    HASH_TMPL_LP(29, RedisType.HASH, "template-listpack", Family.TEMPLATE_HASH, false, Versions.NEVER, Versions.NEVER, false, RdbFlavor.REDIS),
    /** Redis 8.10 (RDB 15): a listpack of the template id and the values; the names come from a HASH_TEMPLATE record. */
    HASH_TMPL_LP_REF(30, RedisType.HASH, "template-listpack-ref", Family.TEMPLATE_HASH, false, 15, Versions.LATEST, false, RdbFlavor.REDIS),
    /** Redis 8.10 (RDB 15) DUMP payloads: field names inline, values as strings. Saves write 32 instead. */
    HASH_TMPL_ARRAY(31, RedisType.HASH, "template-array", Family.TEMPLATE_HASH, false, Versions.NEVER, Versions.NEVER, false, RdbFlavor.REDIS),
    /** Redis 8.10 (RDB 15): the template id, then the values as strings; the names come from a HASH_TEMPLATE record. */
    HASH_TMPL_ARRAY_REF(32, RedisType.HASH, "template-array-ref", Family.TEMPLATE_HASH, false, 15, Versions.LATEST, false, RdbFlavor.REDIS),
    /**
     * Dragonfly: a hash whose fields may carry an expiry: count, then field, value and expiry per
     * field, the expiry an RDB string of decimal seconds since 2023-02-01 (kMemberExpiryBase), -1
     * for none (dragonfly src/server/rdb_save.cc SaveHSetObject, rdb_load.cc CreateHMap).
     */
    DF_HASH_WITH_EXPIRY(31, RedisType.HASH, "dragonfly-hash-ttl", Family.PLAIN, false, Versions.NEVER, Versions.NEVER, false, RdbFlavor.DRAGONFLY),
    /** Dragonfly: a set whose members may carry an expiry, member then expiry as in {@link #DF_HASH_WITH_EXPIRY} (SaveSetObject, CreateSet). */
    DF_SET_WITH_EXPIRY(32, RedisType.SET, "dragonfly-set-ttl", Family.PLAIN, false, Versions.NEVER, Versions.NEVER, false, RdbFlavor.DRAGONFLY),
    /**
     * Dragonfly: a JSON document, one RDB string of JSON text (dragonfly rdb_extensions.h
     * RDB_TYPE_JSON; rdb_load.cc ReadObj reads it with ReadGeneric, then parses the text). Read as
     * a RedisJSON value of encoding version 3 (one string of JSON text), which it is in all but
     * its type byte.
     */
    DF_JSON(30, RedisType.MODULE, "dragonfly-json", Family.MODULE, false, Versions.NEVER, Versions.NEVER, false, RdbFlavor.DRAGONFLY),
    /**
     * Dragonfly's JSON under its number of before RDB 10: its files say RDB 9, and its loader
     * reads 20 as JSON below version 10 (rdb_load.cc ReadObj, RDB_TYPE_SET_LISTPACK case).
     */
    DF_JSON_OLD(20, RedisType.MODULE, "dragonfly-json", Family.MODULE, false, Versions.NEVER, Versions.NEVER, false, RdbFlavor.DRAGONFLY),
    /**
     * Dragonfly's probabilistic types (rdb_extensions.h 33 to 37), read as its loader reads them
     * (rdb_load.cc ReadSBFImpl, ReadTOPK, ReadCMS, ReadCuckoo) and given as values of no module
     * ({@link ModuleValue#dragonflyType()}): a scalable Bloom filter (33), the same with its
     * filters in chunks (34), a count-min sketch (35), a top-k (36) and a cuckoo filter (37).
     */
    DF_SBF(33, RedisType.MODULE, "dragonfly-bloom", Family.MODULE, false, Versions.NEVER, Versions.NEVER, false, RdbFlavor.DRAGONFLY),
    DF_SBF2(34, RedisType.MODULE, "dragonfly-bloom-chunked", Family.MODULE, false, Versions.NEVER, Versions.NEVER, false, RdbFlavor.DRAGONFLY),
    DF_CMS(35, RedisType.MODULE, "dragonfly-count-min", Family.MODULE, false, Versions.NEVER, Versions.NEVER, false, RdbFlavor.DRAGONFLY),
    DF_TOPK(36, RedisType.MODULE, "dragonfly-topk", Family.MODULE, false, Versions.NEVER, Versions.NEVER, false, RdbFlavor.DRAGONFLY),
    DF_CUCKOO(37, RedisType.MODULE, "dragonfly-cuckoo", Family.MODULE, false, Versions.NEVER, Versions.NEVER, false, RdbFlavor.DRAGONFLY),
    /** KeyDB (RDB 9): a cron job, script, start, interval, keys and arguments (KeyDB src/rdb.h RDB_TYPE_CRON). */
    KEYDB_CRON(64, RedisType.CRON, "cron", Family.CRON, false, 9, 9, false, RdbFlavor.KEYDB);

    /**
     * How a value of an encoding is laid out, which decides the decoder that reads it and what a
     * wrong length inside it could leave unnoticed.
     */
    public enum Family {
        /**
         * One RDB string (raw, integer or LZF): ends in unchecked bytes unless stored as an integer
         * (LZF data's last literal run is copied as it is, so a changed byte there still
         * decompresses to the declared length).
         */
        STRING(true),
        /** A count, then that many elements made of RDB strings and numbers: nothing checks them. */
        PLAIN(true),
        /** One encoded blob (ziplist, listpack, intset, zipmap) that checks itself as a whole. */
        PACKED(false),
        /** A count of nodes, each a self-checking blob (or a plain node in quicklist 2). */
        QUICKLIST(false),
        /** Listpack nodes, then metadata and consumer groups: the tail is lengths and ids nothing checks. */
        STREAM(true),
        /** A module's opcodes: framed, but their content is not checked. */
        MODULE(true),
        /**
         * A hash against a template of field names (Redis 8.10): values as strings (nothing checks
         * them) or in a listpack; counted as unchecked, as the string forms are.
         */
        TEMPLATE_HASH(true),
        /** A sparse array (Redis 8.8): a count, then indexed elements of lengths, strings and 8-byte numbers nothing checks. */
        ARRAY(true),
        /** KeyDB's cron job: strings, two 8-byte times and counts nothing checks. */
        CRON(true);

        private final boolean endsUnchecked;

        Family(boolean endsUnchecked) {
            this.endsUnchecked = endsUnchecked;
        }

        /**
         * Whether a value of this family ends in bytes that no structure check covers, so that a
         * wrong length inside it could run into foreign bytes unnoticed (for {@link #STRING}: unless
         * the string is stored as an integer, see {@link RdbReader#endsUnchecked()}).
         */
        public boolean endsUnchecked() {
            return endsUnchecked;
        }
    }

    /** RDB version bounds of the {@code writtenBy} trait. */
    private static final class Versions {
        static final int LATEST = 79;
        static final int NEVER = -1;
    }

    /** First RDB version of Valkey's own numbering (VALKEY080). */
    private static final int VALKEY_VERSIONS = 80;

    private static final RdbEncoding[][] BY_FLAVOR = new RdbEncoding[RdbFlavor.values().length][256];
    private static final boolean[] TYPE_BYTES = new boolean[256];

    static {
        for (RdbEncoding e : values()) {
            for (RdbFlavor f : RdbFlavor.values()) {
                if (!e.readIn(f)) continue;
                if (BY_FLAVOR[f.ordinal()][e.rdbType] != null) throw new ExceptionInInitializerError("type " + e.rdbType + " twice for " + f);
                BY_FLAVOR[f.ordinal()][e.rdbType] = e;
                TYPE_BYTES[e.rdbType] = true;
            }
        }
    }

    private final int rdbType;
    private final RedisType type;
    private final String label;
    private final Family family;
    private final boolean bare;
    private final int redisSince;
    private final int redisUntil;
    private final boolean valkey9;
    /** The flavors whose numbering gives the type byte this meaning; empty: every flavor. */
    private final RdbFlavor[] readers;

    RdbEncoding(int rdbType, RedisType type, String label, Family family, boolean bare, int redisSince, int redisUntil,
                boolean valkey9, RdbFlavor... readers) {
        this.rdbType = rdbType;
        this.type = type;
        this.label = label;
        this.family = family;
        this.bare = bare;
        this.redisSince = redisSince;
        this.redisUntil = redisUntil;
        this.valkey9 = valkey9;
        this.readers = readers;
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

    public Family family() {
        return family;
    }

    /**
     * Whether a record of this type, without expiry or other prefix, consists of nothing but RDB
     * strings (string keys and the plain collections of older servers): the elements of such a
     * collection read exactly like a chain of such records, so damage that destroys a collection's
     * header can make its elements look like keys.
     */
    public boolean bare() {
        return bare;
    }

    /**
     * Whether a server writing RDB {@code version} ever writes this type: each version writes
     * only the encodings current at the time, which rules out most garbage. Versions from 80 are
     * Valkey's own numbering.
     */
    public boolean writtenBy(int version) {
        if (version >= VALKEY_VERSIONS) return valkey9;
        return redisSince != Versions.NEVER && version >= redisSince && version <= redisUntil;
    }

    /**
     * As {@link #writtenBy(int)} for a file of the given flavor: Dragonfly says RDB 9 in every file
     * and writes newer encodings in it (dragonfly rdb_save.cc RdbObjectType: quicklist 2,
     * listpacks, streams v3, its own types), never the ziplist, zipmap or linked-list ones.
     */
    public boolean writtenBy(int version, RdbFlavor flavor) {
        if (flavor != RdbFlavor.DRAGONFLY) return writtenBy(version);
        return switch (this) {
            case STRING, LIST_QUICKLIST_2, SET_PLAIN, SET_INTSET, ZSET_2, ZSET_LISTPACK, HASH_PLAIN, HASH_LISTPACK,
                    STREAM_LISTPACKS_2, STREAM_LISTPACKS_3, MODULE_2, DF_HASH_WITH_EXPIRY, DF_SET_WITH_EXPIRY,
                    DF_JSON, DF_JSON_OLD, DF_SBF, DF_SBF2, DF_CMS, DF_TOPK, DF_CUCKOO -> true;
            default -> false;
        };
    }

    /**
     * Whether every server that writes this type saves its elements from the greatest score down
     * (a skiplist zset since Redis 4.0: its loader then inserts each element at the head), so
     * that rising scores in a value mean it is not what a server wrote.
     */
    public boolean scoresDescending() {
        return this == ZSET_2;
    }

    /** Whether the type byte means this encoding in a file of the given flavor. */
    public boolean readIn(RdbFlavor flavor) {
        if (readers.length == 0) return true;
        for (RdbFlavor f : readers) if (f == flavor) return true;
        return false;
    }

    /** Resolves a type byte for a file of the given flavor; null when the byte names no value type. */
    public static RdbEncoding of(int typeByte, RdbFlavor flavor) {
        return typeByte < 0 || typeByte > 255 ? null : BY_FLAVOR[flavor.ordinal()][typeByte];
    }

    /** Whether some flavor reads {@code b} as a value type (the first byte of a key record without prefixes). */
    public static boolean isTypeByte(int b) {
        return b >= 0 && b < 256 && TYPE_BYTES[b];
    }
}
