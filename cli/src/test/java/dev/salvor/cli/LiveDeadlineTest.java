package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** A live source that stops making progress ends the run with an error; it never holds it until killed. */
class LiveDeadlineTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @org.junit.jupiter.api.io.TempDir
    Path tmp;

    private static CliRunner.Result run(String... args) {
        return assertTimeoutPreemptively(LIMIT, () -> CliRunner.run(args));
    }

    private static void assertOneLine(CliRunner.Result r, String... mentions) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).contains(mentions);
    }

    /** After +FULLRESYNC, one keep-alive newline every 200 ms, and never a snapshot. */
    private static FakeMaster newlinesForever() throws Exception {
        return new FakeMaster(out -> {
            while (true) {
                out.write('\n');
                out.flush();
                Thread.sleep(200);
            }
        });
    }

    @Test
    void aMasterThatOnlySendsNewlinesAfterFullresyncIsGivenUpOn() throws Exception {
        try (FakeMaster master = newlinesForever()) {
            long t0 = System.nanoTime();
            CliRunner.Result r = run("diff", RDB.toString(), master.url(), "--via", "replication", "--snapshot-wait", "2s");
            assertOneLine(r, "--snapshot-wait 2s");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        }
        // --timeout bounds the same wait when it is the earlier limit.
        try (FakeMaster master = newlinesForever()) {
            assertOneLine(run("diff", RDB.toString(), master.url(), "--via", "replication", "--timeout", "2s"), "--timeout 2s");
        }
    }

    @Test
    void aSnapshotTrickledByteByByteEndsAtTheTimeout() throws Exception {
        try (FakeMaster master = new FakeMaster(out -> {
            FakeMaster.snapshotStart(out, "m".repeat(40));
            out.flush();
            for (int i = 0; ; i++) {
                out.write("abcdefgh".getBytes(StandardCharsets.US_ASCII), i % 8, 1);
                out.flush();
                Thread.sleep(100);
            }
        })) {
            assertOneLine(run("diff", RDB.toString(), master.url(), "--via", "replication", "--timeout", "3s"), "--timeout 3s");
        }
    }

    @Test
    void aScanThatHandsOutTheSameKeysForeverIsDetected() throws Exception {
        try (FakeRedis redis = new FakeRedis(FakeRedis.Scan.SAME_KEYS)) {
            assertOneLine(run("diff", RDB.toString(), redis.url()), "SCAN of db 0", "does not progress");
        }
    }

    @Test
    void aScanOfEmptyPagesEndsAtTheTimeout() throws Exception {
        try (FakeRedis redis = new FakeRedis(FakeRedis.Scan.EMPTY_PAGES)) {
            assertOneLine(run("diff", RDB.toString(), redis.url(), "--timeout", "3s"), "--timeout 3s");
            assertOneLine(run("audit", RDB.toString(), "--against", redis.url(), "--timeout", "3s", "-o", tmp.toString()), "--timeout 3s");
            assertThat(tmp).isEmptyDirectory();
        }
    }
}
