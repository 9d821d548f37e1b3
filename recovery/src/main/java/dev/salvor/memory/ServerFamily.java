package dev.salvor.memory;

import dev.salvor.rdb.RdbFlavor;

import java.util.Locale;

/**
 * The server lines whose memory accounting Salvor models, with the facts that differ between
 * them (structure sizes on 64-bit builds, which encodings a loaded value may take, how
 * {@code MEMORY USAGE} counts). Facts were read from each server's own sources (object.c
 * objectComputeSize and the MEMORY command, sds.c, dict.c, quicklist.c, t_zset.c, rdb.c
 * rdbLoadObject) and checked against the servers themselves (see the README's accuracy table).
 */
public enum ServerFamily {
    /** Redis 7.0: listpacks everywhere, sets are intset or hashtable, lists always quicklists. */
    REDIS_7_0("redis-7.0", 24, 40),
    /** Redis 7.2: small sets as listpacks, single-node lists as plain listpacks, set dicts without values. */
    REDIS_7_2("redis-7.2", 32, 40),
    /** Redis 7.4 and the 8.0 milestones: hash fields as mstr strings with optional TTL metadata. */
    REDIS_7_4("redis-7.4", 32, 40),
    /** Valkey 8.0: key names embedded in the database's dict entries. */
    VALKEY_8_0("valkey-8.0", 32, 40);

    /** sizeof(robj). */
    static final int ROBJ = 16;
    /** sizeof(dictEntry): key, value, next. */
    static final int DICT_ENTRY = 24;
    /** sizeof(dictEntryNoValue) of the set dicts that keep no values (7.2+). */
    static final int DICT_ENTRY_NO_VALUE = 16;
    /** sizeof(dict) (the trailing metadata array adds nothing). */
    static final int DICT = 56;
    /** sizeof(quicklist). */
    static final int QUICKLIST = 40;
    /** sizeof(stream). */
    static final int STREAM = 80;
    /** sizeof(streamCG). */
    static final int STREAM_CG = 40;
    /** sizeof(streamNACK). */
    static final int STREAM_NACK = 24;
    /** sizeof(zset) (dict and skiplist pointers) and sizeof(zskiplist). */
    static final int ZSET = 16;
    static final int ZSKIPLIST = 32;
    /** sizeof(zskiplistNode) without levels, and one level. */
    static final int ZSKIPLIST_NODE = 24;
    static final int ZSKIPLIST_LEVEL = 16;
    static final int ZSKIPLIST_MAXLEVEL = 32;
    /** sizeof(listpackEx) (7.4+ listpack hash with field TTLs). */
    static final int LISTPACK_EX = 32;
    /** sizeof(ExpireMeta) of a hash field with a TTL (7.4+), plus the mstr flags word. */
    static final int HFIELD_TTL_META = 16 + 2;
    /** Valkey 8.0's embedded dict entry: value union, next pointer, header-size byte, then the key's sds. */
    static final int EMBEDDED_ENTRY_HEADER = 17;
    /** Shared integer objects 0..9999 take no memory of their own (maxmemory policy permitting). */
    static final int SHARED_INTEGERS = 10000;
    /** Strings up to this length are stored with their object in one allocation (embstr). */
    static final int EMBSTR_LIMIT = 44;

    private final String label;
    private final int consumerSize;
    private final int quicklistNodeSize;

    ServerFamily(String label, int consumerSize, int quicklistNodeSize) {
        this.label = label;
        this.consumerSize = consumerSize;
        this.quicklistNodeSize = quicklistNodeSize;
    }

    public String label() {
        return label;
    }

    /** sizeof(streamConsumer): 7.2 added the active time. */
    int consumerSize() {
        return consumerSize;
    }

    int quicklistNodeSize() {
        return quicklistNodeSize;
    }

    /** Whether small sets of strings are held as listpacks (7.2+). */
    boolean setListpack() {
        return this != REDIS_7_0;
    }

    /** Whether a list of one small packed node is held as a plain listpack (7.2+). */
    boolean listListpack() {
        return this != REDIS_7_0;
    }

    /** Whether set dicts store a lone key without an allocated entry (7.2+). */
    boolean setDictWithoutValues() {
        return this != REDIS_7_0;
    }

    /** Whether hash fields in a hashtable are mstr strings with optional TTL metadata (7.4+). */
    boolean hashFieldMstr() {
        return this == REDIS_7_4;
    }

    /** Whether the key name lives inside the main dict's entry (Valkey 8.0). */
    boolean keyEmbeddedInEntry() {
        return this == VALKEY_8_0;
    }

    /**
     * Whether MEMORY USAGE counts a set member's dict entry as what it really is (Valkey: no
     * entry for a lone key, a 16-byte entry otherwise) rather than as a full dictEntry.
     */
    boolean setEntryUsageByKind() {
        return this == VALKEY_8_0;
    }

    /** sds header size for a string of {@code len} bytes as sdsnewlen picks it. */
    int sdsHeader(long len) {
        if (len == 0) return 3;
        if (len < 32) return 1;
        if (this == VALKEY_8_0) {
            if (len <= 252) return 3;
            if (len <= 65530) return 5;
            if (len <= 0xFFFFFFFFL - 10) return 9;
            return 17;
        }
        if (len < 256) return 3;
        if (len < 65536) return 5;
        if (len < (1L << 32)) return 9;
        return 17;
    }

    /** mstr header size (7.4+ hash fields). */
    static int mstrHeader(long len) {
        if (len < 32) return 1;
        if (len < 256) return 3;
        if (len < 65536) return 3;
        return 9;
    }

    /** The family by a server's version string (redis_version / valkey_version, or an RDB aux redis-ver). */
    public static ServerFamily ofVersion(String version, boolean valkey) {
        if (valkey) return VALKEY_8_0;
        int[] v = parse(version);
        if (v[0] > 7 || v[0] == 7 && v[1] >= 4) return REDIS_7_4;
        if (v[0] == 7 && v[1] >= 2) return REDIS_7_2;
        return REDIS_7_0;
    }

    /** The family that writes RDB version {@code rdbVersion} of {@code flavor} (when no redis-ver aux says more). */
    public static ServerFamily ofRdb(int rdbVersion, RdbFlavor flavor) {
        if (flavor == RdbFlavor.VALKEY) return VALKEY_8_0;
        if (rdbVersion >= 12) return REDIS_7_4;
        if (rdbVersion == 11) return REDIS_7_2;
        return REDIS_7_0;
    }

    /** By label: redis-7.0, redis-7.2, redis-7.4, valkey-8.0 (also 7.0, 7.4, 8.0, valkey). */
    public static ServerFamily of(String name) {
        String n = name.toLowerCase(Locale.ROOT).trim();
        if (n.startsWith("valkey")) return VALKEY_8_0;
        if (n.startsWith("redis-")) n = n.substring(6);
        if (!n.isEmpty() && Character.isDigit(n.charAt(0))) return ofVersion(n, false);
        throw new IllegalArgumentException("unknown server '" + name + "' (expected redis-7.0, redis-7.2, redis-7.4, redis-8.0 or valkey-8.0)");
    }

    private static int[] parse(String version) {
        int[] out = new int[3];
        String[] parts = version.trim().split("[.\\-]");
        for (int i = 0; i < 3 && i < parts.length; i++) {
            try {
                out[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                break;
            }
        }
        return out;
    }
}
