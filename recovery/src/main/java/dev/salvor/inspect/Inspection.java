package dev.salvor.inspect;

import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.Producer;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbFormatException;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * What {@link RdbInspector} learned about one RDB file.
 *
 * @param auxFields    AUX fields in file order (values as text; binary values are rare and shown lossily)
 * @param databases    per database number: key count, expiring keys, RESIZEDB hints
 * @param keysByType   type name to key count
 * @param keysByEncoding "type/encoding" to key count
 * @param error        the first error that stopped the walk, or null when the file was read to its end
 */
public record Inspection(
        String source,
        long sizeBytes,
        String magic,
        int version,
        RdbFlavor flavor,
        List<Map.Entry<String, String>> auxFields,
        List<String> functions,
        SortedMap<String, Long> modules,
        SortedMap<Integer, DbStats> databases,
        SortedMap<String, Long> keysByType,
        SortedMap<String, Long> keysByEncoding,
        long keys,
        long expiringKeys,
        long slotInfoRecords,
        ChecksumStatus checksum,
        long storedChecksum,
        long computedChecksum,
        long eofOffset,
        boolean trailingData,
        long bytesRead,
        RdbFormatException error) {

    /** Per-database counts. */
    public record DbStats(long keys, long expiringKeys, long resizeDbSize, long resizeExpiresSize) {
    }

    /** Who wrote the file, as its magic, RDB version and AUX fields say (see {@link Producer}). */
    public Producer producer() {
        return Producer.identify(magic, version, auxFields);
    }

    /** True when nothing is wrong: read to the end, checksum not mismatched, no trailing garbage. */
    public boolean clean() {
        return error == null && checksum != ChecksumStatus.MISMATCH && checksum != ChecksumStatus.NOT_REACHED && !trailingData;
    }
}
