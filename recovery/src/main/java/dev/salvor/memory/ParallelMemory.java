package dev.salvor.memory;

import dev.salvor.format.InputFile;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.Crc64;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RedisType;
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
    private final int framingThreads;
    private final long segmentBytes;

    ParallelMemory(Path file, int workers, MemoryAnalyzer.FileFacts facts, long rangeBytes) {
        this(file, workers, facts, rangeBytes, ParallelRanges.framingThreads(workers), ParallelRanges.SEGMENT_BYTES);
    }

    /** With the framing walk on {@code framingThreads} threads, in segments of {@code segmentBytes}. */
    ParallelMemory(Path file, int workers, MemoryAnalyzer.FileFacts facts, long rangeBytes, int framingThreads, long segmentBytes) {
        if (workers < 1) throw new IllegalArgumentException("workers must be at least 1");
        this.file = file;
        this.workers = workers;
        this.facts = facts;
        this.rangeBytes = rangeBytes;
        this.framingThreads = framingThreads;
        this.segmentBytes = segmentBytes;
    }

    /**
     * A range of records and the keys a worker estimated in it; the worker's module values and the
     * CRC64 of the range's bytes ({@code crcKnown}: its reader consumed exactly the range) are set
     * before {@code keys} completes.
     */
    private static final class Range {
        final ParallelRanges.Range records;
        final MemoryModel model;
        final CompletableFuture<List<KeyMemory>> keys = new CompletableFuture<>();
        long modules;
        long crc;
        boolean crcKnown;

        Range(ParallelRanges.Range records, MemoryModel model) {
            this.records = records;
            this.model = model;
        }
    }

    Result run(MemoryAnalyzer.KeySink sink, LongConsumer progress, long fileTimeMs) throws IOException {
        Plan plan = new Plan();
        MemoryAggregator agg = null;
        // Opened once: every range is read through this one open file, never by its name again.
        try (InputFile opened = InputFile.open(file); ParallelRanges<Range> ranges = new ParallelRanges<>(input = opened, workers, rangeBytes, framingThreads, segmentBytes, "memory", plan)) {
            // The file's CRC64, joined range by range in file order from what the workers computed.
            long crc = 0;
            long crcEnd = -1;
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
                        facts.modules += range.modules;
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
                facts.modules += range.modules;
                long start = range.records.start(), end = range.records.end();
                if (crcEnd < 0) {
                    crc = ParallelRanges.checksum(input, 0, start);
                    crcEnd = start;
                }
                if (end != Long.MAX_VALUE) {
                    crc = Crc64.combine(crc, range.crcKnown ? range.crc : ParallelRanges.checksum(input, start, end), end - start);
                    crcEnd = end;
                }
                if (progress != null) progress.accept(Math.min(range.records.end(), ranges.size()));
            }
            if (agg == null) agg = facts.aggregator(fileTimeMs);
            ChecksumStatus checksum = ChecksumStatus.NOT_REACHED;
            if (plan.eof) {
                // The checksum covers every byte before it: the last range ends at the EOF opcode, which is in too.
                long at = plan.eofOffset;
                if (crcEnd < 0 || crcEnd > at) crc = ParallelRanges.checksum(input, 0, at + 1);
                else crc = Crc64.combine(crc, ParallelRanges.checksum(input, crcEnd, at + 1), at + 1 - crcEnd);
                checksum = ChecksumStatus.of(plan.version, plan.stored, crc);
            }
            return new Result(plan.version, plan.flavor, plan.model, agg, checksum);
        }
    }

    /**
     * The file's facts as the planner reads them; each range estimated with the model known when it
     * was cut. The keys are the workers' (module values counted there), and so is the CRC64: the
     * planner only frames the file, on several threads when there are many workers.
     */
    private final class Plan implements ParallelRanges.Plan<Range> {
        volatile boolean eof;
        volatile long stored;
        volatile long eofOffset;
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
            // The first key (the only one the planner shows) settles the model; workers count module values.
            if (token != RdbToken.KEY) facts.see(planner, token);
            if (token == RdbToken.KEY && model == null) model = facts.model(planner);
            if (token == RdbToken.EOF) eof = true;
        }

        @Override
        public void end(RdbReader planner) throws IOException {
            if (model == null) model = facts.model(planner);
            version = planner.version();
            stored = planner.storedChecksum();
            eofOffset = planner.eofOffset();
        }

        @Override
        public boolean checksumOnWorkers() {
            return true;
        }

        @Override
        public boolean everyKey() {
            return false;
        }

        @Override
        public Range item(ParallelRanges.Range records) {
            // Without a model no key was read: the planner failed before the first one.
            return model == null ? null : new Range(records, model);
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
        long end = range.records.end();
        try (RdbReader r = range.records.open(input)) {
            r.checksumFromHere();
            while (!(r.betweenRecords() && r.offset() >= end)) {
                RdbToken t = r.next();
                if (t == RdbToken.END || t == RdbToken.EOF) break;
                if (t != RdbToken.KEY) continue;
                if (r.tokenOffset() >= end) break;
                if (r.type() == RedisType.MODULE) range.modules++;
                keys.add(estimator.read(r));
            }
            // A reader that stopped anywhere but the range's end leaves it to the caller to checksum.
            if (r.offset() == end) {
                range.crc = r.checksumSoFar();
                range.crcKnown = true;
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
