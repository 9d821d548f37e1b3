package dev.salvor.inspect;

import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RecordView;
import dev.salvor.rdb.RedisType;
import dev.salvor.rdb.walk.RdbVisitor;
import dev.salvor.rdb.walk.RdbWalker;

import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Walks an RDB file once and summarises it: header, aux fields, per-db and per-type counts,
 * modules, checksum. Values are walked by their framing only, with the CRC64 over every byte;
 * what a key is (type, encoding, module) is known from its header.
 */
public final class RdbInspector implements RdbVisitor {
    private final List<Map.Entry<String, String>> aux = new ArrayList<>();
    private final List<String> functions = new ArrayList<>();
    private final SortedMap<String, Long> modules = new TreeMap<>();
    private final SortedMap<Integer, long[]> dbs = new TreeMap<>();
    private final SortedMap<String, Long> byType = new TreeMap<>();
    private final SortedMap<String, Long> byEncoding = new TreeMap<>();
    private long keys;
    private long expiring;
    private long slotInfo;
    private boolean trailing;

    private RdbInspector() {
    }

    /**
     * Reads {@code reader} to its end. A format error stops the walk and is returned inside the
     * inspection (with everything counted up to it); I/O errors propagate.
     *
     * @param progress told the current offset now and then (may be null)
     */
    public static Inspection inspect(RdbReader reader, LongConsumer progress) throws IOException {
        RdbInspector v = new RdbInspector();
        RdbFormatException error = null;
        try {
            RdbWalker.walk(reader, v, Long.MAX_VALUE, progress);
        } catch (RdbFormatException e) {
            error = e;
        }
        SortedMap<Integer, Inspection.DbStats> dbStats = new TreeMap<>();
        v.dbs.forEach((db, s) -> dbStats.put(db, new Inspection.DbStats(s[0], s[1], s[2], s[3])));
        return new Inspection(reader.source(), reader.size(), reader.magic(), reader.version(), reader.flavor(), v.aux, v.functions,
                v.modules, dbStats, v.byType, v.byEncoding, v.keys, v.expiring, v.slotInfo, reader.checksumStatus(),
                reader.storedChecksum(), reader.computedChecksum(), reader.eofOffset(), v.trailing, reader.offset(), error);
    }

    @Override
    public void record(RdbToken token, RecordView r) throws IOException {
        switch (token) {
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
            case EOF -> trailing = r.hasTrailingData();
            default -> {
            }
        }
    }

    @Override
    public Value beginKey(KeyHeader key) {
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
        return Value.FRAMING;
    }
}
