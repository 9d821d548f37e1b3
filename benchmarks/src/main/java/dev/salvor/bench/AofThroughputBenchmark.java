package dev.salvor.bench;

import dev.salvor.aof.AofLayout;
import dev.salvor.repair.AofRepairReport;
import dev.salvor.repair.AofRepairer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.io.IOException;
import java.util.Set;

/**
 * Single-thread AOF scan: every command parsed and checked against the command table (what
 * {@code salvor check AOF} does). MB/s = file size / time per operation.
 */
public class AofThroughputBenchmark extends FileBenchmark {
    @Param("")
    public String aof;

    private AofLayout layout;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        layout = AofLayout.of(input(aof, "aof"));
    }

    @Benchmark
    public AofRepairReport scan() throws IOException {
        return new AofRepairer(layout, null, false, -1, Set.of()).run();
    }
}
