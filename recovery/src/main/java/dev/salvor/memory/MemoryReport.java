package dev.salvor.memory;

import dev.salvor.rdb.ChecksumStatus;

import java.util.List;

/**
 * What {@code salvor memory} found: totals per database, type and encoding, expiry, the largest
 * keys and the key-name prefixes, under one server model.
 *
 * @param source        the input, as named for messages
 * @param sizeBytes     its size (uncompressed when known), or -1
 * @param rdbVersion    RDB version of the file (or of an AOF's preamble)
 * @param serverVersion the redis-ver / valkey-ver aux field, or null
 * @param ctimeMs       when the snapshot was taken (ctime aux field), or -1 when the file does not say
 * @param referenceMs   the time expiries are judged against: ctime, or the file's modification time
 * @param referenceFrom where {@code referenceMs} came from ("ctime", "file mtime", "now")
 * @param model         the server model, e.g. "redis-7.4 (jemalloc)"
 * @param totals        all keys
 * @param keyspaceOverhead what the server books as overhead for the keys: its databases' dict
 *                      tables, entries and value objects (not part of {@code used_memory_dataset})
 * @param salvage       what a salvage run found, or null for an intact read
 */
public record MemoryReport(String source, long sizeBytes, int rdbVersion, String serverVersion, long ctimeMs,
                           long referenceMs, String referenceFrom, String model, Group totals, long keyspaceOverhead,
                           List<Group> byDb, List<Group> byType, List<Group> byEncoding, List<ExpiryBucket> expiry,
                           List<KeyMemory> biggestKeys, PrefixTree prefixes, String separators, long partialKeys,
                           long functions, long moduleValues, ChecksumStatus checksum, Salvage salvage, List<String> notes) {

    /** The same report under another name: a copy made of a compressed or piped input is reported as that input. */
    public MemoryReport named(String name) {
        return new MemoryReport(name, sizeBytes, rdbVersion, serverVersion, ctimeMs, referenceMs, referenceFrom, model, totals, keyspaceOverhead,
                byDb, byType, byEncoding, expiry, biggestKeys, prefixes, separators, partialKeys, functions, moduleValues, checksum, salvage, notes);
    }

    /**
     * Keys and bytes of one group.
     *
     * @param bytes        the sum of the keys' MEMORY USAGE estimates
     * @param datasetBytes the sum of what the keys add to used_memory_dataset
     * @param expiring     keys of the group with an expiry
     */
    public record Group(String name, long keys, long bytes, long datasetBytes, long expiring) {
    }

    /** Keys whose expiry falls in one window, relative to the reference time. */
    public record ExpiryBucket(String name, long keys, long bytes) {
    }

    /**
     * A salvage run's outcome: keys read whole, cut (partial, estimated by their intact part),
     * lost, and the damaged byte ranges.
     */
    public record Salvage(long keysRecovered, long keysPartial, long keysLost, int regions, long bytesDamaged,
                          boolean reachedEof) {
    }
}
