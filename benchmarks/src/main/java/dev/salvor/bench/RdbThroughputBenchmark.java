package dev.salvor.bench;

import dev.salvor.check.CheckReport;
import dev.salvor.check.RdbChecker;
import dev.salvor.export.ExportSummary;
import dev.salvor.export.KeySelector;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.export.ParallelExport;
import dev.salvor.rdb.RdbReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Single-thread throughput of {@code check} and {@code export} over an RDB file named by the
 * {@code rdb} parameter (benchmarks/run-benchmarks.sh makes a large one with a real redis-server).
 * Each operation reads the whole file once; MB/s = file size / time per operation.
 */
public class RdbThroughputBenchmark extends FileBenchmark {
    @Param("")
    public String rdb;

    private Path file;
    private long size;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = input(rdb, "rdb");
        size = Files.size(file);
    }

    @TearDown(Level.Trial)
    public void report() {
        System.out.printf("%nfile: %s (%d bytes)%n", file, size);
    }

    /** Framing walk plus CRC64 over every byte ({@code salvor check --quick}). */
    @Benchmark
    public CheckReport check() throws IOException {
        return RdbChecker.checkFile(file, RdbChecker.Mode.QUICK, 1, null);
    }

    /** {@code salvor check}: every value validated on every processor while one thread walks framing and CRC64. */
    @Benchmark
    public CheckReport checkFull() throws IOException {
        return RdbChecker.checkFile(file, RdbChecker.Mode.FULL, RdbChecker.defaultThreads(), null);
    }

    /** Full decode of every value on one thread (the one-pass check of a stream). */
    @Benchmark
    public CheckReport checkDeep() throws IOException {
        try (RdbReader r = RdbReader.open(file)) {
            return RdbChecker.check(r, null);
        }
    }

    /** NDJSON export on every processor (what {@code salvor export} does with a plain file), to a discarding sink. */
    @Benchmark
    public ParallelExport.Result exportNdjsonParallel() throws IOException {
        return new ParallelExport(file, KeySelector.ALL, Runtime.getRuntime().availableProcessors())
                .run(OutputStream.nullOutputStream(), done -> { });
    }

    /** NDJSON export on one thread, to a discarding sink. */
    @Benchmark
    public ExportSummary exportNdjson() throws IOException {
        try (RdbReader r = RdbReader.open(file);
             NdjsonExporter e = new NdjsonExporter(OutputStream.nullOutputStream())) {
            return e.export(r);
        }
    }
}
