package dev.salvor.diff;

import dev.salvor.export.KeySelector;
import dev.salvor.rdb.RedisType;

import dev.salvor.io.Progress;

import java.io.IOException;
import java.util.function.LongConsumer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Locale;

/**
 * Compares two sources key by key. Side A is held as one fingerprint per key (never values);
 * side B streams past it. Values are read whole only for keys whose fingerprints differ, to
 * give the element-level difference. On a live side, differing keys are read once more at the
 * end: a key whose value moved meanwhile is reported as changed during the read.
 */
public final class DiffEngine {
    /** A key of one database, compared by bytes. */
    private record Ref(int db, byte[] key) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Ref r && r.db == db && Arrays.equals(r.key, key);
        }

        @Override
        public int hashCode() {
            return 31 * db + Arrays.hashCode(key);
        }
    }

    /** Result of a comparison. */
    public record Report(String a, String b, long keysA, long keysB, List<Difference> differences,
                         Map<String, Long> countsByKind, Map<String, Long> countsByDbAndType,
                         long millisA, long millisB, boolean strict) {
        public boolean identical() {
            return differences.stream().noneMatch(this::counted);
        }

        /** Whether {@code d} counts as a difference: not a change during the read, nor (unless strict) a key dropped on load. */
        public boolean counted(Difference d) {
            return d.kind() != Difference.Kind.CHANGED_DURING_READ && (strict || d.kind() != Difference.Kind.DROPPED_ON_LOAD);
        }
    }

    private final long ttlToleranceMs;
    private final boolean ignoreTtl;
    private final long maxMemory;
    private boolean strict;
    private int spilledRuns;
    /** Per side (A, B): when its scan ended, for a live side; -1 for a file. */
    private final long[] readBy = {-1, -1};

    public DiffEngine(long ttlToleranceMs, boolean ignoreTtl) {
        this(ttlToleranceMs, ignoreTtl, -1);
    }

    /**
     * @param maxMemoryBytes with a budget, both sides' fingerprints are kept in sorted runs on disk
     *                       (temporary directory) and merge-joined, so any number of keys fits;
     *                       -1 keeps side A in a hash map in memory
     */
    public DiffEngine(long ttlToleranceMs, boolean ignoreTtl, long maxMemoryBytes) {
        this.ttlToleranceMs = ttlToleranceMs;
        this.ignoreTtl = ignoreTtl;
        this.maxMemory = maxMemoryBytes;
    }

    /**
     * Counts keys dropped on load ({@link Difference.Kind#DROPPED_ON_LOAD}) as differences: they are
     * still reported in their own category.
     */
    public DiffEngine strict(boolean strict) {
        this.strict = strict;
        return this;
    }

    /** Run files written by the last spilled diff (0 when everything fitted in memory). */
    public int spilledRuns() {
        return spilledRuns;
    }

    public Report diff(KeySource a, KeySource b, KeySelector selector) throws IOException {
        return diff(a, b, selector, null);
    }

    /**
     * @param progress told each phase (reading A, reading B, comparing the values of differing
     *                 keys, reading them again on a live side) and the keys done in it; may be null
     */
    public Report diff(KeySource a, KeySource b, KeySelector selector, LongConsumer progress) throws IOException {
        this.progress = progress;
        if (maxMemory > 0) return diffSpilled(a, b, selector);
        Map<Ref, KeyRecord> left = new HashMap<>();
        long t0 = System.nanoTime();
        phase("reading A: " + a.describe(), a.expectedKeys());
        a.scan(selector, r -> {
            left.put(new Ref(r.db(), r.key()), r);
            tick(left.size());
        });
        long keysA = left.size();
        readBy[0] = clock(a);
        long t1 = System.nanoTime();
        List<KeyRecord[]> suspect = new ArrayList<>();
        // Each difference with what each side held when it was read (null: absent).
        List<Object[]> diffs = new ArrayList<>();
        long[] keysB = new long[1];
        phase("reading B: " + b.describe(), b.expectedKeys());
        b.scan(selector, r -> {
            tick(++keysB[0]);
            KeyRecord l = left.remove(new Ref(r.db(), r.key()));
            if (l == null && !r.digest().damaged()) {
                diffs.add(new Object[] {onlyInB(r), null, r});
            } else if (l == null || differs(l, r)) {
                suspect.add(new KeyRecord[] {l, r});
            }
        });
        long t2 = System.nanoTime();
        readBy[1] = clock(b);
        for (KeyRecord l : left.values()) {
            if (l.digest().damaged()) suspect.add(new KeyRecord[] {l, null});
            else diffs.add(new Object[] {onlyInA(l), l, null});
        }
        if (!suspect.isEmpty()) phase("comparing the values of differing keys", suspect.size());
        long done = 0;
        for (KeyRecord[] p : suspect) {
            diffs.add(new Object[] {detail(a, b, p[0], p[1]), p[0], p[1]});
            each(++done);
        }
        return report(a, b, keysA, keysB[0], diffs, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }

    private Report report(KeySource a, KeySource b, long keysA, long keysB, List<Object[]> diffs, long millisA, long millisB) throws IOException {
        // A key that differs on a live server is read again: if it moved since it was read, the
        // difference is a change during the read, not a difference between the sources.
        List<Difference> settled = new ArrayList<>(diffs.size());
        if ((a.live() || b.live()) && !diffs.isEmpty()) phase("reading differing keys again on the live side", diffs.size());
        long done = 0;
        for (Object[] d : diffs) {
            settled.add(droppedOnLoad(recheck(a, b, (Difference) d[0], (KeyRecord) d[1], (KeyRecord) d[2]), (KeyRecord) d[1], (KeyRecord) d[2]));
            each(++done);
        }
        settled.sort((x, y) -> x.db() != y.db() ? Integer.compare(x.db(), y.db()) : Arrays.compareUnsigned(x.key(), y.key()));
        Map<String, Long> byKind = new TreeMap<>();
        Map<String, Long> byDbType = new TreeMap<>();
        Report counting = new Report(a.describe(), b.describe(), keysA, keysB, settled, byKind, byDbType, millisA, millisB, strict);
        for (Difference d : settled) {
            byKind.merge(d.kind().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
            if (counting.counted(d)) {
                byDbType.merge("db" + d.db() + "/" + (d.typeA() != null ? d.typeA() : d.typeB()), 1L, Long::sum);
            }
        }
        return counting;
    }

    /** When a live side's read ended, by its server's clock (which decides what it expires), else ours; -1 for a file. */
    private static long clock(KeySource s) throws IOException {
        if (!s.live()) return -1;
        long server = s.clockMs();
        return server >= 0 ? server : System.currentTimeMillis();
    }

    /**
     * A key on one side only that the other side's server dropped when it loaded it, or lost to
     * its expiry since: an empty collection (servers drop those on load; an empty stream is kept),
     * or, where the other side is a live server, a key whose expiry had passed by the end of that
     * server's read (with the TTL tolerance for clock skew). Against a file the load time is not
     * known, so an expired key stays a missing key there.
     */
    private Difference droppedOnLoad(Difference d, KeyRecord l, KeyRecord r) {
        KeyRecord only;
        long otherReadBy;
        if (d.kind() == Difference.Kind.ONLY_IN_A) {
            only = l;
            otherReadBy = readBy[1];
        } else if (d.kind() == Difference.Kind.ONLY_IN_B) {
            only = r;
            otherReadBy = readBy[0];
        } else {
            return d;
        }
        if (only == null) return d;
        String why = null;
        RedisType type = only.digest().type();
        if (only.digest().elements() == 0 && (type == RedisType.LIST || type == RedisType.SET || type == RedisType.ZSET || type == RedisType.HASH)) {
            why = "an empty " + only.digest().typeName() + ": servers drop empty collections when they load them";
        } else if (otherReadBy >= 0 && only.expireAtMs() >= 0 && only.expireAtMs() <= otherReadBy + ttlToleranceMs) {
            why = "expired at " + java.time.Instant.ofEpochMilli(only.expireAtMs()) + ", before the server without it was read (by "
                    + java.time.Instant.ofEpochMilli(otherReadBy) + "): dropped on load or expired since";
        }
        if (why == null) return d;
        return new Difference(Difference.Kind.DROPPED_ON_LOAD, d.db(), d.key(), d.typeA(), d.typeB(), d.expireA(), d.expireB(), List.of(why));
    }

    /** Both sides into sorted runs within the budget, then a merge join. */
    private Report diffSpilled(KeySource a, KeySource b, KeySelector selector) throws IOException {
        java.nio.file.Path tmp = java.nio.file.Files.createTempDirectory("salvor-diff");
        try (SortedRuns ra = new SortedRuns(tmp, maxMemory / 2); SortedRuns rb = new SortedRuns(tmp, maxMemory / 2)) {
            long t0 = System.nanoTime();
            IOException[] failure = new IOException[1];
            long[] n = new long[1];
            phase("reading A: " + a.describe(), a.expectedKeys());
            a.scan(selector, r -> {
                add(ra, r, failure);
                tick(++n[0]);
            });
            long t1 = System.nanoTime();
            readBy[0] = clock(a);
            n[0] = 0;
            phase("reading B: " + b.describe(), b.expectedKeys());
            b.scan(selector, r -> {
                add(rb, r, failure);
                tick(++n[0]);
            });
            long t2 = System.nanoTime();
            readBy[1] = clock(b);
            if (failure[0] != null) throw failure[0];
            spilledRuns = ra.runs() + rb.runs();
            List<Object[]> diffs = new ArrayList<>();
            phase("comparing", ra.count() + rb.count());
            long merged = 0;
            SortedRuns.Cursor ca = ra.sorted(), cb = rb.sorted();
            KeyRecord x = ca.next(), y = cb.next();
            while (x != null || y != null) {
                int c = x == null ? 1 : y == null ? -1 : SortedRuns.ORDER.compare(x, y);
                merged += c == 0 ? 2 : 1; // records taken from the runs
                tick(merged);
                if (c < 0) {
                    diffs.add(new Object[] {x.digest().damaged() ? detail(a, b, x, null) : onlyInA(x), x, null});
                    x = ca.next();
                } else if (c > 0) {
                    diffs.add(new Object[] {y.digest().damaged() ? detail(a, b, null, y) : onlyInB(y), null, y});
                    y = cb.next();
                } else {
                    if (differs(x, y)) {
                        diffs.add(new Object[] {detail(a, b, x, y), x, y});
                    }
                    x = ca.next();
                    y = cb.next();
                }
            }
            return report(a, b, ra.count(), rb.count(), diffs, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        } finally {
            try (var files = java.nio.file.Files.list(tmp)) {
                for (java.nio.file.Path p : files.toList()) java.nio.file.Files.deleteIfExists(p);
            }
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    private LongConsumer progress;

    private void phase(String label, long total) {
        Progress.phase(progress, label, total, Progress.Unit.KEYS);
        if (progress != null) progress.accept(0);
    }

    /** Per key of a slow step (a value read again): every count. */
    private void each(long done) {
        if (progress != null) progress.accept(done);
    }

    /** Per key of a scan: every 256th count (the display redraws at most ten times a second anyway). */
    private void tick(long done) {
        if (progress != null && (done & 255) == 0) progress.accept(done);
    }

    private static void add(SortedRuns runs, KeyRecord r, IOException[] failure) {
        if (failure[0] != null) return;
        try {
            runs.add(r);
        } catch (IOException e) {
            failure[0] = e;
        }
    }

    private boolean differs(KeyRecord l, KeyRecord r) {
        return l.digest().damaged() || r.digest().damaged() || l.digest().type() != r.digest().type() || !l.digest().equals(r.digest())
                || !ignoreTtl && !sameExpiry(l.expireAtMs(), r.expireAtMs());
    }

    private static Difference onlyInA(KeyRecord l) {
        return new Difference(Difference.Kind.ONLY_IN_A, l.db(), l.key(), l.digest().typeName(), null, l.expireAtMs(), -1, List.of());
    }

    private static Difference onlyInB(KeyRecord r) {
        return new Difference(Difference.Kind.ONLY_IN_B, r.db(), r.key(), null, r.digest().typeName(), -1, r.expireAtMs(), List.of());
    }

    /** A key whose value could not be read on a side (null: the side has no such key): what each side holds, and why. */
    private static Difference damaged(KeySource a, KeySource b, KeyRecord l, KeyRecord r) {
        KeyRecord any = l != null ? l : r;
        List<String> details = new ArrayList<>(2);
        details.add("A: " + side(a, l));
        details.add("B: " + side(b, r));
        return new Difference(Difference.Kind.DAMAGED, any.db(), any.key(), l == null ? null : l.digest().typeName(), r == null ? null : r.digest().typeName(),
                l == null ? -1 : l.expireAtMs(), r == null ? -1 : r.expireAtMs(), details);
    }

    private static String side(KeySource s, KeyRecord rec) {
        if (rec == null) return "no such key";
        if (!rec.digest().damaged()) return "a readable " + rec.digest().typeName();
        try {
            s.fetch(rec);
            return "unreadable value (" + rec.digest().typeName() + ")";
        } catch (IOException e) {
            return "unreadable value: " + e.getMessage();
        }
    }

    /** An expiry for people: the raw milliseconds and the UTC time, or "none". */
    static String expiry(long ms) {
        return ms < 0 ? "none" : ms + " (" + java.time.Instant.ofEpochMilli(ms) + ")";
    }

    private boolean sameExpiry(long x, long y) {
        if (x < 0 || y < 0) return x < 0 && y < 0;
        return Math.abs(x - y) <= ttlToleranceMs;
    }

    private Difference detail(KeySource a, KeySource b, KeyRecord l, KeyRecord r) throws IOException {
        if (l == null || r == null || l.digest().damaged() || r.digest().damaged()) return damaged(a, b, l, r);
        String ta = l.digest().typeName(), tb = r.digest().typeName();
        if (l.digest().type() != r.digest().type()) {
            return new Difference(Difference.Kind.TYPE_DIFFERS, l.db(), l.key(), ta, tb, l.expireAtMs(), r.expireAtMs(), List.of());
        }
        if (!l.digest().equals(r.digest())) {
            CollectedValue va = a.fetch(l), vb = b.fetch(r);
            List<String> details = va == null || vb == null ? List.of("the key is gone on one side now") : ElementDiff.of(va, vb);
            return new Difference(Difference.Kind.VALUE_DIFFERS, l.db(), l.key(), ta, tb, l.expireAtMs(), r.expireAtMs(), details);
        }
        return new Difference(Difference.Kind.EXPIRY_DIFFERS, l.db(), l.key(), ta, tb, l.expireAtMs(), r.expireAtMs(),
                List.of("expire_at_ms " + expiry(l.expireAtMs()) + " -> " + expiry(r.expireAtMs())));
    }

    /** A difference on a live side that is no longer what was read is a change during the read. */
    private Difference recheck(KeySource a, KeySource b, Difference d, KeyRecord seenA, KeyRecord seenB) throws IOException {
        for (KeySource s : new KeySource[] {a, b}) {
            // Only a key read again where it was looked for, and seen to differ, changed.
            if (!s.live() || !s.covers(d.db())) continue;
            KeyRecord seen = s == a ? seenA : seenB;
            KeyRecord now = s.refetch(new KeyRecord(d.db(), d.key(), -1, null, -1));
            boolean moved = (seen == null) != (now == null)
                    || seen != null && (!seen.digest().equals(now.digest()) || !sameExpiry(seen.expireAtMs(), now.expireAtMs()));
            if (moved) {
                return new Difference(Difference.Kind.CHANGED_DURING_READ, d.db(), d.key(), d.typeA(), d.typeB(), d.expireA(), d.expireB(),
                        List.of("changed on " + s.describe() + " while it was read"));
            }
        }
        return d;
    }
}
