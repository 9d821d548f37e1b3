package dev.salvor.memory;

import dev.salvor.format.InputFile;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.walk.ParallelRanges;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongConsumer;

/**
 * {@code salvor memory} of a plain file on several threads, with the one-thread result: the file is
 * cut into ranges of whole records by {@link ParallelRanges}; workers estimate every key of a
 * range; the calling thread takes the ranges in file order and sums their keys, so the report and
 * the per-key records come out as one thread makes them.
 */
final class ParallelMemory {
    static final long RANGE_BYTES = ParallelRanges.RANGE_BYTES;

    record Result(int version, RdbFlavor flavor, MemoryModel model, MemoryAggregator aggregator, ChecksumStatus checksum) {
    }

    /** The input opened once for a run; set before any worker starts. */
    private volatile InputFile input;
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

    /** A range of records and the keys a worker estimated in it. */
    private record Range(ParallelRanges.Range records, MemoryModel model, CompletableFuture<List<KeyMemory>> keys) {
    }

    Result run(MemoryAnalyzer.KeySink sink, LongConsumer progress, long fileTimeMs) throws IOException {
        Plan plan = new Plan();
        MemoryAggregator agg = null;
        // Opened once: every range is read through this one open file, never by its name again.
        try (InputFile opened = InputFile.open(file); ParallelRanges<Range> ranges = new ParallelRanges<>(input = opened, workers, rangeBytes, "memory", plan)) {
            Range range;
            while ((range = ranges.next()) != null) {
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
                        throw ParallelRanges.rethrow(p.getCause());
                    }
                    throw ParallelRanges.rethrow(e.getCause());
                }
                for (KeyMemory k : keys) {
                    agg.add(k);
                    sink.key(k);
                }
                if (progress != null) progress.accept(Math.min(range.records.end(), ranges.size()));
            }
            if (agg == null) agg = facts.aggregator(fileTimeMs);
            return new Result(plan.version, plan.flavor, plan.model, agg, plan.checksum);
        }
    }

    /** The file's facts as the planner reads them; each range estimated with the model known when it was cut. */
    private final class Plan implements ParallelRanges.Plan<Range> {
        volatile ChecksumStatus checksum = ChecksumStatus.NOT_REACHED;
        volatile int version;
        volatile RdbFlavor flavor;
        volatile MemoryModel model;

        @Override
        public void header(RdbReader planner) {
            version = planner.version();
            flavor = planner.flavor();
        }

        @Override
        public void token(RdbReader planner, RdbToken token) throws IOException {
            facts.see(planner, token);
            if (token == RdbToken.KEY && model == null) model = facts.model(planner);
        }

        @Override
        public void end(RdbReader planner) throws IOException {
            if (model == null) model = facts.model(planner);
            checksum = planner.checksumStatus();
        }

        @Override
        public Range item(ParallelRanges.Range records) {
            // Without a model no key was read: the planner failed before the first one.
            return model == null ? null : new Range(records, model, new CompletableFuture<>());
        }

        @Override
        public void work(Range range) {
            estimate(range);
        }
    }

    /** Estimates every key that starts in the range; an error completes the range exceptionally after its keys. */
    private void estimate(Range range) {
        List<KeyMemory> keys = new ArrayList<>();
        KeyEstimator estimator = new KeyEstimator(range.model);
        try (RdbReader r = range.records.open(input)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END && t != RdbToken.EOF) {
                if (t != RdbToken.KEY) continue;
                if (r.tokenOffset() >= range.records.end()) break;
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
