package dev.salvor.bench;

import dev.salvor.memory.MemoryAnalyzer;
import dev.salvor.memory.MemoryOptions;
import dev.salvor.memory.MemoryReport;
import dev.salvor.rdb.RdbReader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of {@code salvor memory} over an RDB file named by the {@code rdb} parameter (make one
 * with ../shared/tools/make-big-rdb.sh or benchmarks/run-benchmarks.sh): every key decoded and
 * estimated, summed into the report (groups, largest keys, prefix tree). MB/s = file size / time
 * per operation; compare with RdbThroughputBenchmark's export figures on the same file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
public class MemoryBenchmark {
    @Param("")
    public String rdb;

    private Path file;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (rdb.isEmpty()) throw new IllegalStateException("pass -p rdb=/path/to/file.rdb");
        file = Path.of(rdb);
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
