package dev.salvor.inspect;

import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.StringRef;

import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/** Walks an RDB file once and summarises it: header, aux fields, per-db and per-type counts, checksum. */
public final class RdbInspector {
    private RdbInspector() {
    }

    /**
     * Reads {@code reader} to its end. A format error stops the walk and is returned inside the
     * inspection (with everything counted up to it); I/O errors propagate.
     *
     * @param progress told the current offset now and then (may be null)
     */
    public static Inspection inspect(RdbReader reader, LongConsumer progress) throws IOException {
        List<Map.Entry<String, String>> aux = new ArrayList<>();
        List<String> functions = new ArrayList<>();
        SortedMap<String, Long> modules = new TreeMap<>();
        SortedMap<Integer, long[]> dbs = new TreeMap<>();
        SortedMap<String, Long> byType = new TreeMap<>();
        SortedMap<String, Long> byEncoding = new TreeMap<>();
        long keys = 0, expiring = 0, elements = 0, slotInfo = 0;
        RdbFormatException error = null;
        boolean trailing = false;
        try {
            RdbToken t;
            long nextReport = 0;
            while ((t = reader.next()) != RdbToken.END) {
                switch (t) {
                    case AUX -> aux.add(new AbstractMap.SimpleImmutableEntry<>(reader.auxKey().toString(), text(reader.auxValue())));
                    case SELECT_DB -> dbs.computeIfAbsent(reader.db(), d -> new long[4]);
                    case RESIZE_DB -> {
                        long[] s = dbs.computeIfAbsent(reader.db(), d -> new long[4]);
                        s[2] = reader.resizeDbSize();
                        s[3] = reader.resizeExpiresSize();
                    }
                    case FUNCTION -> functions.add(reader.functionLibraryName());
                    case MODULE_AUX -> modules.merge(reader.moduleName(), 0L, Long::sum);
                    case SLOT_INFO -> slotInfo++;
                    case KEY -> {
                        keys++;
                        long[] s = dbs.computeIfAbsent(reader.db(), d -> new long[4]);
                        s[0]++;
                        if (reader.expireAtMs() >= 0) {
                            s[1]++;
                            expiring++;
                        }
                        byType.merge(reader.type().wireName(), 1L, Long::sum);
                        byEncoding.merge(reader.type().wireName() + "/" + reader.encoding().label(), 1L, Long::sum);
                        long before = elements;
                        while (reader.next() == RdbToken.ELEMENT) elements++;
                        if (reader.type() == dev.salvor.rdb.RedisType.MODULE && elements > before) modules.merge(reader.moduleName(), 1L, Long::sum);
                    }
                    case EOF -> trailing = reader.hasTrailingData();
                    default -> {
                    }
                }
                if (progress != null && reader.offset() >= nextReport) {
                    progress.accept(reader.offset());
                    nextReport = reader.offset() + (4 << 20);
                }
            }
        } catch (RdbFormatException e) {
            error = e;
        }
        SortedMap<Integer, Inspection.DbStats> dbStats = new TreeMap<>();
        dbs.forEach((db, s) -> dbStats.put(db, new Inspection.DbStats(s[0], s[1], s[2], s[3])));
        if (progress != null) progress.accept(reader.offset());
        return new Inspection(reader.source(), reader.size(), reader.magic(), reader.version(), reader.flavor(), aux, functions,
                modules, dbStats, byType, byEncoding, keys, expiring, elements, slotInfo, reader.checksumStatus(),
                reader.storedChecksum(), reader.computedChecksum(), reader.eofOffset(), trailing, reader.offset(), error);
    }

    private static String text(StringRef s) {
        return s.toString();
    }
}
