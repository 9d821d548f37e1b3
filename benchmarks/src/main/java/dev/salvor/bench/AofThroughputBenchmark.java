package dev.salvor.bench;

import dev.salvor.aof.AofLayout;
import dev.salvor.repair.AofRepairReport;
import dev.salvor.repair.AofRepairer;
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
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Single-thread AOF scan: every command parsed and checked against the command table (what
 * {@code salvor check AOF} does). MB/s = file size / time per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
public class AofThroughputBenchmark {
    @Param("")
    public String aof;

    private AofLayout layout;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        if (aof.isEmpty()) throw new IllegalStateException("pass -p aof=/path/to/file.aof");
        layout = AofLayout.of(Path.of(aof));
    }

    @Benchmark
    public AofRepairReport scan() throws IOException {
        return new AofRepairer(layout, null, false, -1, Set.of()).run();
    }
}
