package dev.salvor.inspect;

import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RecordView;
import dev.salvor.rdb.RedisType;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The counts of an inspection, fed one top-level record at a time (by a walk or by a salvage run);
 * a key is counted from its header alone.
 */
final class Tally {
    private final List<Map.Entry<String, String>> aux = new ArrayList<>();
    private final List<String> functions = new ArrayList<>();
    private final SortedMap<String, Long> modules = new TreeMap<>();
    private final SortedMap<Integer, long[]> dbs = new TreeMap<>();
    private final SortedMap<String, Long> byType = new TreeMap<>();
    private final SortedMap<String, Long> byEncoding = new TreeMap<>();
    private long keys;
    private long expiring;
    private long slotInfo;

    /** A record other than a key. */
    void record(RdbToken t, RecordView r) {
        switch (t) {
            case AUX -> aux.add(new AbstractMap.SimpleImmutableEntry<>(r.auxKey().toString(), r.auxValue().toString()));
            case SELECT_DB -> dbs.computeIfAbsent(r.db(), d -> new long[4]);
            case RESIZE_DB -> {
                long[] s = dbs.computeIfAbsent(r.db(), d -> new long[4]);
                s[2] = r.resizeDbSize();
                s[3] = r.resizeExpiresSize();
            }
            case FUNCTION -> functions.add(r.functionLibraryName());
            case MODULE_AUX -> modules.merge(r.moduleName(), 0L, Long::sum);
            case SLOT_INFO -> slotInfo++;
            default -> {
            }
        }
    }

    /** A key, from its header. */
    void key(KeyHeader key) {
        keys++;
        long[] s = dbs.computeIfAbsent(key.db(), d -> new long[4]);
        s[0]++;
        if (key.expireAtMs() >= 0) {
            s[1]++;
            expiring++;
        }
        byType.merge(key.type().wireName(), 1L, Long::sum);
        byEncoding.merge(key.type().wireName() + "/" + key.encoding().label(), 1L, Long::sum);
        // The module is named before its value's opcodes: no need to decode anything.
        if (key.type() == RedisType.MODULE) modules.merge(key.moduleName(), 1L, Long::sum);
    }

    Inspection result(String source, long size, String magic, int version, RdbFlavor flavor, ChecksumStatus checksum, long stored,
                      long computed, long eofOffset, boolean trailing, long bytesRead, RdbFormatException error) {
        SortedMap<Integer, Inspection.DbStats> dbStats = new TreeMap<>();
        dbs.forEach((db, s) -> dbStats.put(db, new Inspection.DbStats(s[0], s[1], s[2], s[3])));
        return new Inspection(source, size, magic, version, flavor, aux, functions, modules, dbStats, byType, byEncoding, keys, expiring,
                slotInfo, checksum, stored, computed, eofOffset, trailing, bytesRead, error);
    }
}
