package dev.salvor.memory;

import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * {@code salvor memory} of a plain file on several threads, with the one-thread result: a planner
 * walks the file in skim mode (framing and CRC64 only) and cuts it into ranges of whole records;
 * workers estimate every key of a range; the calling thread takes the ranges in file order and
 * sums their keys, so the report and the per-key records come out as one thread makes them. At
 * most a few ranges per worker are in flight, so memory stays bounded.
 */
final class ParallelMemory {
    static final long RANGE_BYTES = 1L << 20;
    private static final int RANGES_AHEAD = 8;

    record Result(int version, RdbFlavor flavor, MemoryModel model, MemoryAggregator aggregator, ChecksumStatus checksum) {
    }

    private final Path file;
    private final int workers;
    private final MemoryAnalyzer.FileFacts facts;
    private final long rangeBytes;

    ParallelMemory(Path file, int workers, MemoryAnalyzer.FileFacts facts, long rangeBytes) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
        this.file = file;
        this.workers = workers;
        this.facts = facts;
        this.rangeBytes = rangeBytes;
    }

    /** Records starting in [start, end), read with the planner's context at start; keys estimated by a worker. */
    private record Range(long start, long end, RdbReader.Context context, CompletableFuture<List<KeyMemory>> keys) {
    }

    private static final Range END = new Range(-1, -1, null, null);

    Result run(MemoryAnalyzer.KeySink sink, LongConsumer progress, long fileTimeMs) throws IOException {
        BlockingQueue<Range> ordered = new ArrayBlockingQueue<>(RANGES_AHEAD * workers);
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "salvor-memory-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Planner planner = new Planner(ordered, pool);
        Thread plannerThread = new Thread(planner, "salvor-memory-planner");
        plannerThread.setDaemon(true);
        plannerThread.start();
        MemoryAggregator agg = null;
        try {
            while (true) {
                Range range = take(ordered);
                if (range == END) break;
                if (agg == null) agg = facts.aggregator(fileTimeMs);
                List<KeyMemory> keys;
                try {
                    keys = range.keys.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("memory analysis interrupted");
                } catch (ExecutionException e) {
                    // the keys before the error count, as a one-thread read would have counted them
                    if (e.getCause() instanceof PartialRange p) {
                        for (KeyMemory k : p.keys) {
                            agg.add(k);
                            sink.key(k);
                        }
                        throw rethrow(p.getCause());
                    }
                    throw rethrow(e.getCause());
                }
                for (KeyMemory k : keys) {
                    agg.add(k);
                    sink.key(k);
                }
                if (progress != null) progress.accept(Math.min(range.end, planner.size));
            }
            if (planner.failure != null) throw rethrow(planner.failure);
            if (agg == null) agg = facts.aggregator(fileTimeMs);
            return new Result(planner.version, planner.flavor, planner.model, agg, planner.checksum);
        } finally {
            plannerThread.interrupt();
            pool.shutdownNow();
        }
    }

    private static <T> T take(BlockingQueue<T> q) throws InterruptedIOException {
        try {
            return q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("memory analysis interrupted");
        }
    }

    private static IOException rethrow(Throwable t) throws IOException {
        if (t instanceof IOException e) throw e;
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        throw new IOException(t);
    }

    private final class Planner implements Runnable {
        private final BlockingQueue<Range> ordered;
        private final ExecutorService pool;
        volatile Throwable failure;
        volatile long size = Long.MAX_VALUE;
        volatile ChecksumStatus checksum = ChecksumStatus.NOT_REACHED;
        volatile int version;
        volatile RdbFlavor flavor;
        volatile MemoryModel model;

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
                version = r.version();
                flavor = r.flavor();
                start = r.offset();
                context = r.context();
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    facts.see(r, t);
                    if (t != RdbToken.KEY) continue;
                    if (model == null) model = facts.model(r);
                    long keyStart = r.tokenOffset();
                    if (keyStart - start >= rangeBytes) {
                        submit(new Range(start, keyStart, context, new CompletableFuture<>()));
                        start = keyStart;
                        context = r.context();
                    }
                    r.skipValue(RdbReader.Skip.FRAMING);
                }
                if (model == null) model = facts.model(r);
                submit(new Range(start, r.eofOffset(), context, new CompletableFuture<>()));
                checksum = r.checksumStatus();
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                failure = e;
                // The rest of the file goes to one worker, whose full decode meets this error or an
                // earlier one, after estimating every key before it.
                if (start >= 0 && model != null) {
                    try {
                        submit(new Range(start, Long.MAX_VALUE, context, new CompletableFuture<>()));
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
            try {
                ordered.put(END);
            } catch (InterruptedException e) {
                // The consumer has stopped.
            }
        }

        private void submit(Range range) throws InterruptedException {
            ordered.put(range);
            MemoryModel m = model;
            pool.execute(() -> estimate(range, m));
        }
    }

    /** Estimates every key that starts in the range; an error completes the range exceptionally after its keys. */
    private void estimate(Range range, MemoryModel model) {
        List<KeyMemory> keys = new ArrayList<>();
        KeyEstimator estimator = new KeyEstimator(model);
        try (RdbReader r = RdbReader.resume(file, range.start, range.context)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END && t != RdbToken.EOF) {
                if (t != RdbToken.KEY) continue;
                if (r.tokenOffset() >= range.end) break;
                keys.add(estimator.read(r));
            }
            range.keys.complete(keys);
        } catch (Throwable e) {
            // keys before the error are kept: the consumer sums them, then meets the error
            range.keys.completeExceptionally(new PartialRange(keys, e));
        }
    }

    /** The keys a range estimated before it met an error. */
    static final class PartialRange extends IOException {
        private static final long serialVersionUID = 1L;
        final transient List<KeyMemory> keys;

        PartialRange(List<KeyMemory> keys, Throwable cause) {
            super(cause.getMessage(), cause);
            this.keys = keys;
        }
    }
}
