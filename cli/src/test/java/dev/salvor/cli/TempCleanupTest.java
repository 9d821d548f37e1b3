package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * SIGTERM and Ctrl-C leave no temporary behind; what a killed run left (SIGKILL runs no handler)
 * is named and removed by the next run, and only that.
 */
class TempCleanupTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");

    @TempDir
    Path tmp;

    private static List<String> names(Path dir) throws Exception {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void await(String what, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.call()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    /** Starts salvor reading stdin, feeds it the start of a real RDB and keeps it open, as a slow pipe would. */
    private Process startStalled(String... args) throws Exception {
        ProcessBuilder pb = SalvorProcess.builder(List.of(), args);
        // As a terminal's Ctrl-C would find it: a build started in the background of a script
        // inherits SIGINT ignored, and a JVM that starts with SIGINT ignored never handles it.
        pb.command().addAll(0, List.of("env", "--default-signal=INT"));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(tmp.resolve("err.txt").toFile());
        Process p = pb.start();
        byte[] rdb = Files.readAllBytes(RDB);
        OutputStream in = p.getOutputStream();
        in.write(Arrays.copyOf(rdb, 20_000));
        in.flush();
        return p;
    }

    private void stopWith(Process p, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void sigtermAndSigintRemoveSpoolsAndUnfinishedOutputs() throws Exception {
        for (String signal : List.of("TERM", "INT")) {
            Path t = tmp.resolve("t-" + signal);
            Path out = tmp.resolve("out-" + signal);
            Process p = startStalled("salvage", "-", "-o", out.resolve("r.rdb").toString(), "--temp-dir", t.toString());
            // The spool and the outputs' temporaries exist while the run waits for more input.
            await("the spool in " + t, () -> names(t).size() == 1);
            await("the output temporaries in " + out, () -> names(out).size() == 3);
            assertThat(names(t).get(0)).startsWith("salvor-tmp-" + p.pid() + "-");
            stopWith(p, signal);
            assertThat(names(t)).as(signal).isEmpty();
            assertThat(names(out)).as(signal).isEmpty();
        }
        Path out = tmp.resolve("export");
        Process p = startStalled("export", "-", "-o", out.resolve("keys.ndjson").toString());
        await("the export temporary", () -> names(out).size() == 1);
        stopWith(p, "TERM");
        assertThat(names(out)).isEmpty();
    }

    @Test
    void theNextRunRemovesWhatADeadSalvorLeftAndNothingElse() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long dead = gone.pid();
        long alive = ProcessHandle.current().pid();
        Path t = Files.createDirectories(tmp.resolve("t"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.write(t.resolve("salvor-tmp-" + dead + "-1234.bin"), new byte[100]);
        Files.createDirectories(t.resolve("diff-salvor-tmp-" + dead + "-99")).resolve("run-1.bin").toFile().createNewFile();
        Files.write(out.resolve(".r.rdb.salvor-tmp-" + dead + "-5678.tmp"), new byte[100]);
        Files.write(t.resolve("salvor-tmp-" + alive + "-1.bin"), new byte[1]);
        Files.write(out.resolve("salvor-tmp-notes.txt"), new byte[1]);
        Files.write(out.resolve("my-salvor-2024-01.bin"), new byte[1]);

        Path gz = tmp.resolve("dataset.rdb.gz");
        try (OutputStream o = new CompressorStreamFactory().createCompressorOutputStream("gz", Files.newOutputStream(gz))) {
            Files.copy(RDB, o);
        }
        CliRunner.Result r = CliRunner.run("salvage", gz.toString(), "-o", out.resolve("r.rdb").toString(), "--temp-dir", t.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        assertThat(r.err()).contains("salvor-tmp-" + dead + "-1234.bin").contains(".r.rdb.salvor-tmp-" + dead + "-5678.tmp")
                .contains("diff-salvor-tmp-" + dead + "-99").contains("process " + dead);
        assertThat(names(t)).containsExactly("salvor-tmp-" + alive + "-1.bin");
        assertThat(names(out)).containsExactly("my-salvor-2024-01.bin", "r.rdb", "r.rdb.quarantine", "r.rdb.report.json", "salvor-tmp-notes.txt");
    }
}
