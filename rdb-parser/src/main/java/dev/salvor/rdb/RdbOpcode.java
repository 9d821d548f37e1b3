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

    /** Redis Enterprise (librdb defines.h, "Garantia V1006"): compare-and-set data; no published layout. */
    public static final int ENTERPRISE_GCAS = 101;
    /** Redis Enterprise: key flags; no published layout. */
    public static final int ENTERPRISE_GFLAGS = 102;
    /** Redis Enterprise: a key's RAM LRU, one length (librdb __RDB_OPCODE_RAM_LRU). */
    public static final int ENTERPRISE_RAM_LRU = 107;
    /** Redis Enterprise: a cluster slot number, one length (librdb __RDB_OPCODE_SLOT_NUM). */
    public static final int ENTERPRISE_SLOT_NUM = 121;

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

    /** Whether {@code b} can be the first byte of a top-level record: a value type or an opcode a reader handles. */
    public static boolean startsRecord(int b) {
        return RdbEncoding.isTypeByte(b) || b >= KEY_META_OR_SLOT_IMPORT && b <= EOF;
    }
}
