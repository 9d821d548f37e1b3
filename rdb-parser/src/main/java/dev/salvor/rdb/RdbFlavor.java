package dev.salvor.rdb;

/**
 * Whose numbering of type and opcode bytes a file follows. Redis, Valkey 9+, Dragonfly and KeyDB
 * gave some numbers different meanings (22, 23, 242, 243; 30 to 35; 64), so the reader resolves
 * them by flavor, which it decides from the magic, the version and the header's AUX fields before
 * the first key (see {@link Producer}).
 */
public enum RdbFlavor {
    /** Redis, and Valkey up to 8.x (RDB 11 and older, Redis's numbering). */
    REDIS,
    /** Valkey 9+ (RDB 80 and up, VALKEY magic). */
    VALKEY,
    /** Dragonfly: REDIS magic with an older version number, its own types from 30 and opcodes from 200. */
    DRAGONFLY,
    /** KeyDB: REDIS0009 with member expiries and MVCC stamps as AUX records around keys, type 64. */
    KEYDB;

    /** Valkey 9+ writes the VALKEY magic with versions from 80; DUMP payloads carry only the version. */
    static RdbFlavor ofDumpVersion(int version) {
        return version >= 80 ? VALKEY : REDIS;
    }
}
