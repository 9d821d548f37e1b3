package dev.salvor.memory;

import dev.salvor.format.ByteKey;
import dev.salvor.io.Spool;
import dev.salvor.rdb.RedisType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Which prefixes and keys grew between two snapshots: each side is analyzed into a report and a
 * sorted run of (db, key, bytes); the runs are merge-joined, so memory stays within the budget
 * whatever the number of keys, and the prefix trees (bounded) are compared prefix by prefix.
 */
public final class MemoryDiff {
    /** One key's size on both sides (-1 where it is absent). */
    public record KeyChange(int db, byte[] key, RedisType type, long oldBytes, long newBytes) {
        public long delta() {
            return Math.max(0, newBytes) - Math.max(0, oldBytes);
        }
    }

    /** One prefix on both sides. */
    public record PrefixChange(byte[] prefix, int depth, long oldKeys, long newKeys, long oldBytes, long newBytes, boolean exact) {
        public long delta() {
            return newBytes - oldBytes;
        }
    }

    /**
     * The comparison.
     *
     * @param keysAdded   keys only in the new snapshot
     * @param keysRemoved keys only in the old one
     * @param keysChanged keys in both whose estimate differs
     */
    public record Result(MemoryReport before, MemoryReport after, long keysAdded, long bytesAdded, long keysRemoved,
                         long bytesRemoved, long keysChanged, long bytesGrown, long bytesShrunk, List<KeyChange> grown,
                         List<KeyChange> shrunk, List<PrefixChange> prefixesGrown, List<PrefixChange> prefixesShrunk) {
    }

    /** One side being collected: feed {@link #sink()} to an analysis, then {@link #finish}. */
    public static final class Side implements AutoCloseable {
        private final KeySizeRuns runs;
        private MemoryReport report;

        /** Key runs past {@code budgetBytes} of memory go to {@code spool} (its directory, within its limit). */
        public Side(Spool spool, long budgetBytes) {
            this.runs = new KeySizeRuns(spool, budgetBytes);
        }

        public MemoryAnalyzer.KeySink sink() {
            return runs;
        }

        public void finish(MemoryReport r) {
            this.report = r;
        }

        @Override
        public void close() throws IOException {
            runs.close();
        }
    }

    private MemoryDiff() {
    }

    public static Result compare(Side before, Side after, int top) throws IOException {
        Comparator<KeyChange> byGrowth = Comparator.comparingLong(KeyChange::delta);
        PriorityQueue<KeyChange> grown = new PriorityQueue<>(byGrowth);
        PriorityQueue<KeyChange> shrunk = new PriorityQueue<>(byGrowth.reversed());
        long added = 0, bytesAdded = 0, removed = 0, bytesRemoved = 0, changed = 0, bytesGrown = 0, bytesShrunk = 0;
        KeySizeRuns.Cursor a = before.runs.sorted();
        KeySizeRuns.Cursor b = after.runs.sorted();
        KeySizeRuns.Entry x = a.next();
        KeySizeRuns.Entry y = b.next();
        while (x != null || y != null) {
            int c = x == null ? 1 : y == null ? -1 : KeySizeRuns.ORDER.compare(x, y);
            KeyChange k;
            if (c < 0) {
                k = new KeyChange(x.db(), x.key(), x.type(), x.bytes(), -1);
                removed++;
                bytesRemoved += x.bytes();
                x = a.next();
            } else if (c > 0) {
                k = new KeyChange(y.db(), y.key(), y.type(), -1, y.bytes());
                added++;
                bytesAdded += y.bytes();
                y = b.next();
            } else {
                k = new KeyChange(y.db(), y.key(), y.type(), x.bytes(), y.bytes());
                if (k.delta() != 0) changed++;
                if (k.delta() > 0) bytesGrown += k.delta();
                else bytesShrunk -= k.delta();
                x = a.next();
                y = b.next();
            }
            if (k.delta() > 0) keep(grown, k, top);
            else if (k.delta() < 0) keep(shrunk, k, top);
        }
        List<KeyChange> g = new ArrayList<>(grown);
        g.sort(byGrowth.reversed());
        List<KeyChange> s = new ArrayList<>(shrunk);
        s.sort(byGrowth);
        List<PrefixChange> prefixes = prefixes(before.report.prefixes(), after.report.prefixes());
        List<PrefixChange> pg = prefixes.stream().filter(p -> p.delta() > 0).sorted(Comparator.comparingLong(PrefixChange::delta).reversed()).limit(top).toList();
        List<PrefixChange> ps = prefixes.stream().filter(p -> p.delta() < 0).sorted(Comparator.comparingLong(PrefixChange::delta)).limit(top).toList();
        return new Result(before.report, after.report, added, bytesAdded, removed, bytesRemoved, changed, bytesGrown, bytesShrunk, g, s, pg, ps);
    }

    private static void keep(PriorityQueue<KeyChange> q, KeyChange k, int top) {
        q.add(k);
        if (q.size() > top) q.poll();
    }

    private static List<PrefixChange> prefixes(PrefixTree before, PrefixTree after) {
        Map<ByteKey, PrefixTree.Node> old = new HashMap<>();
        flatten(before.root(), old);
        Map<ByteKey, PrefixTree.Node> neu = new HashMap<>();
        flatten(after.root(), neu);
        List<PrefixChange> out = new ArrayList<>();
        for (Map.Entry<ByteKey, PrefixTree.Node> e : neu.entrySet()) {
            PrefixTree.Node n = e.getValue();
            PrefixTree.Node o = old.get(e.getKey());
            out.add(new PrefixChange(n.prefix(), n.depth(), o == null ? 0 : o.keys(), n.keys(), o == null ? 0 : o.bytes(), n.bytes(),
                    n.exact() && (o == null || o.exact())));
        }
        for (Map.Entry<ByteKey, PrefixTree.Node> e : old.entrySet()) {
            if (neu.containsKey(e.getKey())) continue;
            PrefixTree.Node o = e.getValue();
            out.add(new PrefixChange(o.prefix(), o.depth(), o.keys(), 0, o.bytes(), 0, o.exact()));
        }
        return out;
    }

    private static void flatten(PrefixTree.Node n, Map<ByteKey, PrefixTree.Node> out) {
        for (PrefixTree.Node c : n.children()) {
            out.put(new ByteKey(c.prefix()), c);
            flatten(c, out);
        }
    }
}
