package dev.salvor.rdb;

/**
 * Which server family wrote the file. Redis and Valkey gave different meanings to some type and
 * opcode numbers (22, 23, 242, 243), so the reader resolves them by flavor and version.
 */
public enum RdbFlavor {
    REDIS, VALKEY;

    /** Valkey 9+ writes the VALKEY magic with versions from 80; DUMP payloads carry only the version. */
    static RdbFlavor ofDumpVersion(int version) {
        return version >= 80 ? VALKEY : REDIS;
    }
}
