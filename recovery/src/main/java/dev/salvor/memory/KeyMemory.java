package dev.salvor.memory;

import dev.salvor.rdb.RedisType;

/**
 * One key's estimated memory.
 *
 * @param bytes          what {@code MEMORY USAGE key SAMPLES 0} would say: the value's structures,
 *                       the key name and its dict entry, as the server counts them
 * @param datasetBytes   what the key adds to {@code used_memory_dataset}: its real allocations,
 *                       less the per-key sizes the server books as overhead (dict entries, objects)
 * @param encoding       the encoding the value takes once loaded (as OBJECT ENCODING names it)
 * @param elements       element count (1 for a string; entries for a stream)
 * @param largestElement bytes of the largest element (a hash field with its value, a stream
 *                       entry's fields and values, a string's value)
 * @param expireAtMs     absolute expiry, or -1
 * @param partial        the value was cut by damage: the figures cover its intact part only
 */
public record KeyMemory(int db, byte[] key, RedisType type, String encoding, long bytes, long datasetBytes,
                        long elements, long largestElement, long expireAtMs, boolean partial) {
}
