package dev.salvor.check;

import dev.salvor.format.InputFile;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.Crc64;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.walk.ParallelRanges;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/**
 * Every value of a plain file validated on several threads. The calling thread walks the file's
 * framing and cuts the file into ranges of whole records; workers decode each range completely,
 * with every rule the server applies, checksum its bytes, and note each key's fingerprint
 * ({@link KeyFingerprints}: keys written twice are found after the walk, partition by partition,
 * on the workers too). The ranges' CRC64s are joined in file order ({@link Crc64#combine}), so
 * the checksum is not one serial pass. A worker that meets a bad value reports it, steps over
 * that record by its framing and goes on, so every damaged value is reported, not just the first.
 */
final class ParallelCheck {
    /** Input bytes per range: large enough to amortise a reader, small enough to balance load. */
    static final long RANGE_BYTES = 1L << 20;
    /** Problems kept at most; more are counted. */
    static final int MAX_PROBLEMS = 10_000;

    /**
     * What the walk found. {@code complete}: the framing held up to the EOF record;
     * {@code duplicates}: keys written twice; {@code fingerprintsSpilled}: their search passed its
     * memory budget and used a temporary file.
     */
    record Result(String source, long size, int version, long keys, ChecksumStatus checksum, long storedChecksum,
                  long computedChecksum, boolean complete, boolean trailingData, long trailingAt,
                  List<Problem> problems, long problemsOmitted, List<Problem> duplicates, boolean fingerprintsSpilled) {
    }

    /** The records starting in [start, end), the {@code index}th range of the file, read with {@code context}. */
    record Range(int index, long start, long end, RdbReader.Context context) {
    }

    private record RangeResult(List<Problem> problems, long omitted, long crc) {
    }

    private ParallelCheck() {
    }

    static Result run(InputFile in, int workers, LongConsumer progress) throws IOException {
        return run(in, workers, RANGE_BYTES, progress);
    }

    /** As {@link #run(InputFile, int, LongConsumer)}, with ranges of about {@code rangeBytes}. */
    static Result run(InputFile in, int workers, long rangeBytes, LongConsumer progress) throws IOException {
        return run(in, -1, null, workers, rangeBytes, progress, KeyFingerprints.KEY_HASH, KeyFingerprints.defaultBudgetWords());
    }

    /**
     * The records from {@code from}, the first byte of a top-level record read with {@code context}
     * (where a salvage scan reads on after damage), to the end: checked as {@link #run} checks a
     * file, except the checksum, which covers the whole file and is not computed ({@link
     * ChecksumStatus#NOT_REACHED}).
     */
    static Result runFrom(InputFile in, long from, RdbReader.Context context, int workers, LongConsumer progress) throws IOException {
        return run(in, from, context, workers, RANGE_BYTES, progress, KeyFingerprints.KEY_HASH, KeyFingerprints.defaultBudgetWords());
    }

    /** As {@link #run(InputFile, int, long, LongConsumer)}, keys hashed by {@code hash}, {@code budgetWords} fingerprints kept in memory. */
    static Result run(InputFile in, int workers, long rangeBytes, LongConsumer progress, KeyFingerprints.KeyHash hash, long budgetWords)
            throws IOException {
        return run(in, -1, null, workers, rangeBytes, progress, hash, budgetWords);
    }

    private static Result run(InputFile in, long from, RdbReader.Context resumeAt, int workers, long rangeBytes, LongConsumer progress,
                              KeyFingerprints.KeyHash hash, long budgetWords)
            throws IOException {
        AtomicInteger threadNo = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "salvor-check-" + threadNo.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        // Ranges in flight: enough to keep every worker busy, few enough to bound memory.
        Semaphore inFlight = new Semaphore(4 * workers);
        List<Future<RangeResult>> futures = new ArrayList<>();
        List<Range> ranges = new ArrayList<>();
        long keys = 0;
        RdbFormatException plannerError = null;
        boolean trailing = false;
        long trailingAt = -1;
        // The file is opened once; the planner and every worker read through it (at absolute positions).
        boolean eof = false;
        long headerCrc = 0;
        long firstStart = -1;
        try (RdbReader r = resumeAt == null ? RdbReader.openChecksummedElsewhere(in) : RdbReader.resume(in, from, resumeAt);
             KeyFingerprints fingerprints = new KeyFingerprints(r.size() / Math.max(1, rangeBytes) + 2, budgetWords, hash)) {
            long size = r.size();
            int done = 0;
            long nextReport = 0;
            long start = -1;
            RdbReader.Context context = null;
            try {
                if (resumeAt == null) r.next(); // the header
                start = r.offset();
                firstStart = start;
                if (resumeAt == null) headerCrc = ParallelRanges.checksum(in, 0, start);
                context = r.context();
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t == RdbToken.EOF) {
                        eof = true;
                        if (r.hasTrailingData()) {
                            trailing = true;
                            trailingAt = r.offset();
                        }
                        continue;
                    }
                    if (t != RdbToken.KEY) continue;
                    keys++;
                    long keyStart = r.tokenOffset();
                    if (keyStart - start >= rangeBytes) {
                        submit(pool, inFlight, futures, ranges, in, fingerprints, start, keyStart, context);
                        start = keyStart;
                        context = r.context();
                    }
                    r.skipValue(RdbReader.Skip.FRAMING);
                    if (progress != null && r.offset() >= nextReport) {
                        done = reportDone(futures, ranges, done, progress);
                        nextReport = r.offset() + (4 << 20);
                    }
                }
                submit(pool, inFlight, futures, ranges, in, fingerprints, start, r.eofOffset(), context);
            } catch (RdbFormatException e) {
                plannerError = e;
                // The records up to the failing one go to one worker, whose full decode reports this
                // error or an earlier one. Nothing after it: there the framing is broken, and what
                // follows is read by the salvage scan, which skips a damaged region in one step
                // (stepping over record after record of a zero run would read it 3 bytes at a time).
                if (start >= 0) submit(pool, inFlight, futures, ranges, in, fingerprints, start, r.recordOffset() + 1, context);
            }
            List<Problem> problems = new ArrayList<>();
            long omitted = 0;
            long crc = headerCrc;
            long crcEnd = firstStart;
            for (int i = 0; i < futures.size(); i++) {
                RangeResult rr = await(futures.get(i));
                crc = Crc64.combine(crc, rr.crc(), ranges.get(i).end() - crcEnd);
                crcEnd = ranges.get(i).end();
                for (Problem p : rr.problems()) {
                    if (problems.size() < MAX_PROBLEMS) problems.add(p);
                    else omitted++;
                }
                omitted += rr.omitted();
            }
            if (plannerError != null) {
                long at = plannerError.offset();
                if (problems.stream().noneMatch(p -> p.offset() == at)) problems.add(Problem.of(plannerError));
            }
            if (progress != null) progress.accept(plannerError == null ? size : r.offset());
            ChecksumStatus checksum = ChecksumStatus.NOT_REACHED;
            if (eof && plannerError == null && resumeAt == null) {
                // The checksum covers every byte before it: the ranges end at the EOF opcode, which is in too.
                crc = Crc64.combine(crc, ParallelRanges.checksum(in, crcEnd, r.eofOffset() + 1), r.eofOffset() + 1 - crcEnd);
                checksum = ChecksumStatus.of(r.version(), r.storedChecksum(), crc);
            }
            List<Problem> duplicates = fingerprints.duplicates(in, ranges, pool);
            return new Result(r.source(), size, r.version(), keys, checksum, r.storedChecksum(), crc,
                    plannerError == null, trailing, trailingAt, problems, omitted, duplicates, fingerprints.spilled());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void submit(ExecutorService pool, Semaphore inFlight, List<Future<RangeResult>> futures, List<Range> ranges,
                               InputFile file, KeyFingerprints fingerprints, long start, long end, RdbReader.Context context) throws IOException {
        Range range = new Range(ranges.size(), start, end, context);
        if (range.index() >= fingerprints.maxRanges()) throw new IllegalStateException("more ranges than the key fingerprints can name");
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("check interrupted");
        }
        futures.add(pool.submit(() -> {
            try {
                return checkRange(file, range, fingerprints);
            } finally {
                inFlight.release();
            }
        }));
        ranges.add(range);
    }

    /** Reports the end of the last range finished in file order. */
    private static int reportDone(List<Future<RangeResult>> futures, List<Range> ranges, int done, LongConsumer progress) {
        while (done < futures.size() && futures.get(done).isDone()) done++;
        if (done > 0) progress.accept(ranges.get(done - 1).end());
        return done;
    }

    private static RangeResult await(Future<RangeResult> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("check interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) throw io;
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error err) throw err;
            throw new IOException(c);
        }
    }

    /**
     * Decodes every record starting in the range. After a bad value the record is stepped over by
     * its framing (which the planner found sound) and decoding resumes after it.
     */
    private static RangeResult checkRange(InputFile file, Range range, KeyFingerprints fingerprints) throws IOException {
        List<Problem> problems = new ArrayList<>();
        Words words = new Words(fingerprints, range.index());
        long omitted = 0;
        long pos = range.start();
        RdbReader.Context ctx = range.context();
        // The range's CRC64 as its one reader consumes it; read again only when that reader did not
        // end exactly at the range's end (a bad value, the last range with the trailer).
        long crc = 0;
        boolean crcKnown = false;
        boolean first = true;
        while (pos < range.end()) {
            RdbReader r = RdbReader.resume(file, pos, ctx);
            try {
                if (first) r.checksumFromHere();
                pos = decode(r, range.end(), problems, words);
                if (first && pos == range.end()) {
                    crc = r.checksumSoFar();
                    crcKnown = true;
                }
                first = false;
                if (pos < 0) break;
            } catch (RdbFormatException e) {
                first = false;
                if (problems.size() < MAX_PROBLEMS) problems.add(Problem.of(e));
                else omitted++;
                long failed = r.recordOffset();
                RdbReader.Context failedCtx = r.context();
                if (r.compressedBlob() != null) {
                    // Damage in a Dragonfly compressed blob: the blob is one unit, read on after it.
                    pos = r.compressedBlob().end();
                    ctx = failedCtx;
                    continue;
                }
                try (RdbReader s = RdbReader.resume(file, failed, failedCtx)) {
                    RdbToken t = s.next();
                    if (s.inValue()) s.skipValue(RdbReader.Skip.FRAMING);
                    if (t == RdbToken.END || t == RdbToken.EOF) break;
                    pos = s.offset();
                    ctx = s.context();
                } catch (RdbFormatException framing) {
                    // The framing itself is broken here: the planner stops at it too.
                    break;
                }
            } finally {
                r.close();
            }
        }
        if (!crcKnown) crc = ParallelRanges.checksum(file, range.start(), range.end());
        fingerprints.add(words.words, words.n);
        return new RangeResult(problems, omitted, crc);
    }

    /** Reads records until {@code end}; the offset reached, or -1 at the end of the file. */
    private static long decode(RdbReader r, long end, List<Problem> problems, Words words) throws IOException {
        while (true) {
            if (r.offset() >= end && !r.inValue()) return r.offset();
            RdbToken t = r.next();
            if (t == RdbToken.END || t == RdbToken.EOF) return -1;
            if (t != RdbToken.KEY) continue;
            words.add(r.db(), r.key());
            r.skipValue(RdbReader.Skip.DECODE);
            Problem empty = RdbChecker.emptyValue(r);
            if (empty != null && problems.size() < MAX_PROBLEMS) problems.add(empty);
        }
    }

    /** A range's key fingerprints, gathered on its worker and added at once. */
    private static final class Words {
        final KeyFingerprints fingerprints;
        final int range;
        long[] words = new long[1024];
        int n;

        Words(KeyFingerprints fingerprints, int range) {
            this.fingerprints = fingerprints;
            this.range = range;
        }

        void add(int db, byte[] key) {
            if (n == words.length) words = java.util.Arrays.copyOf(words, n * 2);
            words[n++] = fingerprints.word(db, key, range);
        }
    }
}
