package dev.salvor.bench;

import dev.salvor.memory.MemoryAnalyzer;
import dev.salvor.memory.MemoryOptions;
import dev.salvor.memory.MemoryReport;
import dev.salvor.rdb.RdbReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Throughput of {@code salvor memory} over an RDB file named by the {@code rdb} parameter (make one
 * with ../shared/tools/make-big-rdb.sh or benchmarks/run-benchmarks.sh): every key decoded and
 * estimated, summed into the report (groups, largest keys, prefix tree). MB/s = file size / time
 * per operation; compare with RdbThroughputBenchmark's export figures on the same file.
 */
public class MemoryBenchmark extends FileBenchmark {
    @Param("")
    public String rdb;

    private Path file;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        file = input(rdb, "rdb");
    }

    /** One thread, as {@code salvor memory --threads 1}. */
    @Benchmark
    public MemoryReport memory() throws IOException {
        try (RdbReader r = RdbReader.open(file)) {
            return new MemoryAnalyzer(MemoryOptions.defaults()).analyze(r, Files.size(file), -1, MemoryAnalyzer.NO_SINK, null);
        }
    }

    /** On every processor, as {@code salvor memory} does with a plain file. */
    @Benchmark
    public MemoryReport memoryParallel() throws IOException {
        return new MemoryAnalyzer(MemoryOptions.defaults()).analyzeParallel(file, Runtime.getRuntime().availableProcessors(), MemoryAnalyzer.NO_SINK, null);
    }
}
