package dev.salvor.export;

import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * NDJSON export of an RDB file on several threads, with exactly the output of the one-thread
 * {@link NdjsonExporter}: same records, same order, same error at the same point.
 *
 * <p>A planner walks the file in skim mode (framing and CRC64 only, several times faster than a
 * full decode) and cuts it into ranges of whole top-level records. Workers decode and write each
 * range into a queue of chunks; the calling thread copies the ranges to the output in file order.
 * Memory stays bounded: the planner runs at most a few ranges ahead, and a worker whose range is
 * not yet at the head of the output waits once its chunk queue is full, so a huge key streams
 * through in chunks instead of being held.
 */
public final class ParallelExport {
    /** Input bytes per range: large enough to amortise a reader, small enough to balance load. */
    static final long RANGE_BYTES = 1L << 20;
    private static final int CHUNK_BYTES = 256 << 10;
    private static final int CHUNKS_PER_RANGE = 16;
    /**
     * Ranges in flight per worker: while one worker is busy with a large key, the others go this
     * far ahead. Output held meanwhile is at most ranges x chunks x chunk size (typically one or
     * two chunks per range).
     */
    private static final int RANGES_AHEAD = 8;

    /** What an export found, besides the records: counts and the file's checksum verdict. */
    public record Result(ExportSummary summary, ChecksumStatus checksum, long storedChecksum, long computedChecksum) {
    }

    private final Path file;
    private final KeySelector selector;
    private final int workers;
    private final long rangeBytes;
    /**
     * Chunk buffers the writer has copied out, for workers to fill again: a run allocates about as
     * many as are in flight at once, not one per 256 KB of output.
     */
    private final BlockingQueue<byte[]> spare;

    public ParallelExport(Path file, KeySelector selector, int workers) {
        this(file, selector, workers, RANGE_BYTES);
    }

    ParallelExport(Path file, KeySelector selector, int workers, long rangeBytes) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
        this.file = file;
        this.selector = selector;
        this.workers = workers;
        this.rangeBytes = rangeBytes;
        this.spare = new ArrayBlockingQueue<>(2 * RANGES_AHEAD * workers);
    }

    /**
     * Writes every selected key and function of the file to {@code out} as NDJSON. Throws the
     * first error in file order, after writing every record before it, as the one-thread export does.
     */
    public Result run(OutputStream out, LongConsumer progress) throws IOException {
        BlockingQueue<Range> ordered = new ArrayBlockingQueue<>(RANGES_AHEAD * workers);
        AtomicInteger threadNo = new AtomicInteger();
        // Whatever escapes a thread (an Error the thread's own handling could not pass on) ends the run.
        AtomicReference<Throwable> fatal = new AtomicReference<>();
        Thread.UncaughtExceptionHandler onFatal = (t, e) -> fatal.compareAndSet(null, e);
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "salvor-export-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            t.setUncaughtExceptionHandler(onFatal);
            return t;
        });
        Planner planner = new Planner(ordered, pool);
        Thread plannerThread = new Thread(planner, "salvor-export-planner");
        plannerThread.setDaemon(true);
        plannerThread.setUncaughtExceptionHandler(onFatal);
        plannerThread.start();
        try {
            long keys = 0, skipped = 0, functions = 0, elements = 0;
            while (true) {
                Range range = take(ordered, fatal);
                if (range == Range.END) break;
                Object item;
                while (!((item = take(range.chunks, fatal)) instanceof Done)) {
                    Chunk c = (Chunk) item;
                    out.write(c.bytes, 0, c.length);
                    spare.offer(c.bytes);
                }
                Done done = (Done) item;
                if (done.summary != null) {
                    keys += done.summary.keysWritten();
                    skipped += done.summary.keysSkipped();
                    functions += done.summary.functions();
                    elements += done.summary.elements();
                }
                if (done.failure != null) rethrow(done.failure);
                progress.accept(Math.min(range.end, planner.size));
            }
            if (planner.failure != null) rethrow(planner.failure);
            return new Result(new ExportSummary(keys, skipped, functions, elements),
                    planner.checksum, planner.stored, planner.computed);
        } finally {
            plannerThread.interrupt();
            pool.shutdownNow();
        }
    }

    /** The next item; a thread that died without handing over its result ends the wait with its error. */
    private static <T> T take(BlockingQueue<T> q, AtomicReference<Throwable> fatal) throws IOException {
        try {
            while (true) {
                T item = q.poll(100, TimeUnit.MILLISECONDS);
                if (item != null) return item;
                Throwable t = fatal.get();
                if (t != null) rethrow(t);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("export interrupted");
        }
    }

    private static void rethrow(Throwable t) throws IOException {
        if (t instanceof IOException e) throw e;
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        throw new IOException(t);
    }

    /** Records starting in [start, end) of the file, read with the planner's context at start. */
    private static final class Range {
        static final Range END = new Range(-1, -1, null);
        final long start;
        final long end;
        final RdbReader.Context context;
        final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(CHUNKS_PER_RANGE);

        Range(long start, long end, RdbReader.Context context) {
            this.start = start;
            this.end = end;
            this.context = context;
        }
    }

    private record Chunk(byte[] bytes, int length) {
    }

    /** The last item of a range: its counts, and the error that stopped it, if any. */
    private record Done(ExportSummary summary, Throwable failure) {
    }

    private final class Planner implements Runnable {
        private final BlockingQueue<Range> ordered;
        private final ExecutorService pool;
        volatile Throwable failure;
        volatile long size = Long.MAX_VALUE;
        volatile ChecksumStatus checksum = ChecksumStatus.NOT_REACHED;
        volatile long stored;
        volatile long computed;

        Planner(BlockingQueue<Range> ordered, ExecutorService pool) {
            this.ordered = ordered;
            this.pool = pool;
        }

        @Override
        public void run() {
            long start = -1;
            RdbReader.Context context = null;
            try (RdbReader r = RdbReader.open(file)) {
                size = r.size();
                r.next(); // the header
                start = r.offset();
                context = r.context();
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t != RdbToken.KEY) continue;
                    long keyStart = r.tokenOffset();
                    if (keyStart - start >= rangeBytes) {
                        submit(new Range(start, keyStart, context));
                        start = keyStart;
                        context = r.context();
                    }
                    r.skipValue(RdbReader.Skip.FRAMING);
                }
                submit(new Range(start, r.eofOffset(), context));
                checksum = r.checksumStatus();
                stored = r.storedChecksum();
                computed = r.computedChecksum();
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                failure = e;
                // The rest of the file goes to one worker, whose full decode meets this error or an
                // earlier one, after writing every record before it.
                if (start >= 0) {
                    try {
                        submit(new Range(start, Long.MAX_VALUE, context));
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
            try {
                ordered.put(Range.END);
            } catch (InterruptedException e) {
                // The writer has stopped.
            }
        }

        private void submit(Range range) throws InterruptedException {
            ordered.put(range);
            pool.execute(() -> exportRange(range));
        }
    }

    private void exportRange(Range range) {
        ExportSummary summary = null;
        Throwable failure = null;
        try (ChunkStream out = new ChunkStream(range.chunks, spare);
             NdjsonExporter exporter = new NdjsonExporter(out, ExportFormat.NDJSON, selector, NdjsonExporter.NO_SORT)) {
            try (RdbReader r = RdbReader.resume(file, range.start, range.context)) {
                exporter.export(r, range.end);
            } catch (Interrupted e) {
                throw e;
            } catch (Throwable e) {
                // Errors too (OutOfMemoryError): the writer waits for this range's end and must get it.
                failure = e;
            } finally {
                summary = exporter.summary();
            }
        } catch (Interrupted e) {
            return;
        } catch (Throwable e) {
            if (failure == null) failure = e;
        }
        try {
            range.chunks.put(new Done(summary, failure));
        } catch (InterruptedException e) {
            // The writer has stopped.
        }
    }

    /** Cuts a worker's output into chunks for the writer; blocks while the range's queue is full. */
    private static final class ChunkStream extends OutputStream {
        private final BlockingQueue<Object> chunks;
        private final BlockingQueue<byte[]> spare;
        private byte[] buf;
        private int len;

        ChunkStream(BlockingQueue<Object> chunks, BlockingQueue<byte[]> spare) {
            this.chunks = chunks;
            this.spare = spare;
            this.buf = buffer();
        }

        private byte[] buffer() {
            byte[] b = spare.poll();
            return b != null ? b : new byte[CHUNK_BYTES];
        }

        @Override
        public void write(int b) {
            if (len == buf.length) pass();
            buf[len++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int n) {
            while (n > 0) {
                if (len == buf.length) pass();
                int k = Math.min(n, buf.length - len);
                System.arraycopy(b, off, buf, len, k);
                len += k;
                off += k;
                n -= k;
            }
        }

        private void pass() {
            hand(buf, len);
            buf = buffer();
            len = 0;
        }

        private void hand(byte[] b, int n) {
            try {
                chunks.put(new Chunk(b, n));
            } catch (InterruptedException e) {
                // Keep the flag, so every later hand-over by this worker fails at once too.
                Thread.currentThread().interrupt();
                throw new Interrupted();
            }
        }

        @Override
        public void close() {
            byte[] b = buf;
            buf = null;
            if (b == null) return;
            if (len > 0) hand(b, len);
            else spare.offer(b);
        }
    }

    /** The writer stopped while a worker waited to hand over a chunk. */
    private static final class Interrupted extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super(new InterruptedIOException("export cancelled"));
        }
    }
}
