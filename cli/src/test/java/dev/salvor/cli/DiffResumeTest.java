package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code diff --checkpoint} / {@code --resume}: a real redis-server holds thirteen thousand keys
 * in two databases (26 SCAN pages), a real RDB it wrote is the backup, and the server is then changed in known
 * ways all over its key space. A diff in a JVM of its own is killed (SIGKILL) after some SCAN
 * pages, resumed in another JVM that is stopped by SIGTERM, and resumed again to the end: its
 * report is that of an uninterrupted run, key for key. A checkpoint is refused against another
 * file, another server, other options, and a new run over it.
 */
class DiffResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEYS_DB0 = 10_000;
    private static final int KEYS_DB2 = 3_000;

    @TempDir
    Path tmp;

    /** Mixed types, as many keys as asked, in the current database. */
    private static final String POPULATE = "for i = 1, tonumber(ARGV[1]) do\n"
            + "  local k = ARGV[2] .. i\n"
            + "  local m = i % 5\n"
            + "  if m == 0 then redis.call('SET', k, 'value ' .. i)\n"
            + "  elseif m == 1 then redis.call('HSET', k, 'f1', i, 'f2', 'x' .. i)\n"
            + "  elseif m == 2 then redis.call('RPUSH', k, i, i + 1, i + 2)\n"
            + "  elseif m == 3 then redis.call('SADD', k, 'a' .. i, 'b' .. i)\n"
            + "  else redis.call('ZADD', k, i, 'm' .. i) end\n"
            + "  if i % 7 == 0 then redis.call('PEXPIREAT', k, 4102444800000 + i) end\n"
            + "end\n"
            + "return 1\n";

    @Test
    void anInterruptedLiveDiffResumesToTheReportOfAnUninterruptedRun() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("server"));
        try (RedisServer redis = RedisServer.start(dir, "--dbfilename", "dump.rdb")) {
            redis.call("EVAL", POPULATE, 0, KEYS_DB0, "k:");
            redis.call("SELECT", 2);
            redis.call("EVAL", POPULATE, 0, KEYS_DB2, "d2:");
            Path backup = tmp.resolve("backup.rdb");
            Files.copy(redis.save(), backup);
            // Differences all over the key space, so pages before and after each interruption hold some.
            for (int i = 1; i <= KEYS_DB2; i += 97) redis.call("DEL", "d2:" + i);
            redis.call("SELECT", 0);
            for (int i = 3; i <= KEYS_DB0; i += 131) redis.call("DEL", "k:" + i);
            for (int i = 5; i <= KEYS_DB0; i += 173) redis.call("SET", "k:" + i, "changed");
            for (int i = 1; i <= 150; i++) redis.call("SET", "new:" + i, "added");
            for (int i = 14; i <= KEYS_DB0; i += 7 * 211) redis.call("PERSIST", "k:" + i);
            String url = redis.url();

            CliRunner.Result whole = CliRunner.run("diff", backup.toString(), url, "--json");
            assertThat(whole.exitCode()).as(whole.err()).isEqualTo(1);
            JsonNode wholeSummary = summary(whole.out());
            long keys = wholeSummary.get("keys_b").asLong();
            assertThat(wholeSummary.get("by_kind").get("only_in_a").asLong()).isGreaterThan(80);
            assertThat(wholeSummary.get("by_kind").get("value_differs").asLong() + wholeSummary.get("by_kind").get("type_differs").asLong()).isGreaterThan(40);
            assertThat(wholeSummary.get("by_kind").get("only_in_b").asLong()).isEqualTo(150);
            assertThat(wholeSummary.get("by_kind").get("expiry_differs").asLong()).isGreaterThan(0);

            Path ckpt = tmp.resolve("state/diff.ckpt");
            // First run, in a JVM of its own, killed outright once a few thousand keys are checkpointed.
            Process first = start(tmp.resolve("first.err"), "diff", backup.toString(), url, "--json", "--checkpoint", ckpt.toString(),
                    "--checkpoint-every", "1ms", "--rate-limit", "2000");
            long atKill = awaitCheckpoint(first, ckpt, 1, 2_000);
            first.destroyForcibly().waitFor(60, TimeUnit.SECONDS);
            assertThat(atKill).isLessThan(keys);

            refusals(redis, backup, url, ckpt);

            // Second run goes on from there and is stopped by SIGTERM further on.
            Process second = start(tmp.resolve("second.err"), "diff", backup.toString(), url, "--json", "--resume", ckpt.toString(),
                    "--checkpoint-every", "1ms", "--rate-limit", "2000");
            long atTerm = awaitCheckpoint(second, ckpt, 2, atKill + 4_000);
            new ProcessBuilder("kill", "-TERM", Long.toString(second.pid())).start().waitFor();
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isNotIn(0, 1);
            JsonNode state = JSON.readTree(ckpt.toFile());
            assertThat(state.get("run").asInt()).isEqualTo(2);
            assertThat(state.get("b").get("finished").asBoolean()).isFalse();
            assertThat(atTerm).isLessThan(keys);

            CliRunner.Result resumed = CliRunner.run("diff", backup.toString(), url, "--json", "--resume", ckpt.toString());
            assertThat(resumed.exitCode()).as(resumed.err()).isEqualTo(1);
            JsonNode facts = summary(resumed.out()).get("checkpoint");
            assertThat(facts.get("resumed").asBoolean()).isTrue();
            assertThat(facts.get("run").asInt()).isEqualTo(3);
            long fromCheckpoint = facts.get("keys_from_checkpoint").get("b").asLong();
            assertThat(fromCheckpoint).isGreaterThanOrEqualTo(atTerm).isLessThan(keys);
            assertThat(facts.get("scan_positions_resumed").get("b").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(facts.get("note").asText()).contains("one SCAN spread over the runs");
            // The report, but for the times and the resume facts, is the uninterrupted run's.
            assertThat(comparable(resumed.out())).isEqualTo(comparable(whole.out()));
            // A completed diff leaves nothing behind.
            try (var left = Files.list(ckpt.getParent())) {
                assertThat(left.toList()).isEmpty();
            }

            // A run cut short by --timeout keeps its checkpoint and says how to go on; the resumed run
            // says in its text output that it was resumed, and exits 0 when nothing differs.
            Path same = tmp.resolve("same.rdb");
            Files.copy(redis.save(), same);
            CliRunner.Result cut = CliRunner.run("diff", same.toString(), url, "--checkpoint", ckpt.toString(), "--checkpoint-every", "1ms",
                    "--rate-limit", "2000", "--timeout", "2s");
            assertThat(cut.exitCode()).as(cut.out() + cut.err()).isEqualTo(2);
            assertThat(cut.err()).contains("the checkpoint in " + ckpt + " is kept: go on with --resume " + ckpt);
            CliRunner.Result clean = CliRunner.run("diff", same.toString(), url, "--resume", ckpt.toString());
            assertThat(clean.exitCode()).as(clean.err()).isEqualTo(0);
            assertThat(clean.out()).contains("resumed from " + ckpt + " (run 2").contains("one SCAN spread over the runs").contains("identical");
            assertThat(ckpt).doesNotExist();
        }
    }

    /** What a checkpoint refuses: each a one-line usage or I/O error, the checkpoint left as it was. */
    private void refusals(RedisServer redis, Path backup, String url, Path ckpt) throws Exception {
        byte[] before = Files.readAllBytes(ckpt);
        Path copy = tmp.resolve("copy.rdb");
        Files.copy(backup, copy);
        CliRunner.Result otherFile = CliRunner.run("diff", copy.toString(), url, "--resume", ckpt.toString());
        assertRefused(otherFile, "written for a diff of other sources: side A path was " + backup.toRealPath());

        CliRunner.Result swapped = CliRunner.run("diff", url, backup.toString(), "--resume", ckpt.toString());
        assertRefused(swapped, "written for a diff of other sources");

        CliRunner.Result options = CliRunner.run("diff", backup.toString(), url, "--resume", ckpt.toString(), "--ignore-ttl");
        assertRefused(options, "resume with the same options");
        CliRunner.Result filter = CliRunner.run("diff", backup.toString(), url, "--resume", ckpt.toString(), "--match", "k:*");
        assertRefused(filter, "resume with the same options");

        // A copy whose key log lost its end (a disk that lied about fsync) vouches for keys it no longer holds.
        Path cut = tmp.resolve("cut/diff.ckpt");
        Files.createDirectories(cut.getParent());
        Files.copy(ckpt, cut);
        byte[] log = Files.readAllBytes(Path.of(ckpt + ".keys-b"));
        Files.write(Path.of(cut + ".keys-b"), java.util.Arrays.copyOf(log, (int) (JSON.readTree(before).get("b").get("log_bytes").asLong() - 1)));
        CliRunner.Result shortLog = CliRunner.run("diff", backup.toString(), url, "--resume", cut.toString());
        assertRefused(shortLog, "shorter than the checkpoint says");
        assertThat(Path.of(ckpt + ".keys-a")).doesNotExist(); // side A is a file: no log

        // A key log that has become a link to an input is never truncated or written.
        Path linked = tmp.resolve("linked/diff.ckpt");
        Files.createDirectories(linked.getParent());
        Files.copy(ckpt, linked);
        Files.createLink(Path.of(linked + ".keys-b"), backup);
        byte[] backupBefore = Files.readAllBytes(backup);
        CliRunner.Result linkedLog = CliRunner.run("diff", backup.toString(), url, "--resume", linked.toString());
        assertRefused(linkedLog, "the checkpoint's key log is one of this run's inputs");
        assertThat(Files.readAllBytes(backup)).isEqualTo(backupBefore);

        CliRunner.Result again = CliRunner.run("diff", backup.toString(), url, "--checkpoint", ckpt.toString());
        assertRefused(again, "a checkpoint exists there: go on with --resume");

        CliRunner.Result isInput = CliRunner.run("diff", backup.toString(), url, "--checkpoint", backup.toString());
        assertRefused(isInput, backup.toString());
        assertThat(isInput.err()).doesNotContain("a checkpoint exists");

        // Another server with the same data (it loaded the same file): a new run_id, so not the same scan.
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.copy(backup, other.resolve("dump.rdb"));
        try (RedisServer second = RedisServer.start(other, "--dbfilename", "dump.rdb")) {
            CliRunner.Result otherServer = CliRunner.run("diff", backup.toString(), second.url(), "--resume", ckpt.toString());
            assertRefused(otherServer, "side B server was " + url);
        }
        assertThat(Files.readAllBytes(ckpt)).isEqualTo(before);
    }

    private static void assertRefused(CliRunner.Result r, String message) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.err().strip().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
    }

    private Process start(Path err, String... args) throws Exception {
        ProcessBuilder pb = SalvorProcess.builder(List.of("-Xmx256m"), args);
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
        return pb.start();
    }

    /** Waits for run {@code run}'s checkpoint to vouch for at least {@code keys} keys of B; returns how many. */
    private static long awaitCheckpoint(Process p, Path ckpt, int run, long keys) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < end) {
            if (!p.isAlive()) throw new AssertionError("the diff ended (exit " + p.exitValue() + ") before its checkpoint held " + keys + " keys");
            if (Files.exists(ckpt)) {
                JsonNode state;
                try {
                    state = JSON.readTree(ckpt.toFile());
                } catch (java.io.IOException e) {
                    state = null; // replaced while read: not possible with a rename, but never fail the wait on it
                }
                if (state != null && state.get("run").asInt() == run && state.get("b").get("records").asLong() >= keys) {
                    return state.get("b").get("records").asLong();
                }
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new AssertionError("no checkpoint of " + keys + " keys within 180 s");
    }

    private static JsonNode summary(String out) throws Exception {
        return JSON.readTree(out.lines().findFirst().orElseThrow());
    }

    /** Every record of diff --json, without the times and the checkpoint facts. */
    private static List<String> comparable(String out) throws Exception {
        List<String> records = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            ObjectNode n = (ObjectNode) JSON.readTree(line);
            n.remove(List.of("millis_a", "millis_b", "checkpoint"));
            records.add(n.toString());
        }
        return records;
    }
}
