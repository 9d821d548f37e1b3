package dev.salvor.rdb.walk;

import dev.salvor.format.InputFile;
import dev.salvor.rdb.RdbEncoding;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbOpcode;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.ReadConstraints;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The framing walk of {@link ParallelRanges} on several threads. The file is cut into segments;
 * helper threads walk each segment ahead of the planner from a guessed record start (the first
 * offset where a strict probe reads several records in a row). A guess may be wrong: a value's
 * bytes can look like records. So the planner's own reader, which knows the true framing, goes on
 * from the previous segment record by record until it stands on a record start the guessed walk
 * also stood on, in the same state; from there both read the same bytes the same way (framing is
 * determined by the start and the state), and the planner takes the guessed walk's records
 * instead of reading them. Where they never meet, the planner walks the segment itself. So the
 * outcome (ranges, the plan's tokens, errors) is the one-thread walk's, whatever was guessed.
 *
 * <p>A guessed walk stops before any record that would change what a reader carries beyond its
 * database (a hash template, the empty key, a Redis Enterprise prefix, AUX fields, functions) and before the
 * EOF record: the planner reads those itself. Only Redis and Valkey files are walked this way.
 */
final class SpeculativeFraming implements AutoCloseable {
    /** Bytes after a segment's start searched for a record start. */
    static final int PROBE_BYTES = 256 << 10;
    /** Records a probe reads in a row (within the probe's bytes) before a walk starts there. */
    static final int PROBE_RECORDS = 8;
    /** Probes and walks tried per segment before it is left to the planner. */
    static final int MAX_PROBES = 4096;
    static final int MAX_WALKS = 16;
    /** Records a guessed walk keeps when it then meets an error (fewer: the guess was wrong). */
    static final int KEEP_BEFORE_ERROR = 16;

    /**
     * A guessed start may be inside a value, where any length is garbage: a guessed walk allocates
     * for no key over 64 KiB and no string over 1 MiB (a record that needs more ends the guess there,
     * and the planner reads it).
     */
    private static ReadConstraints guessing() {
        ReadConstraints d = ReadConstraints.defaults();
        return d.rebuild().maxKeySize(Math.min(d.maxKeySize(), 64 << 10)).maxStringSize(Math.min(d.maxStringSize(), 1 << 20)).build();
    }

    /** Reads one record with the planner's reader; false at the end of the file. */
    interface Step {
        boolean step(RdbReader planner) throws IOException, InterruptedException;
    }

    /** Takes one record a guessed walk read: a key (its start) or another record (read again by the planner). */
    interface Adopt {
        void record(RdbReader planner, long offset, boolean key) throws IOException, InterruptedException;
    }

    /**
     * What the framing threads did. {@code lateMeetings}: guessed walks the planner met after their
     * first record, so they began inside a record (a value whose bytes look like records).
     */
    record Stats(int segmentsTaken, int segmentsWalkedByPlanner, long recordsTaken, int lateMeetings, long probes, long walks) {
    }

    private final InputFile file;
    private final RdbReader.Context context;
    private final ReadConstraints constraints = guessing();
    private final int templates;
    private final long size;
    private final long segmentBytes;
    private final long lastSegment;
    /** Segments a helper may walk past the planner's: bounds the walks held at once. */
    private final int ahead;
    private final Thread[] helpers;
    /** Whether the planner waits for every segment's guessed walk, never walking one itself first (tests: every segment is guessed). */
    private final boolean plannerWaits;
    private volatile boolean closed;
    /** The segment the planner is in: helpers take the first free one after it. */
    private volatile long plannerAt;
    /** The last segment the planner is done with: no helper walks it any more. */
    private volatile long stitchedUpTo;
    private final Object moved = new Object();
    private final Map<Long, Segment> segments = new ConcurrentHashMap<>();
    // The planner's side (one thread).
    private long next;
    private int taken;
    private int walkedByPlanner;
    private long recordsTaken;
    private int lateMeetings;
    // The helpers' side.
    private final AtomicLong probeCount = new AtomicLong();
    private final AtomicLong walkCount = new AtomicLong();

    private SpeculativeFraming(InputFile file, RdbReader.Context context, long size, long firstSegment, int threads, long segmentBytes, String name, boolean plannerWaits) {
        this.file = file;
        this.plannerWaits = plannerWaits;
        this.context = context;
        this.templates = context.templates().size();
        this.size = size;
        this.segmentBytes = segmentBytes;
        this.lastSegment = (size - 1) / segmentBytes;
        this.next = firstSegment;
        this.plannerAt = firstSegment - 1;
        this.stitchedUpTo = firstSegment - 1;
        this.ahead = 2 * threads + 1;
        this.helpers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            helpers[i] = new Thread(this::help, "salvor-" + name + "-framing-" + (i + 1));
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    /**
     * Starts helper threads for the rest of the file after the planner's reader {@code r}, which
     * has read the file's first key; null when the file is not one to walk this way (not Redis or
     * Valkey, or too little of it left for two segments).
     */
    static SpeculativeFraming start(InputFile file, RdbReader r, int threads, long segmentBytes, String name, boolean plannerWaits) {
        if (threads < 1 || r.flavor() != RdbFlavor.REDIS && r.flavor() != RdbFlavor.VALKEY) return null;
        long size = r.size();
        long first = r.offset() / segmentBytes + 1;
        if (size < 0 || first > (size - 1) / segmentBytes - 1) return null;
        return new SpeculativeFraming(file, r.context(), size, first, threads, segmentBytes, name, plannerWaits);
    }

    /** Where the next segment begins: the planner stitches there ({@link #stitch}); Long.MAX_VALUE after the last. */
    long boundary() {
        return next > lastSegment ? Long.MAX_VALUE : next * segmentBytes;
    }

    Stats stats() {
        return new Stats(taken, walkedByPlanner, recordsTaken, lateMeetings, probeCount.get(), walkCount.get());
    }

    /**
     * With the planner's reader between records at or past {@link #boundary()}: takes the
     * segment's guessed walk from where the true walk meets it, or leaves the segment to the
     * planner. The planner never waits for a helper (unless told to, for tests): a segment no
     * helper has begun is the planner's; one a helper is walking, the planner walks on meanwhile
     * and takes the guess once it is done. False when the planner's reader reached the end of the file.
     */
    boolean stitch(RdbReader r, Step step, Adopt adopt) throws IOException, InterruptedException {
        long k = next++;
        plannerAt = k;
        synchronized (moved) {
            moved.notifyAll();
        }
        try {
            return stitch(k, segments.computeIfAbsent(k, x -> new Segment()), r, step, adopt);
        } finally {
            stitchedUpTo = k;
            segments.remove(k);
        }
    }

    private boolean stitch(long k, Segment s, RdbReader r, Step step, Adopt adopt) throws IOException, InterruptedException {
        long segmentEnd = (k + 1) * segmentBytes;
        if (r.offset() >= segmentEnd) {
            s.claim.compareAndSet(0, 2);
            return true;
        }
        Walked w;
        if (plannerWaits) {
            w = s.waitFor();
        } else {
            if (s.claim.compareAndSet(0, 2)) {
                walkedByPlanner++;
                return true;
            }
            while (!s.done.isDone()) {
                if (!step.step(r)) return false;
                if (r.offset() >= segmentEnd) {
                    walkedByPlanner++;
                    return true;
                }
            }
            w = s.waitFor();
        }
        if (w == null) {
            walkedByPlanner++;
            return true;
        }
        while (r.offset() < w.end) {
            int i = w.indexOf(r.offset());
            if (i >= 0 && r.betweenRecords() && r.context().templates().size() == templates) {
                for (int j = i; j < w.n; j++) adopt.record(r, w.at[j], !w.other.get(j));
                r.continueAt(w.end);
                taken++;
                if (i > 0) lateMeetings++;
                recordsTaken += w.n - i;
                return true;
            }
            if (!step.step(r)) return false;
        }
        walkedByPlanner++;
        return true;
    }

    @Override
    public void close() {
        closed = true;
        // No interrupt: the helpers read the file the workers read, and an interrupted read closes it.
        synchronized (moved) {
            moved.notifyAll();
        }
    }

    /** A helper: walks the first free segment after the planner's, within {@link #ahead}. */
    private void help() {
        long k = -1;
        while (!closed) {
            Segment s = null;
            synchronized (moved) {
                while (!closed) {
                    long at = plannerAt;
                    k = Math.max(stitchedUpTo + 1, plannerWaits ? at : at + 1);
                    long last = Math.min(lastSegment, at + ahead);
                    for (; k <= last; k++) {
                        Segment c = segments.computeIfAbsent(k, x -> new Segment());
                        if (c.claim.compareAndSet(0, 1)) {
                            s = c;
                            break;
                        }
                    }
                    if (s != null) break;
                    try {
                        moved.wait(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            if (s == null) return;
            if (k <= stitchedUpTo) {
                // The planner finished this segment (and dropped its entry) while the helper looked.
                segments.remove(k, s);
                s.done.complete(null);
                continue;
            }
            Walked w = null;
            try {
                w = walk(k);
            } catch (IOException | RuntimeException e) {
                // A guess that could not be walked: the planner walks the segment.
            } finally {
                s.done.complete(w);
            }
        }
    }

    /** One segment's guessed walk, claimed by a helper (1) or by the planner (2: then never walked). */
    private static final class Segment {
        final AtomicInteger claim = new AtomicInteger();
        final CompletableFuture<Walked> done = new CompletableFuture<>();

        /** The walk once done (null: it found nothing). */
        Walked waitFor() throws InterruptedException {
            try {
                return done.get();
            } catch (ExecutionException e) {
                return null;
            }
        }
    }

    /** The records a guessed walk read, in file order: each one's start, which are not keys, and where it stopped. */
    static final class Walked {
        long[] at = new long[1024];
        final BitSet other = new BitSet();
        int n;
        long end;

        void add(long offset, boolean key) {
            if (n == at.length) at = Arrays.copyOf(at, n * 2);
            if (!key) other.set(n);
            at[n++] = offset;
        }

        int indexOf(long offset) {
            int i = Arrays.binarySearch(at, 0, n, offset);
            return i < 0 ? -1 : i;
        }
    }

    private Walked walk(long k) throws IOException {
        long from = k * segmentBytes;
        long to = Math.min(from + segmentBytes, size);
        int len = (int) Math.min(Math.min(PROBE_BYTES, size - from), segmentBytes + PROBE_BYTES / 4);
        byte[] buf = new byte[len];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        while (bb.hasRemaining()) {
            if (file.channel().read(bb, from + bb.position()) < 0) return null;
        }
        int probes = 0, walks = 0;
        Walked w = null;
        for (int i = 0; i < len && from + i < to && probes < MAX_PROBES && walks < MAX_WALKS && !closed; i++) {
            if (!plausible(buf, i, len)) continue;
            probes++;
            if (!probe(buf, i, len - i, from + i)) continue;
            walks++;
            w = walkFrom(from + i, to);
            if (w != null) break;
        }
        probeCount.addAndGet(probes);
        walkCount.addAndGet(walks);
        return w;
    }

    /**
     * Whether a key record seems to begin at {@code buf[i]}: an optional millisecond expiry, a value
     * type of the file's flavor, and a name of 1 to 16383 printable ASCII bytes. A cheap filter
     * before a probe (each failed probe costs a reader and an exception): it misses keys with other
     * names, which only means the guess starts at a later key.
     */
    private boolean plausible(byte[] buf, int i, int len) {
        if ((buf[i] & 0xff) == RdbOpcode.EXPIRETIME_MS) i += 9;
        if (i + 2 >= len || RdbEncoding.of(buf[i] & 0xff, context.flavor()) == null) return false;
        int b = buf[i + 1] & 0xff;
        int n, at;
        if (b >> 6 == 0) {
            n = b & 0x3f;
            at = i + 2;
        } else if (b >> 6 == 1) {
            n = (b & 0x3f) << 8 | buf[i + 2] & 0xff;
            at = i + 3;
        } else {
            return false;
        }
        if (n == 0 || at + n > len) return false;
        for (int j = at; j < at + n; j++) {
            if (buf[j] < 0x20 || buf[j] > 0x7e) return false;
        }
        return true;
    }

    /**
     * Whether {@link #PROBE_RECORDS} records read in a row from {@code buf[off]}, each starting
     * where the last ended (or the bytes run out inside a key's value after at least its name).
     */
    private boolean probe(byte[] buf, int off, int len, long at) {
        RdbReader p = RdbReader.probe(buf, off, len, at, size, file.source(), context);
        int records = 0;
        try {
            while (records < PROBE_RECORDS) {
                long start = p.offset();
                RdbToken t = p.next();
                if (t == RdbToken.EOF || t == RdbToken.END) return records > 0;
                if (p.tokenOffset() != start) return false;
                if (t == RdbToken.KEY) p.skipValue(RdbReader.Skip.FRAMING);
                if (!p.betweenRecords()) return false;
                records++;
            }
            return true;
        } catch (RdbFormatException e) {
            return e.reason() == RdbFormatException.Reason.TRUNCATED && (records > 0 || p.inValue());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The records from {@code start} up to the first that starts at or past {@code to}; null when the guess proved wrong. */
    private Walked walkFrom(long start, long to) {
        Walked w = new Walked();
        long at = start;
        try (RdbReader r = RdbReader.resume(file, start, context, constraints)) {
            while (at < to && !closed) {
                RdbToken t = r.next();
                if (!guessed(t) || r.tokenOffset() != at) break;
                if (t == RdbToken.KEY) {
                    if (r.key().length == 0 || r.enterpriseRecords() != 0) break;
                    r.skipValue(RdbReader.Skip.FRAMING);
                }
                if (!r.betweenRecords()) break;
                w.add(at, t == RdbToken.KEY);
                at = r.offset();
            }
        } catch (IOException | RuntimeException e) {
            if (w.n < KEEP_BEFORE_ERROR) return null;
        }
        w.end = at;
        return w.n == 0 ? null : w;
    }

    /** Records a guessed walk takes: keys and the records that change nothing a reader carries but its database. */
    private static boolean guessed(RdbToken t) {
        switch (t) {
            case KEY:
            case SELECT_DB:
            case RESIZE_DB:
            case MODULE_AUX:
            case SLOT_INFO:
                return true;
            default:
                return false;
        }
    }
}
