package dev.salvor.rdb.walk;

import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.io.InterruptedIOException;
import dev.salvor.format.InputFile;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plain RDB file read on several threads with the one-thread result. A planner thread walks
 * the file by its framing (values skipped; CRC64 over every byte, unless the user checksums the
 * ranges on its workers: {@link Plan#checksumOnWorkers()}) and cuts it into ranges of whole
 * top-level records; workers read each range with a full decode; the calling thread takes the
 * ranges in file order ({@link #next()}). Memory stays bounded: the planner runs at most a few
 * ranges per worker ahead.
 *
 * <p>When the framing fails, the rest of the file from the last cut goes to one worker as a last
 * range ending at {@code Long.MAX_VALUE}: its full decode meets this error or an earlier one after
 * every record before it, as a one-thread read would. The planner's own error comes from
 * {@link #next()} after the last range.
 *
 * @param <T> what the caller hands a worker for a range and takes back in order (the range's
 *            results, or a queue the worker fills while the caller drains it)
 */
public final class ParallelRanges<T> implements AutoCloseable {
    /** Input bytes per range: large enough to amortise a reader, small enough to balance load. */
    public static final long RANGE_BYTES = 1L << 20;
    /** Input bytes per segment of a framing walk on several threads. */
    public static final long SEGMENT_BYTES = 8L << 20;
    /**
     * Workers one framing thread keeps busy. Measured on the realistic dataset (many small keys):
     * the one-thread walk keeps up with about 11.5 workers; a second framing thread is started from
     * 11 workers on, one more per 10.
     */
    static final int WORKERS_PER_FRAMING_THREAD = 10;
    /** Ranges in flight per worker: while one worker is busy with a large key, the others go this far ahead. */
    public static final int RANGES_AHEAD = 8;

    /**
     * The records that start in [start, end) of the file, read with the planner's context at
     * start ({@code end} is Long.MAX_VALUE for the last range of a file whose framing failed).
     */
    public record Range(long start, long end, RdbReader.Context context) {
        /** A reader of the input, opened once for the run, positioned at this range's first record. */
        public RdbReader open(InputFile input) {
            return RdbReader.resume(input, start, context);
        }
    }

    /** What the planner and the workers do for one user of the ranges. */
    public interface Plan<T> {
        /** On the planner thread, once the header is read. */
        default void header(RdbReader planner) throws IOException {
        }

        /** On the planner thread, each token before the planner may cut a range at it (values are skipped). */
        default void token(RdbReader planner, RdbToken token) throws IOException {
        }

        /** On the planner thread, at the end of the file, before the last range is handed out. */
        default void end(RdbReader planner) throws IOException {
        }

        /**
         * Whether {@link #token} sees every KEY token, or of the keys only the file's first (the facts
         * read before any key are settled there). A plan that leaves the keys to its workers lets the
         * planner frame the file on several threads when there are many workers
         * ({@link #framingThreads(int)}); its other tokens still come in file order, on the planner's reader.
         */
        default boolean everyKey() {
            return true;
        }

        /**
         * Whether the user checksums the file itself, by ranges on the workers ({@link #checksum}):
         * then the planner folds no CRC64 (more than half of its work on a file of small keys) and
         * reports the trailer {@link dev.salvor.rdb.ChecksumStatus#UNVERIFIABLE}, its stored value read.
         */
        default boolean checksumOnWorkers() {
            return false;
        }

        /**
         * On the planner thread: what a worker gets for {@code range} and the caller takes back in
         * order; null leaves the range out (the planner failed before the user could read keys).
         */
        T item(Range range);

        /** On a worker: reads the range and hands every outcome, an error too, to {@code item}; never throws. */
        void work(T item);
    }

    private final InputFile file;
    private final Plan<T> plan;
    private final long rangeBytes;
    private final String name;
    private final int framingThreads;
    private final long segmentBytes;
    private final boolean plannerWaits;
    @SuppressWarnings("unchecked")
    private final T end = (T) new Object();
    private final BlockingQueue<T> ordered;
    private final ExecutorService pool;
    private final Thread plannerThread;
    // Whatever escapes a thread (an Error its own handling could not pass on) ends the run.
    private final AtomicReference<Throwable> fatal = new AtomicReference<>();
    private volatile Throwable failure;
    private volatile long size = Long.MAX_VALUE;
    private boolean ended;

    /**
     * Starts the planner and {@code workers} workers, named {@code salvor-NAME-planner} and
     * {@code salvor-NAME-N}; {@link #close()} stops them. The framing walk runs on
     * {@link #framingThreads(int)} threads, in segments of {@link #SEGMENT_BYTES}.
     */
    public ParallelRanges(InputFile file, int workers, long rangeBytes, String name, Plan<T> plan) {
        this(file, workers, rangeBytes, framingThreads(workers), SEGMENT_BYTES, name, plan);
    }

    /**
     * As {@link #ParallelRanges(InputFile, int, long, String, Plan)}, the framing walk on
     * {@code framingThreads} threads (1: the planner alone) in segments of {@code segmentBytes}.
     */
    public ParallelRanges(InputFile file, int workers, long rangeBytes, int framingThreads, long segmentBytes, String name, Plan<T> plan) {
        this(file, workers, rangeBytes, framingThreads, segmentBytes, false, name, plan);
    }

    /** {@code plannerWaits}: the planner waits for every segment's guessed walk instead of walking an unstarted one itself (tests). */
    ParallelRanges(InputFile file, int workers, long rangeBytes, int framingThreads, long segmentBytes, boolean plannerWaits, String name, Plan<T> plan) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
        if (framingThreads < 1) throw new IllegalArgumentException("framing threads must be at least 1");
        this.file = file;
        this.plan = plan;
        this.rangeBytes = rangeBytes;
        this.name = name;
        this.framingThreads = framingThreads;
        this.segmentBytes = segmentBytes;
        this.plannerWaits = plannerWaits;
        this.ordered = new ArrayBlockingQueue<>(RANGES_AHEAD * workers);
        Thread.UncaughtExceptionHandler onFatal = (t, e) -> fatal.compareAndSet(null, e);
        AtomicInteger threadNo = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "salvor-" + name + "-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler(onFatal);
            return t;
        });
        this.plannerThread = new Thread(this::planAll, "salvor-" + name + "-planner");
        plannerThread.setDaemon(true);
        plannerThread.setUncaughtExceptionHandler(onFatal);
        plannerThread.start();
    }

    /**
     * Threads for the framing walk with {@code workers} workers: 1 (the planner alone) up to 10
     * workers, then one more per 10 workers. The system property {@code salvor.framing.threads}
     * sets it (for measurements).
     */
    public static int framingThreads(int workers) {
        String set = System.getProperty("salvor.framing.threads");
        if (set != null) {
            try {
                return Math.max(1, Integer.parseInt(set.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("salvor.framing.threads: not a number: " + set);
            }
        }
        return workers <= WORKERS_PER_FRAMING_THREAD ? 1 : 1 + (workers + WORKERS_PER_FRAMING_THREAD - 1) / WORKERS_PER_FRAMING_THREAD;
    }

    /** The file's size once the planner opened it (Long.MAX_VALUE before), for progress. */
    public long size() {
        return size;
    }

    /**
     * The next range's item in file order, or null after the last one. Throws the planner's error
     * after the last range, and the error of a thread that died without handing over its result.
     */
    public T next() throws IOException {
        if (ended) return null;
        T item = take(ordered);
        if (item != end) return item;
        ended = true;
        if (failure != null) throw rethrow(failure);
        return null;
    }

    /** Takes from a queue a worker fills; a thread that died without handing over its result ends the wait with its error. */
    public <X> X take(BlockingQueue<X> q) throws IOException {
        try {
            while (true) {
                X item = q.poll(100, TimeUnit.MILLISECONDS);
                if (item != null) return item;
                Throwable t = fatal.get();
                if (t != null) throw rethrow(t);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException(name + " interrupted");
        }
    }

    /** The error as what it is, when it is an IOException, RuntimeException or Error. */
    public static IOException rethrow(Throwable t) throws IOException {
        if (t instanceof IOException e) throw e;
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        throw new IOException(t);
    }

    @Override
    public void close() {
        plannerThread.interrupt();
        SpeculativeFraming f = framing;
        if (f != null) f.close();
        pool.shutdownNow();
    }

    // The planner thread's walk: where the range being gathered starts, its context, and whether
    // the first key was seen (the only KEY a plan that does not want every key is shown).
    private long cutStart = -1;
    private RdbReader.Context cutContext;
    private boolean keySeen;
    private boolean framingTried;
    private volatile SpeculativeFraming framing;

    /** What the framing threads did (null when the planner walked alone), once {@link #next()} returned null. */
    SpeculativeFraming.Stats framingStats() {
        SpeculativeFraming f = framing;
        return f == null ? null : f.stats();
    }

    private void planAll() {
        try (RdbReader r = plan.checksumOnWorkers() ? RdbReader.openChecksummedElsewhere(file) : RdbReader.open(file)) {
            size = r.size();
            r.next(); // the header
            plan.header(r);
            cutStart = r.offset();
            cutContext = r.context();
            while (true) {
                SpeculativeFraming f = framing;
                if (!framingTried && keySeen && framingThreads > 1 && plan.checksumOnWorkers() && !plan.everyKey()) {
                    framingTried = true;
                    f = framing = SpeculativeFraming.start(file, r, framingThreads - 1, segmentBytes, name, plannerWaits);
                }
                if (f != null && r.betweenRecords() && r.offset() >= f.boundary()) {
                    if (!f.stitch(r, this::step, this::adopt)) break;
                    continue;
                }
                if (!step(r)) break;
            }
            plan.end(r);
            submit(new Range(cutStart, r.eofOffset(), cutContext));
        } catch (InterruptedException e) {
            return;
        } catch (Throwable e) {
            failure = e;
            if (cutStart >= 0) {
                try {
                    submit(new Range(cutStart, Long.MAX_VALUE, cutContext));
                } catch (InterruptedException ie) {
                    return;
                }
            }
        } finally {
            SpeculativeFraming f = framing;
            if (f != null) f.close();
        }
        try {
            ordered.put(end);
        } catch (InterruptedException e) {
            // The caller has stopped.
        }
    }

    /** Reads one record with the planner's reader (values skipped by their framing); false at the end of the file. */
    private boolean step(RdbReader r) throws IOException, InterruptedException {
        RdbToken t = r.next();
        if (t == RdbToken.END) return false;
        if (t != RdbToken.KEY || !keySeen || plan.everyKey()) plan.token(r, t);
        if (t != RdbToken.KEY) return true;
        keySeen = true;
        cut(r.tokenOffset(), r);
        r.skipValue(RdbReader.Skip.FRAMING);
        return true;
    }

    /**
     * Takes a record another framing thread walked: a key only says where a range may be cut; any
     * other record is read again by the planner's reader, so the plan sees it and the reader's
     * database follows.
     */
    private void adopt(RdbReader r, long offset, boolean key) throws IOException, InterruptedException {
        if (key) {
            cut(offset, r);
            return;
        }
        if (r.offset() != offset) r.continueAt(offset);
        plan.token(r, r.next());
    }

    /** Cuts a range at the key starting at {@code keyStart} when the range gathered so far is long enough. */
    private void cut(long keyStart, RdbReader r) throws InterruptedException {
        if (keyStart - cutStart >= rangeBytes) {
            submit(new Range(cutStart, keyStart, cutContext));
            cutStart = keyStart;
            cutContext = r.context();
        }
    }

    /** A buffer per thread for {@link #checksum}. */
    private static final ThreadLocal<java.nio.ByteBuffer> CRC_BUFFER = ThreadLocal.withInitial(() -> java.nio.ByteBuffer.allocate(1 << 20));

    /**
     * The CRC64 of the file's bytes {@code [from, to)}, read at their positions through the file
     * opened once: for the parts of a file no range reader consumed (the header, the EOF opcode,
     * a range whose reader stopped early), to be joined in file order by {@link dev.salvor.rdb.Crc64#combine}.
     */
    public static long checksum(InputFile file, long from, long to) throws IOException {
        java.nio.ByteBuffer buf = CRC_BUFFER.get();
        long crc = 0;
        long pos = from;
        while (pos < to) {
            buf.clear().limit((int) Math.min(buf.capacity(), to - pos));
            int n = file.channel().read(buf, pos);
            if (n < 0) throw new java.io.EOFException(file.source() + ": ends at byte offset " + pos + " while checksumming up to " + to);
            crc = dev.salvor.rdb.Crc64.update(crc, buf.array(), 0, n);
            pos += n;
        }
        return crc;
    }

    private void submit(Range range) throws InterruptedException {
        T item = plan.item(range);
        if (item == null) return;
        ordered.put(item);
        pool.execute(() -> plan.work(item));
    }
}
