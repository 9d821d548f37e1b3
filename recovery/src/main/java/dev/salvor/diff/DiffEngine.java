package dev.salvor.diff;

import dev.salvor.export.KeySelector;
import dev.salvor.io.Deadline;
import dev.salvor.io.Progress;
import dev.salvor.io.Spool;
import dev.salvor.rdb.RedisType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

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

    /**
     * Result of a comparison. The differences are in (db, key) order and may live on disk: iterate
     * them, do not hold them.
     */
    public record Report(String a, String b, long keysA, long keysB, Differences differences,
                         long millisA, long millisB, boolean strict, List<String> notices) {
        /**
         * No counted difference, and nothing a side could not account for ({@link #notices}: a
         * file's UPDATE command not applied leaves the comparison incomplete).
         */
        public boolean identical() {
            Map<String, Long> k = differences.countsByKind();
            return notices.isEmpty() && differences.size() == k.getOrDefault("changed_during_read", 0L) + (strict ? 0 : k.getOrDefault("dropped_on_load", 0L));
        }

        /** Whether {@code d} counts as a difference: not a change during the read, nor (unless strict) a key dropped on load. */
        public boolean counted(Difference d) {
            return counts(d, strict);
        }

        public Map<String, Long> countsByKind() {
            return differences.countsByKind();
        }

        public Map<String, Long> countsByDbAndType() {
            return differences.countsByDbAndType();
        }
    }

    /** Whether {@code d} counts as a difference: not a change during the read, nor (unless strict) a key dropped on load. */
    static boolean counts(Difference d, boolean strict) {
        return d.kind() != Difference.Kind.CHANGED_DURING_READ && (strict || d.kind() != Difference.Kind.DROPPED_ON_LOAD);
    }

    /** A key found to differ, with what each side held when it was read (null: absent there). */
    private record Pending(KeyRecord a, KeyRecord b) {
        KeyRecord any() {
            return a != null ? a : b;
        }
    }

    private static final SortedRuns.Codec<Pending> PENDING = new SortedRuns.Codec<>() {
        @Override
        public void write(java.io.DataOutputStream out, Pending p) throws IOException {
            out.writeByte((p.a != null ? 1 : 0) | (p.b != null ? 2 : 0));
            if (p.a != null) SortedRuns.writeKeyRecord(out, p.a);
            if (p.b != null) SortedRuns.writeKeyRecord(out, p.b);
        }

        @Override
        public Pending read(java.io.DataInputStream in) throws IOException {
            int flags;
            try {
                flags = in.readByte();
            } catch (java.io.EOFException end) {
                return null;
            }
            KeyRecord a = (flags & 1) != 0 ? SortedRuns.readKeyRecord(in, in.readInt()) : null;
            KeyRecord b = (flags & 2) != 0 ? SortedRuns.readKeyRecord(in, in.readInt()) : null;
            return new Pending(a, b);
        }
    };

    private final long ttlToleranceMs;
    private final boolean ignoreTtl;
    private final long maxMemory;
    private final Spool spool;
    private boolean strict;
    private int spilledRuns;
    /** Per side (A, B): when its scan ended, for a live side; -1 for a file. */
    private final long[] readBy = {-1, -1};

    public DiffEngine(long ttlToleranceMs, boolean ignoreTtl) {
        this(ttlToleranceMs, ignoreTtl, -1);
    }

    public DiffEngine(long ttlToleranceMs, boolean ignoreTtl, long maxMemoryBytes) {
        this(ttlToleranceMs, ignoreTtl, maxMemoryBytes, Spool.defaults());
    }

    /**
     * @param maxMemoryBytes with a budget, both sides' fingerprints are kept in sorted runs on disk
     *                       (3/8 of it each) and merge-joined, and the differences take the last
     *                       quarter, so any number of keys and differences fits; -1 keeps side A
     *                       in a hash map in memory (differences still spill past 1/8 of the heap)
     * @param spool          where runs and spilled differences go, and how much disk they may take
     */
    public DiffEngine(long ttlToleranceMs, boolean ignoreTtl, long maxMemoryBytes, Spool spool) {
        this.ttlToleranceMs = ttlToleranceMs;
        this.ignoreTtl = ignoreTtl;
        this.maxMemory = maxMemoryBytes;
        this.spool = spool;
    }

    /**
     * Counts keys dropped on load ({@link Difference.Kind#DROPPED_ON_LOAD}) as differences: they are
     * still reported in their own category.
     */
    public DiffEngine strict(boolean strict) {
        this.strict = strict;
        return this;
    }

    private Deadline deadline = Deadline.NONE;

    /** The run's deadline, checked while sources are read and differences settled. */
    public DiffEngine deadline(Deadline d) {
        this.deadline = d;
        return this;
    }

    /** Run files written by the last spilled diff (0 when everything fitted in memory). */
    public int spilledRuns() {
        return spilledRuns;
    }

    private long differencesBudget() {
        return maxMemory > 0 ? maxMemory / 4 : Runtime.getRuntime().maxMemory() / 8;
    }

    public Report diff(KeySource a, KeySource b, KeySelector selector) throws IOException {
        return diff(a, b, selector, null);
    }

    /**
     * @param progress told each phase (reading A, reading B, comparing the values of differing
     *                 keys and reading them again on a live side) and the keys done in it; may be null
     */
    public Report diff(KeySource a, KeySource b, KeySelector selector, LongConsumer progress) throws IOException {
        this.progress = progress;
        if (maxMemory > 0) return diffSpilled(a, b, selector);
        Path tmp = spool.newDirectory("diff");
        try (SortedRuns<Pending> pending = new SortedRuns<>(spool, tmp, differencesBudget(), (x, y) -> SortedRuns.ORDER.compare(x.any(), y.any()), PENDING,
                p -> 2L * (p.any().key().length + 96))) {
            IOException[] failure = new IOException[1];
            // A live side's SCAN may hand out a key more than once (the server resized its table
            // meanwhile): a key of A is put once, and one of B matched with A is marked, not removed,
            // so that seeing it again in B is known as the same key, not as a key only in B.
            Map<Ref, KeyRecord> left = new HashMap<>();
            long t0 = System.nanoTime();
            phase("reading A: " + a.describe(), a.expectedKeys());
            scan(a, selector, r -> {
                left.put(new Ref(r.db(), r.key()), r);
                tick(left.size());
            }, failure);
            long keysA = left.size();
            readBy[0] = clock(a);
            long t1 = System.nanoTime();
            long[] keysB = new long[1];
            phase("reading B: " + b.describe(), b.expectedKeys());
            long[] repeatsB = new long[1];
            scan(b, selector, r -> {
                tick(++keysB[0]);
                Ref ref = new Ref(r.db(), r.key());
                KeyRecord l = left.get(ref);
                if (l == MATCHED) {
                    repeatsB[0]++;
                    return;
                }
                if (l != null) left.put(ref, MATCHED);
                if (l == null || differs(l, r)) add(pending, new Pending(l, r), failure);
            }, failure);
            long t2 = System.nanoTime();
            readBy[1] = clock(b);
            for (KeyRecord l : left.values()) if (l != MATCHED) pending.add(new Pending(l, null));
            left.clear();
            spilledRuns = pending.runs();
            Differences.Writer out = new Differences.Writer(spool, differencesBudget(), strict);
            phase(settling(a, b), pending.count());
            SortedRuns.Cursor<Pending> c = pending.sorted();
            long done = 0;
            Pending previous = null;
            for (Pending p; (p = c.next()) != null; ) {
                deadline.check("diff");
                // A key only in B that B's scan handed out twice: pending twice, one key (the first sighting).
                if (previous != null && SortedRuns.ORDER.compare(previous.any(), p.any()) == 0) {
                    repeatsB[0]++;
                    continue;
                }
                previous = p;
                out.add(settle(a, b, p));
                each(++done);
            }
            return new Report(a.describe(), b.describe(), keysA, keysB[0] - repeatsB[0], out.finish(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, strict, notices(a, b));
        } finally {
            spool.delete(tmp);
        }
    }

    /** Both sides' notices, each marked with its side. */
    private static List<String> notices(KeySource a, KeySource b) {
        List<String> all = new ArrayList<>();
        for (String n : a.notices()) all.add("A: " + n);
        for (String n : b.notices()) all.add("B: " + n);
        return List.copyOf(all);
    }

    private static String settling(KeySource a, KeySource b) {
        return "comparing the values of differing keys" + (a.live() || b.live() ? " and reading them again on the live side" : "");
    }

    /**
     * What a pending difference is: a key unreadable on a side, only on one side, or (values read
     * whole for the detail) a type, value or expiry difference; on a live side, a key that moved
     * since it was read is a change during the read, not a difference between the sources.
     */
    private Difference settle(KeySource a, KeySource b, Pending p) throws IOException {
        Difference d;
        if (p.a != null && p.a.digest().damaged() || p.b != null && p.b.digest().damaged()) d = damaged(a, b, p.a, p.b);
        else if (p.b == null) d = onlyInA(p.a);
        else if (p.a == null) d = onlyInB(p.b);
        else d = detail(a, b, p.a, p.b);
        return droppedOnLoad(recheck(a, b, d, p.a, p.b), p.a, p.b);
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
        Path tmp = spool.newDirectory("diff");
        try (SortedRuns<KeyRecord> ra = SortedRuns.keys(spool, tmp, maxMemory * 3 / 8); SortedRuns<KeyRecord> rb = SortedRuns.keys(spool, tmp, maxMemory * 3 / 8)) {
            long t0 = System.nanoTime();
            IOException[] failure = new IOException[1];
            long[] n = new long[1];
            phase("reading A: " + a.describe(), a.expectedKeys());
            scan(a, selector, r -> {
                add(ra, r, failure);
                tick(++n[0]);
            }, failure);
            long t1 = System.nanoTime();
            readBy[0] = clock(a);
            n[0] = 0;
            phase("reading B: " + b.describe(), b.expectedKeys());
            scan(b, selector, r -> {
                add(rb, r, failure);
                tick(++n[0]);
            }, failure);
            long t2 = System.nanoTime();
            readBy[1] = clock(b);
            spilledRuns = ra.runs() + rb.runs();
            // The join meets keys in (db, key) order: each difference is settled and passed on at once.
            Differences.Writer out = new Differences.Writer(spool, differencesBudget(), strict);
            phase("comparing", ra.count() + rb.count());
            long merged = 0;
            // A key a live side's SCAN handed out twice sits twice in its runs, side by side once
            // sorted: each side's cursor skips the repeats (the first sighting stands for the key).
            Distinct ca = new Distinct(ra.sorted()), cb = new Distinct(rb.sorted());
            KeyRecord x = ca.next(), y = cb.next();
            while (x != null || y != null) {
                deadline.check("diff");
                int c = x == null ? 1 : y == null ? -1 : SortedRuns.ORDER.compare(x, y);
                merged += c == 0 ? 2 : 1; // records taken from the runs
                tick(merged);
                if (c < 0) {
                    out.add(settle(a, b, new Pending(x, null)));
                    x = ca.next();
                } else if (c > 0) {
                    out.add(settle(a, b, new Pending(null, y)));
                    y = cb.next();
                } else {
                    if (differs(x, y)) {
                        out.add(settle(a, b, new Pending(x, y)));
                    }
                    x = ca.next();
                    y = cb.next();
                }
            }
            return new Report(a.describe(), b.describe(), ra.count() - ca.repeats, rb.count() - cb.repeats, out.finish(),
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, strict, notices(a, b));
        } finally {
            spool.delete(tmp);
        }
    }

    /** Marks a key of A that B held too (a later sighting in B is a repeat of B's scan). */
    private static final KeyRecord MATCHED = new KeyRecord(-1, new byte[0], -1, null, -1);

    /** Records of one side in (db, key) order, each key once: repeats of a key are counted and skipped. */
    private static final class Distinct {
        private final SortedRuns.Cursor<KeyRecord> cursor;
        private KeyRecord ahead;
        long repeats;

        Distinct(SortedRuns.Cursor<KeyRecord> cursor) throws IOException {
            this.cursor = cursor;
            this.ahead = cursor.next();
        }

        KeyRecord next() throws IOException {
            KeyRecord r = ahead;
            if (r == null) return null;
            ahead = cursor.next();
            while (ahead != null && SortedRuns.ORDER.compare(ahead, r) == 0) {
                repeats++;
                ahead = cursor.next();
            }
            return r;
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

    /**
     * Scans go through a consumer that cannot throw: a failure to keep a record (the temporary
     * disk is full or at its limit) is kept and ends the scan at once, so an endless source stops.
     */
    private static <T> void add(SortedRuns<T> runs, T r, IOException[] failure) {
        try {
            runs.add(r);
        } catch (IOException e) {
            failure[0] = e;
            throw new ScanStopped(e);
        }
    }

    /** Ends a scan from inside its consumer; the cause is rethrown by the engine. */
    private static final class ScanStopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ScanStopped(IOException cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    private void scan(KeySource s, KeySelector selector, java.util.function.Consumer<KeyRecord> sink, IOException[] failure) throws IOException {
        long[] seen = new long[1];
        java.util.function.Consumer<KeyRecord> timed = deadline.none() ? sink : r -> {
            if ((++seen[0] & 1023) == 0 && deadline.expired()) {
                try {
                    deadline.check(s.describe());
                } catch (IOException e) {
                    failure[0] = e;
                    throw new ScanStopped(e);
                }
            }
            sink.accept(r);
        };
        try {
            s.scan(selector, timed);
        } catch (ScanStopped e) {
            throw failure[0];
        } catch (RuntimeException e) {
            // A source may wrap what its consumer threw.
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof ScanStopped) throw failure[0];
            }
            throw e;
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
