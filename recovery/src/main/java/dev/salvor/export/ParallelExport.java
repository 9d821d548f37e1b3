package dev.salvor.export;

import dev.salvor.format.InputFile;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.Crc64;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.walk.ParallelRanges;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongConsumer;

/**
 * NDJSON export of an RDB file on several threads, with exactly the output of the one-thread
 * {@link NdjsonExporter}: same records, same order, same error at the same point.
 *
 * <p>The file is cut into ranges of whole records by {@link ParallelRanges}. Workers decode and
 * write each range into a queue of chunks; the calling thread copies the ranges to the output in
 * file order. Memory stays bounded: the planner runs at most a few ranges ahead, and a worker whose
 * range is not yet at the head of the output waits once its chunk queue is full, so a huge key
 * streams through in chunks instead of being held (output held is at most ranges x chunks x chunk
 * size, typically one or two chunks per range).
 */
public final class ParallelExport {
    static final long RANGE_BYTES = ParallelRanges.RANGE_BYTES;
    private static final int CHUNK_BYTES = 256 << 10;
    private static final int CHUNKS_PER_RANGE = 16;

    /** What an export found, besides the records: counts and the file's checksum verdict. */
    public record Result(ExportSummary summary, ChecksumStatus checksum, long storedChecksum, long computedChecksum) {
    }

    /** The input opened once for a run; set before any worker starts. */
    private volatile InputFile input;
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
        this.spare = new ArrayBlockingQueue<>(2 * ParallelRanges.RANGES_AHEAD * workers);
    }

    /**
     * Writes every selected key and function of the file to {@code out} as NDJSON. Throws the
     * first error in file order, after writing every record before it, as the one-thread export does.
     */
    public Result run(OutputStream out, LongConsumer progress) throws IOException {
        Plan plan = new Plan();
        // Opened once: every range is read through this one open file, never by its name again.
        try (InputFile opened = InputFile.open(file); ParallelRanges<Range> ranges = new ParallelRanges<>(input = opened, workers, rangeBytes, "export", plan)) {
            long keys = 0, skipped = 0, functions = 0, elements = 0;
            // The file's CRC64, joined range by range in file order from what the workers computed.
            long crc = 0;
            long crcEnd = -1;
            Range range;
            while ((range = ranges.next()) != null) {
                Object item;
                while (!((item = ranges.take(range.chunks)) instanceof Done)) {
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
                if (done.failure != null) throw ParallelRanges.rethrow(done.failure);
                long start = range.records.start(), end = range.records.end();
                if (crcEnd < 0) {
                    crc = ParallelRanges.checksum(input, 0, start);
                    crcEnd = start;
                }
                if (end != Long.MAX_VALUE) {
                    long part = done.crcKnown ? done.crc : ParallelRanges.checksum(input, start, end);
                    crc = Crc64.combine(crc, part, end - start);
                    crcEnd = end;
                }
                progress.accept(Math.min(range.records.end(), ranges.size()));
            }
            if (!plan.eof) return new Result(new ExportSummary(keys, skipped, functions, elements), ChecksumStatus.NOT_REACHED, 0, 0);
            // The checksum covers every byte before it: the last range ends at the EOF opcode, which is in too.
            long at = plan.eofOffset;
            if (crcEnd < 0 || crcEnd > at) {
                crc = ParallelRanges.checksum(input, 0, at + 1);
            } else {
                crc = Crc64.combine(crc, ParallelRanges.checksum(input, crcEnd, at + 1), at + 1 - crcEnd);
            }
            return new Result(new ExportSummary(keys, skipped, functions, elements), ChecksumStatus.of(plan.version, plan.stored, crc), plan.stored, crc);
        }
    }

    /** A range of records and the chunks its worker writes for the caller. */
    private static final class Range {
        final ParallelRanges.Range records;
        final BlockingQueue<Object> chunks = new ArrayBlockingQueue<>(CHUNKS_PER_RANGE);

        Range(ParallelRanges.Range records) {
            this.records = records;
        }
    }

    private record Chunk(byte[] bytes, int length) {
    }

    /**
     * The last item of a range: its counts, the error that stopped it, if any, and the CRC64 of
     * its bytes when its reader consumed exactly the range ({@code crcKnown}).
     */
    private record Done(ExportSummary summary, Throwable failure, long crc, boolean crcKnown) {
    }

    /**
     * A range per item; the trailer as the planner read it. The planner folds no CRC64 (it would be
     * the one serial pass over every byte): each worker checksums the range it reads anyway.
     */
    private final class Plan implements ParallelRanges.Plan<Range> {
        volatile boolean eof;
        volatile int version;
        volatile long stored;
        volatile long eofOffset;

        @Override
        public boolean checksumOnWorkers() {
            return true;
        }

        @Override
        public boolean everyKey() {
            return false;
        }

        @Override
        public void token(RdbReader planner, RdbToken token) {
            if (token == RdbToken.EOF) eof = true;
        }

        @Override
        public void end(RdbReader planner) {
            version = planner.version();
            stored = planner.storedChecksum();
            eofOffset = planner.eofOffset();
        }

        @Override
        public Range item(ParallelRanges.Range records) {
            return new Range(records);
        }

        @Override
        public void work(Range range) {
            exportRange(range);
        }
    }

    private void exportRange(Range range) {
        ExportSummary summary = null;
        Throwable failure = null;
        long crc = 0;
        boolean crcKnown = false;
        try (ChunkStream out = new ChunkStream(range.chunks, spare);
             NdjsonExporter exporter = new NdjsonExporter(out, ExportFormat.NDJSON, selector, NdjsonExporter.NO_SORT)) {
            try (RdbReader r = range.records.open(input)) {
                r.checksumFromHere();
                exporter.export(r, range.records.end());
                // A reader that stopped anywhere but the range's end leaves it to the writer to checksum.
                if (r.offset() == range.records.end()) {
                    crc = r.checksumSoFar();
                    crcKnown = true;
                }
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
            range.chunks.put(new Done(summary, failure, crc, crcKnown));
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
