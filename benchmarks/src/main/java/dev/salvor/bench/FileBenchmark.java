package dev.salvor.bench;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What every whole-file benchmark shares (JMH inherits these annotations): one operation reads a
 * whole file once, timed as a single shot in a small heap, so MB/s = file size / time per operation.
 * The file is a {@code @Param} of the subclass, named for its kind ({@code -p rdb=...}, {@code -p aof=...}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xmx256m"})
public abstract class FileBenchmark {
    /** The file a {@code @Param} names; a run without one stops with the option to pass. */
    static Path input(String param, String name) {
        if (param.isEmpty()) throw new IllegalStateException("pass -p " + name + "=/path/to/file." + name);
        return Path.of(param);
    }
}
