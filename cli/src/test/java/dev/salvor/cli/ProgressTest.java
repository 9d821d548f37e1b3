package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.io.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Every long command shows its progress (phases, rates, a sane time left) and takes --no-progress. */
class ProgressTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");
    private static final Path AOF_DIR = Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir");
    private static final Path DEMO = Path.of("..", "fixtures", "demo", "damaged.rdb");
    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path tmp;

    private static ProgressBar bar(long total, long[] clock) {
        return new ProgressBar(new PrintWriter(new StringWriter()), total, () -> clock[0]);
    }

    @Test
    void theTimeLeftAppearsOnlyOnceThereIsARateToBaseItOn() {
        long[] clock = {0};
        ProgressBar b = bar(1_000_000_000L, clock);
        assertThat(b.render(0, 0)).contains("0%").doesNotContain("left");
        assertThat(b.render(1_000, 200_000_000L)).doesNotContain("left"); // a blink in: no "914582s left"
        assertThat(b.render(4_000_000, 10 * SECOND)).doesNotContain("left"); // under 1 % done
        assertThat(b.render(500_000_000, 10 * SECOND)).contains(" 50%").contains("50 MB/s").contains("10s left");
        assertThat(b.render(100_000_000, 60 * SECOND)).contains("9m00s left");
        assertThat(ProgressBar.duration(7500)).isEqualTo("2h05m");
    }

    @Test
    void keysAreCountedWithTheirRateAndTheTotalWhenKnown() {
        long[] clock = {0};
        ProgressBar b = bar(-1, clock);
        b.phase("reading B: redis://127.0.0.1:6380", 10_000, Progress.Unit.KEYS);
        assertThat(b.render(1_000, 10 * SECOND)).startsWith("reading B: redis://127.0.0.1:6380  [").contains("1,000 of 10,000 keys")
                .contains("100 keys/s").contains("1m30s left");
        b.phase("reading A: dump.rdb", -1, Progress.Unit.KEYS);
        assertThat(b.render(5_000, 2 * SECOND)).isEqualTo("reading A: dump.rdb  5,000 keys  2,500 keys/s");
    }

    @Test
    void aSecondPassIsAPhaseOfItsOwnSoTheBarNeverRunsBackwards() {
        // --quick walks framing and checksum; damage found is located by the full check, then read past.
        CliRunner.Result r = CliRunner.run("check", DEMO.toString(), "--quick", "--progress");
        assertThat(r.exitCode()).isEqualTo(1);
        String err = r.err();
        int first = err.indexOf("checking framing and checksum"), second = err.indexOf("decoding every value"), third = err.indexOf("reading past the damage");
        assertThat(first).isNotNegative();
        assertThat(second).isGreaterThan(first);
        assertThat(third).isGreaterThan(second);
        // Within each phase the percentage only grows.
        for (String phase : err.split("\r")) assertThat(phase).doesNotContain("left ").doesNotContain("Exception");
        // The default check decodes every value from the start (framing and checksum are walked alongside).
        String full = CliRunner.run("check", DEMO.toString(), "--progress").err();
        assertThat(full).doesNotContain("checking framing and checksum");
        assertThat(full.indexOf("reading past the damage")).isGreaterThan(full.indexOf("decoding every value")).isGreaterThan(-1);
    }

    @Test
    void repairDiffAndAuditShowProgressAndAcceptNoProgress() throws Exception {
        CliRunner.Result repair = CliRunner.run("repair", AOF_DIR.toString(), "-o", tmp.resolve("r1").toString(), "--progress");
        assertThat(repair.exitCode()).as(repair.err()).isEqualTo(0);
        assertThat(repair.err()).contains("repairing");
        CliRunner.Result quiet = CliRunner.run("repair", AOF_DIR.toString(), "-o", tmp.resolve("r2").toString(), "--no-progress");
        assertThat(quiet.exitCode()).as(quiet.err()).isEqualTo(0);
        assertThat(quiet.err()).isEmpty();
        assertThat(CliRunner.run("check", AOF_DIR.toString(), "--progress").err()).contains("checking");
        assertThat(CliRunner.run("inspect", AOF_DIR.toString(), "--progress").err()).contains("reading");

        Path dir = tmp.resolve("server");
        Files.createDirectories(dir);
        Files.copy(RDB, dir.resolve("dump.rdb"));
        try (RedisServer redis = RedisServer.start(dir, "--dbfilename", "dump.rdb")) {
            long keys = 0;
            for (int db : new int[] {0, 1, 5, 15}) {
                redis.call("SELECT", db);
                keys += (Long) redis.call("DBSIZE");
            }
            CliRunner.Result diff = CliRunner.run("diff", RDB.toString(), redis.url(), "--progress");
            assertThat(diff.exitCode()).as(diff.out() + diff.err()).isEqualTo(0);
            assertThat(diff.err()).contains("reading A: ").contains("dataset.rdb  ").contains("reading B: " + redis.url()).contains(String.format(" of %,d keys", keys));
            assertThat(diff.out()).contains("identical").doesNotContain("\r");
            assertThat(CliRunner.run("diff", RDB.toString(), redis.url(), "--no-progress").err()).isEmpty();
            CliRunner.Result audit = CliRunner.run("audit", RDB.toString(), "--against", redis.url(), "-o", tmp.resolve("a").toString(), "--progress");
            assertThat(audit.exitCode()).as(audit.err()).isEqualTo(0);
            assertThat(audit.err()).contains("decoding every value").contains("reading B: ");
            CliRunner.Result quietAudit = CliRunner.run("audit", RDB.toString(), "--against", redis.url(), "-o", tmp.resolve("b").toString(), "--no-progress");
            assertThat(quietAudit.exitCode()).isEqualTo(0);
            assertThat(quietAudit.err()).isEmpty();
        }
    }
}
