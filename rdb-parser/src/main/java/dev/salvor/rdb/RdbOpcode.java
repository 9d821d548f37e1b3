package dev.salvor.rdb;

/**
 * The opcodes of top-level RDB records (bytes that are not value types), shared by Redis and
 * Valkey unless noted. Readers and writers of RDB files take them from here.
 */
public final class RdbOpcode {
    /** Valkey: forkless-save inline command; Redis 8.10: hash template. */
    public static final int VALKEY_UPDATE = 242;
    /** Redis 8.10 (RDB 15): a hash template (id, field count, field names); the same byte as {@link #VALKEY_UPDATE}. */
    public static final int HASH_TEMPLATE = 242;
    /** Redis 8.6+: key metadata before a key; Valkey 9: slot import state. */
    public static final int KEY_META_OR_SLOT_IMPORT = 243;
    public static final int SLOT_INFO = 244;
    public static final int FUNCTION2 = 245;
    /** Redis 7.0 release candidates. */
    public static final int FUNCTION_PRE_GA = 246;
    public static final int MODULE_AUX = 247;
    public static final int IDLE = 248;
    public static final int FREQ = 249;
    public static final int AUX = 250;
    public static final int RESIZEDB = 251;
    public static final int EXPIRETIME_MS = 252;
    public static final int EXPIRETIME = 253;
    public static final int SELECTDB = 254;
    public static final int EOF = 255;

    /** Dragonfly (rdb_extensions.h, range 200-240): the master finished sending its static data (replication only; 8 bytes follow). */
    public static final int DF_FULLSYNC_END = 200;
    /** Dragonfly: an RDB string holding a ZSTD frame of ordinary records. */
    public static final int DF_COMPRESSED_ZSTD_BLOB_START = 201;
    /** Dragonfly: an RDB string holding an LZ4 frame of ordinary records (its default compression). */
    public static final int DF_COMPRESSED_LZ4_BLOB_START = 202;
    /** Dragonfly: the end of a compressed blob's content (its loader appends it; never in a file). */
    public static final int DF_COMPRESSED_BLOB_END = 203;
    /** Dragonfly: journal entries inside a full sync. */
    public static final int DF_JOURNAL_BLOB = 210;
    /** Dragonfly: the journal offset at the end of a full sync (8 bytes). */
    public static final int DF_JOURNAL_OFFSET = 211;
    /** Dragonfly: key flags before a key (4 bytes; 4 more with memcached flags). */
    public static final int DF_MASK = 220;
    /** Dragonfly: a search index's HNSW vector node data. */
    public static final int DF_VECTOR_INDEX = 222;
    /** Dragonfly: a search index's key-to-document-id map. */
    public static final int DF_SHARD_DOC_INDEX = 223;
    /** Dragonfly: a chunk of a value split across the stream, tagged with its stream id. */
    public static final int DF_TAGGED_CHUNK = 224;

    /** The name of a Dragonfly opcode for messages. */
    static String dragonflyName(int op) {
        return switch (op) {
            case DF_JOURNAL_BLOB -> "journal blob";
            case DF_VECTOR_INDEX -> "vector index";
            case DF_SHARD_DOC_INDEX -> "shard document index";
            case DF_TAGGED_CHUNK -> "tagged chunk";
            default -> "opcode " + op;
        };
    }

    /** The lowest opcode: bytes from here up open a record that is not a bare key. */
    public static final int FIRST = VALKEY_UPDATE;
    /** Redis Enterprise (librdb defines.h): a key prefix followed by one length (RAM LRU), framed and not used. */
    public static final int ENTERPRISE_RAM_LRU = 107;
    /** Redis Enterprise: a key prefix followed by one length (the key's cluster slot), framed and not used. */
    public static final int ENTERPRISE_SLOT_NUM = 121;
    /** Redis Enterprise ("Garantia") opcodes whose layout is published nowhere: a located error. */
    public static final int ENTERPRISE_GCAS = 101;
    public static final int ENTERPRISE_GFLAGS = 102;

    private RdbOpcode() {
    }

    /** Whether {@code b} opens a record of Dragonfly's own between keys: a compressed blob or a key's flags. */
    public static boolean startsDragonflyRecord(int b) {
        return b == DF_COMPRESSED_ZSTD_BLOB_START || b == DF_COMPRESSED_LZ4_BLOB_START || b == DF_MASK;
    }

    /** Whether {@code b} can be the first byte of a top-level record: a value type or an opcode a reader handles. */
    public static boolean startsRecord(int b) {
        return RdbEncoding.isTypeByte(b) || b >= KEY_META_OR_SLOT_IMPORT && b <= EOF;
    }
}
