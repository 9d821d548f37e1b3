package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/** Every error says what went wrong, in one line, with exit code 2; no user input is an "internal error". */
class ErrorsTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");
    private static final Path AOF_DIR = Fixtures.resolve("aof/redis-7.0/aof-plain/appendonlydir");

    @TempDir
    Path tmp;

    private static void assertUsageError(CliRunner.Result r, String... says) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("salvor: ").doesNotContain("internal error").doesNotContain("Exception");
        for (String s : says) assertThat(r.err()).contains(s);
    }

    @Test
    void aMissingFileIsSaidToBeMissingByEveryCommand() {
        String missing = tmp.resolve("x.rdb").toString();
        String out = tmp.resolve("out").toString();
        for (String[] args : new String[][] {{"check", missing}, {"inspect", missing}, {"export", missing}, {"salvage", missing, "-o", out},
                {"repair", missing, "-o", out}, {"diff", missing, RDB.toString()}, {"diff", RDB.toString(), missing}}) {
            CliRunner.Result r = CliRunner.run(args);
            assertUsageError(r, missing + ": no such file");
            assertThat(r.err().strip().lines()).as(String.join(" ", args)).hasSize(1);
        }
    }

    @Test
    void aRegularFileInAnOutputPathIsNamed() throws Exception {
        Path file = Files.writeString(tmp.resolve("afile"), "not a directory");
        assertUsageError(CliRunner.run("export", RDB.toString(), "-o", file.resolve("out.ndjson").toString()), file + " is a file, not a directory");
        assertUsageError(CliRunner.run("salvage", RDB.toString(), "-o", file.resolve("sub/out.rdb").toString()), file + " is a file, not a directory");
    }

    @Test
    void badOptionValuesAreUsageErrorsThatSayWhatIsExpected() {
        Path out = tmp.resolve("r");
        assertUsageError(CliRunner.run("repair", AOF_DIR.toString(), "-o", out.toString(), "--until", "yesterday"), "--until takes Unix seconds", "'yesterday'");
        assertUsageError(CliRunner.run("repair", AOF_DIR.toString(), "-o", out.toString(), "--until", "2026-11-22T22:15:58"),
                "has no time zone", "2026-11-22T22:15:58Z");
        assertUsageError(CliRunner.run("repair", AOF_DIR.toString(), "-o", out.toString(), "--until", "2026-11-22"), "a date without a time");
        assertThat(Files.exists(out)).isFalse();
        assertUsageError(CliRunner.run("audit", RDB.toString(), "--against", RDB.toString(), "-o", tmp.resolve("a").toString()),
                "--against takes the restored server's URL", "salvor diff");
        assertUsageError(CliRunner.run("diff", RDB.toString(), RDB.toString(), "--max-memory", "5x"), "--max-memory takes a size", "'5x'");
        assertUsageError(CliRunner.run("export", RDB.toString(), "--db", "-1"), "--db takes a database number");
        assertUsageError(CliRunner.run("diff", RDB.toString(), "redis://127.0.0.1:1/x"), "database number");
    }

    @Test
    void withoutACommandTheUsageIsPrintedOnceAndHelpNamesACommand() {
        CliRunner.Result none = CliRunner.run();
        assertThat(none.exitCode()).isEqualTo(2);
        String all = none.out() + none.err();
        assertThat(all.split("Usage: salvor", -1)).hasSize(2);
        assertThat(all).doesNotContain("a command is required").contains("Commands:");
        CliRunner.Result help = CliRunner.run("help", "check");
        assertThat(help.exitCode()).isEqualTo(0);
        assertThat(help.out()).startsWith("Usage: salvor check");
        assertThat(CliRunner.run("help").out()).contains("Usage: salvor").contains("audit");
    }

    @Test
    void aClosedPortFailsAtOnceWithoutStartingTheRedisClient() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        for (String via : new String[] {"dump", "replication"}) {
            CliRunner.Result r = CliRunner.run("diff", RDB.toString(), "redis://127.0.0.1:" + port, "--via", via);
            assertUsageError(r, "connection refused");
        }
        // The refusal is seen before any client event loop (and its set-up and retries) starts.
        Set<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(Collectors.toSet());
        assertThat(threads).noneMatch(n -> n.startsWith("lettuce-"));
    }

    @Test
    void aWrongOrMissingPasswordIsAnAuthenticationFailureThatNeverShowsThePassword() throws Exception {
        String password = "Corr3ct-h0rse";
        try (RedisServer redis = RedisServer.startWithPassword(tmp.resolve("auth"), password)) {
            for (String via : new String[] {"dump", "replication"}) {
                CliRunner.Result wrong = CliRunner.run("diff", RDB.toString(), "redis://:wrong-" + password + "@127.0.0.1:" + redis.port(), "--via", via, "--debug");
                assertThat(wrong.exitCode()).isEqualTo(2);
                assertThat(wrong.err()).as(via).contains("authentication failed").doesNotContain("<unresolved>").doesNotContain(password);
                CliRunner.Result missing = CliRunner.run("diff", RDB.toString(), redis.url(), "--via", via);
                assertThat(missing.exitCode()).isEqualTo(2);
                assertThat(missing.err()).as(via).contains("authentication required").contains("--password-file");
            }
        }
    }
}
