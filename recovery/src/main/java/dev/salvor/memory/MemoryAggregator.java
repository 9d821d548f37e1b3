package dev.salvor.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * Sums {@link KeyMemory} records into a report's groups: per database, type and encoding, expiry
 * windows, the N largest keys and the prefix tree. Memory is bounded by the number of databases,
 * encodings, N and the prefix tree's node limit, whatever the number of keys.
 */
public final class MemoryAggregator {
    /** Expiry windows after the reference time, in ms. */
    private static final long[] WINDOWS = {3_600_000L, 86_400_000L, 7 * 86_400_000L, 30 * 86_400_000L};
    private static final String[] WINDOW_NAMES = {"within 1 hour", "within 1 day", "within 7 days", "within 30 days", "later"};
    /** ctime has whole seconds: an expiry within the snapshot's second may or may not have passed. */
    private static final long SECOND = 1000;
    static final Comparator<KeyMemory> BY_BYTES = Comparator.comparingLong(KeyMemory::bytes)
            .thenComparing(KeyMemory::key, java.util.Arrays::compareUnsigned).reversed();

    private final long referenceMs;
    private final int topN;
    private final PrefixTree prefixes;
    private final Map<Integer, long[]> dbs = new TreeMap<>();
    private final Map<String, long[]> types = new TreeMap<>();
    private final Map<String, long[]> encodings = new TreeMap<>();
    private final long[] total = new long[4];
    private final long[][] expiry = new long[3 + WINDOWS.length + 1][2];
    private final boolean wholeSeconds;
    private final PriorityQueue<KeyMemory> top;
    private long partial;

    /**
     * @param referenceMs  the time expiries are judged against
     * @param wholeSeconds the reference is a time in whole seconds (the ctime field): expiries
     *                     within its second are neither known passed nor known pending
     */
    public MemoryAggregator(long referenceMs, boolean wholeSeconds, int topN, PrefixTree prefixes) {
        this.referenceMs = referenceMs;
        this.wholeSeconds = wholeSeconds;
        this.topN = topN;
        this.prefixes = prefixes;
        this.top = new PriorityQueue<>(Math.max(1, topN + 1), BY_BYTES.reversed());
    }

    public void add(KeyMemory k) {
        boolean expiring = k.expireAtMs() >= 0;
        add(total, k, expiring);
        add(dbs.computeIfAbsent(k.db(), d -> new long[4]), k, expiring);
        add(types.computeIfAbsent(k.type().wireName(), t -> new long[4]), k, expiring);
        add(encodings.computeIfAbsent(k.type().wireName() + "/" + k.encoding(), t -> new long[4]), k, expiring);
        int bucket;
        if (!expiring) {
            bucket = 0;
        } else if (k.expireAtMs() < referenceMs) {
            bucket = 1;
        } else if (wholeSeconds && k.expireAtMs() < referenceMs + SECOND) {
            bucket = 2;
        } else {
            long in = k.expireAtMs() - referenceMs;
            bucket = 3 + WINDOWS.length;
            for (int i = 0; i < WINDOWS.length; i++) {
                if (in <= WINDOWS[i]) {
                    bucket = 3 + i;
                    break;
                }
            }
        }
        expiry[bucket][0]++;
        expiry[bucket][1] += k.bytes();
        if (topN > 0 && (top.size() < topN || BY_BYTES.compare(k, top.peek()) < 0)) {
            top.add(k);
            if (top.size() > topN) top.poll();
        }
        if (prefixes != null) prefixes.add(k.key(), k.bytes());
        if (k.partial()) partial++;
    }

    private static void add(long[] g, KeyMemory k, boolean expiring) {
        g[0]++;
        g[1] += k.bytes();
        g[2] += k.datasetBytes();
        if (expiring) g[3]++;
    }

    PrefixTree prefixes() {
        return prefixes;
    }

    public long keys() {
        return total[0];
    }

    public long partialKeys() {
        return partial;
    }

    MemoryReport.Group totals() {
        return new MemoryReport.Group("total", total[0], total[1], total[2], total[3]);
    }

    List<MemoryReport.Group> byDb() {
        List<MemoryReport.Group> out = new ArrayList<>();
        dbs.forEach((db, g) -> out.add(new MemoryReport.Group("db" + db, g[0], g[1], g[2], g[3])));
        return out;
    }

    List<MemoryReport.Group> byType() {
        return groups(types);
    }

    List<MemoryReport.Group> byEncoding() {
        return groups(encodings);
    }

    private static List<MemoryReport.Group> groups(Map<String, long[]> m) {
        List<MemoryReport.Group> out = new ArrayList<>();
        m.forEach((name, g) -> out.add(new MemoryReport.Group(name, g[0], g[1], g[2], g[3])));
        out.sort(Comparator.comparingLong(MemoryReport.Group::bytes).reversed().thenComparing(MemoryReport.Group::name));
        return out;
    }

    List<MemoryReport.ExpiryBucket> expiry() {
        List<MemoryReport.ExpiryBucket> out = new ArrayList<>();
        out.add(new MemoryReport.ExpiryBucket("no expiry", expiry[0][0], expiry[0][1]));
        out.add(new MemoryReport.ExpiryBucket("already expired", expiry[1][0], expiry[1][1]));
        if (wholeSeconds) out.add(new MemoryReport.ExpiryBucket("in the snapshot's second", expiry[2][0], expiry[2][1]));
        for (int i = 0; i < WINDOW_NAMES.length; i++) {
            out.add(new MemoryReport.ExpiryBucket(WINDOW_NAMES[i], expiry[3 + i][0], expiry[3 + i][1]));
        }
        return out;
    }

    List<KeyMemory> biggest() {
        List<KeyMemory> out = new ArrayList<>(top);
        out.sort(BY_BYTES);
        return out;
    }

    /**
     * What the server books as overhead for these keys, per database: the main dict's entries,
     * bucket array and value objects, and the expires dict's entries and buckets.
     */
    long keyspaceOverhead(MemoryModel m) {
        long sum = 0;
        for (long[] g : dbs.values()) {
            long keys = g[0];
            long expiring = g[3];
            sum += keys * (ServerFamily.DICT_ENTRY + ServerFamily.ROBJ) + 8 * MemoryModel.buckets(keys);
            if (expiring > 0) sum += expiring * ServerFamily.DICT_ENTRY + 8 * MemoryModel.buckets(expiring);
        }
        return sum;
    }
}
