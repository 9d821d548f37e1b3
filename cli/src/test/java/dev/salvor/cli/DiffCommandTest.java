package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real redis-server loads a real RDB; diff against the same RDB finds nothing; after a known
 * set of changes across databases and types, diff (file against live, and file against the
 * server's new snapshot) reports exactly that set.
 */
class DiffCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");

    @TempDir
    Path tmp;

    /** kind by "db/key" from the NDJSON output of diff --json. */
    static Map<String, String> differences(String out) throws Exception {
        Map<String, String> m = new HashMap<>();
        for (String line : out.strip().split("\n")) {
            JsonNode n = JSON.readTree(line);
            if (n.get("record").asText().equals("difference")) m.put(n.get("db").asInt() + "/" + n.get("key").asText(), n.get("kind").asText());
        }
        return m;
    }

    @Test
    void diffAgainstALiveServerReportsExactlyWhatChanged() throws Exception {
        Path dir = tmp.resolve("server");
        Files.createDirectories(dir);
        Files.copy(RDB, dir.resolve("dump.rdb"));
        try (RedisServer redis = RedisServer.start(dir, "--dbfilename", "dump.rdb")) {
            String url = redis.url();
            CliRunner.Result same = CliRunner.run("diff", RDB.toString(), url);
            assertThat(same.exitCode()).as(same.out() + same.err()).isEqualTo(0);
            assertThat(same.out()).contains("identical");

            CliRunner.Result audit = CliRunner.run("audit", RDB.toString(), "--against", url, "-o", tmp.resolve("audit-pass").toString());
            assertThat(audit.exitCode()).as(audit.out() + audit.err()).isEqualTo(0);
            assertThat(audit.out()).startsWith("PASS");
            assertThat(Files.readString(tmp.resolve("audit-pass/audit.html"))).contains("PASS").contains("<html");
            CliRunner.Result sampled = CliRunner.run("audit", RDB.toString(), "--against", url, "--sample", "0.5", "-o", tmp.resolve("audit-sample").toString(), "--json");
            JsonNode sj = JSON.readTree(sampled.out());
            assertThat(sj.get("keys_backup").asLong()).isBetween(150L, 400L);
            assertThat(sj.get("sample_statement").asText()).contains("99% probability");

            Map<String, String> expected = new HashMap<>();
            redis.call("SELECT", 1);
            redis.call("SET", "db1:str:03", "changed");
            expected.put("1/db1:str:03", "value_differs");
            redis.call("DEL", "db1:str:04");
            expected.put("1/db1:str:04", "only_in_a");
            redis.call("SET", "db1:new", "added");
            expected.put("1/db1:new", "only_in_b");
            redis.call("DEL", "db1:str:05");
            redis.call("SADD", "db1:str:05", "now a set");
            expected.put("1/db1:str:05", "type_differs");
            redis.call("SADD", "db1:set", "one more member");
            expected.put("1/db1:set", "value_differs");
            redis.call("HSET", "db1:hash", "newfield", "v");
            expected.put("1/db1:hash", "value_differs");
            redis.call("LPUSH", "db1:list", "head");
            expected.put("1/db1:list", "value_differs");
            redis.call("ZINCRBY", "db1:zset", "5", member(redis, "db1:zset"));
            expected.put("1/db1:zset", "value_differs");
            redis.call("XADD", "db1:stream", "*", "f", "v");
            expected.put("1/db1:stream", "value_differs");
            redis.call("SELECT", 0);
            redis.call("XGROUP", "CREATE", "stream:small", "auditors", "0");
            expected.put("0/stream:small", "value_differs");
            redis.call("XGROUP", "DELCONSUMER", "stream:wide", "readers", consumer(redis, "stream:wide", "readers"));
            expected.put("0/stream:wide", "value_differs");
            redis.call("SELECT", 5);
            redis.call("PEXPIREAT", "db5:exp:03", "1993456003000");
            expected.put("5/db5:exp:03", "expiry_differs");
            redis.call("PERSIST", "db5:exp:04");
            expected.put("5/db5:exp:04", "expiry_differs");

            CliRunner.Result live = CliRunner.run("diff", RDB.toString(), url, "--json");
            assertThat(live.exitCode()).isEqualTo(1);
            assertThat(differences(live.out())).isEqualTo(expected);
            // Kept to a rate, and through an account that may run no script (pages read by pipelining): the same differences.
            CliRunner.Result limited = CliRunner.run("diff", RDB.toString(), url, "--json", "--rate-limit", "100000");
            assertThat(differences(limited.out())).as(limited.err()).isEqualTo(expected);
            redis.call("ACL", "SETUSER", "noscripts", "on", ">pw", "~*", "&*", "+@all", "-@scripting");
            CliRunner.Result noScripts = CliRunner.run("diff", RDB.toString(), "redis://noscripts:pw@127.0.0.1:" + redis.port(), "--json");
            assertThat(differences(noScripts.out())).as(noScripts.err()).isEqualTo(expected);
            CliRunner.Result zero = CliRunner.run("diff", RDB.toString(), url, "--rate-limit", "0");
            assertThat(zero.exitCode()).isEqualTo(2);
            assertThat(zero.err()).contains("--rate-limit must be a positive number");
            JsonNode summary = JSON.readTree(live.out().lines().findFirst().orElseThrow());
            assertThat(summary.get("identical").asBoolean()).isFalse();
            CliRunner.Result failed = CliRunner.run("audit", RDB.toString(), "--against", url, "-o", tmp.resolve("audit-fail").toString());
            assertThat(failed.exitCode()).isEqualTo(1);
            assertThat(failed.out()).startsWith("FAIL");
            JsonNode aj = JSON.readTree(tmp.resolve("audit-fail/audit.json").toFile());
            assertThat(aj.get("verdict").asText()).isEqualTo("FAIL");
            assertThat(aj.get("differences_by_db_and_type").get("db1/string").asInt()).isEqualTo(4); // str:03, str:04, new, str:05 (was a string)
            assertThat(aj.get("differences_by_db_and_type").get("db0/stream").asInt()).isEqualTo(2);
            String page = Files.readString(tmp.resolve("audit-fail/audit.html"));
            assertThat(page).contains("<svg").contains("db1/hash");
            // For people: when and by which version, the audit's words for the kinds, the type change, readable expiries.
            assertThat(java.time.Instant.parse(aj.get("generated_at").asText())).isBefore(java.time.Instant.now().plusSeconds(1));
            assertThat(aj.get("salvor_version").asText()).isNotBlank();
            assertThat(page).contains("missing on server").contains("extra on server").doesNotContain("only in a")
                    .contains("type string in the backup, set on the server")
                    .contains("in the backup, never on the server") // db5:exp:04 was made persistent
                    .containsPattern("expires 20\\d\\d-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)? UTC in the backup");
            assertThat(failed.out()).contains("missing on server").contains("extra on server");

            // Replication mode reads one snapshot through PSYNC, diskless ($EOF: mark) and disk-backed ($length).
            for (String diskless : new String[] {"yes", "no"}) {
                redis.call("CONFIG", "SET", "repl-diskless-sync", diskless);
                redis.call("CONFIG", "SET", "repl-diskless-sync-delay", "0");
                CliRunner.Result repl = CliRunner.run("diff", RDB.toString(), url, "--via", "replication", "--json");
                assertThat(differences(repl.out())).as("diskless %s: %s", diskless, repl.err()).isEqualTo(expected);
            }

            // redis://host:port/N reads database N only.
            CliRunner.Result db5 = CliRunner.run("diff", url + "/5", url + "/5", "--json");
            assertThat(JSON.readTree(db5.out().lines().findFirst().orElseThrow()).get("keys_a").asLong()).isEqualTo((Long) redis.call("DBSIZE"));

            // The element-level detail names the change.
            CliRunner.Result text = CliRunner.run("diff", RDB.toString(), url, "--db", "1", "--match", "db1:hash");
            assertThat(text.out()).contains("field newfield: only in B");
            assertThat(CliRunner.run("diff", RDB.toString(), url, "--db", "0", "--match", "stream:small").out()).contains("group auditors: only in B");
            assertThat(CliRunner.run("diff", RDB.toString(), url, "--db", "0", "--match", "stream:wide").out()).contains("consumer").contains("only in A");

            // The server's own snapshot now differs from the backup in the same way.
            Path after = redis.save();
            Path copy = tmp.resolve("after.rdb");
            Files.copy(after, copy);
            CliRunner.Result files = CliRunner.run("diff", RDB.toString(), copy.toString(), "--json");
            assertThat(differences(files.out())).isEqualTo(expected);
            // Expiry differences within the tolerance, or ignored, do not count.
            assertThat(differences(CliRunner.run("diff", RDB.toString(), copy.toString(), "--json", "--ignore-ttl").out()))
                    .doesNotContainValue("expiry_differs");
        }
    }

    @Test
    void aDatabaseInTheUrlRestrictsBothSides() throws Exception {
        Path dir = tmp.resolve("db");
        Files.createDirectories(dir);
        Files.copy(RDB, dir.resolve("dump.rdb"));
        try (RedisServer redis = RedisServer.start(dir, "--dbfilename", "dump.rdb")) {
            redis.call("SELECT", 5);
            long inDb5 = (Long) redis.call("DBSIZE");
            assertThat(inDb5).isPositive();
            for (String via : new String[] {"dump", "replication"}) {
                CliRunner.Result r = CliRunner.run("diff", RDB.toString(), redis.url() + "/5", "--json", "--via", via);
                assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(0);
                JsonNode summary = JSON.readTree(r.out().lines().findFirst().orElseThrow());
                assertThat(summary.get("keys_a").asLong()).isEqualTo(inDb5);
                assertThat(summary.get("keys_b").asLong()).isEqualTo(inDb5);
                assertThat(summary.get("only_db").asInt()).isEqualTo(5);
                assertThat(summary.get("by_kind").size()).isZero();
            }
            CliRunner.Result text = CliRunner.run("diff", redis.url() + "/5", RDB.toString());
            assertThat(text.out()).contains("only db 5 is compared on both sides").contains("identical");
            CliRunner.Result audit = CliRunner.run("audit", RDB.toString(), "--against", redis.url() + "/5", "-o", tmp.resolve("audit5").toString());
            assertThat(audit.exitCode()).as(audit.out() + audit.err()).isEqualTo(0);
            // A --db that leaves out the URL's database, or two URLs naming different ones, is a usage error.
            CliRunner.Result clash = CliRunner.run("diff", RDB.toString(), redis.url() + "/5", "--db", "3");
            assertThat(clash.exitCode()).isEqualTo(2);
            assertThat(clash.err()).contains("leaves out database 5");
            assertThat(CliRunner.run("diff", redis.url() + "/1", redis.url() + "/5").err()).contains("different databases");
        }
    }

    /** A consumer of a stream's group (the first one XINFO lists). */
    private static String consumer(RedisServer redis, String stream, String group) throws Exception {
        @SuppressWarnings("unchecked")
        java.util.List<Object> consumers = (java.util.List<Object>) redis.call("XINFO", "CONSUMERS", stream, group);
        @SuppressWarnings("unchecked")
        java.util.List<Object> first = (java.util.List<Object>) consumers.get(0);
        return new String((byte[]) first.get(1), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String member(RedisServer redis, String zset) throws Exception {
        @SuppressWarnings("unchecked")
        java.util.List<Object> m = (java.util.List<Object>) redis.call("ZRANGE", zset, "0", "0");
        return new String((byte[]) m.get(0), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void passwordProtectedServerWorksAndThePasswordIsNeverPrinted() throws Exception {
        Path dir = tmp.resolve("auth");
        Files.createDirectories(dir);
        Files.copy(RDB, dir.resolve("dump.rdb"));
        String password = "s3cret-Passw0rd";
        try (RedisServer redis = RedisServer.startWithPassword(dir, password, "--dbfilename", "dump.rdb")) {
            CliRunner.Result inUrl = CliRunner.run("diff", RDB.toString(), "redis://:" + password + "@127.0.0.1:" + redis.port());
            assertThat(inUrl.exitCode()).as(inUrl.err()).isEqualTo(0);
            Path pwFile = tmp.resolve("pw");
            Files.writeString(pwFile, password + "\n");
            CliRunner.Result viaFile = CliRunner.run("diff", RDB.toString(), "redis://127.0.0.1:" + redis.port(), "--password-file", pwFile.toString(), "--json");
            assertThat(viaFile.exitCode()).as(viaFile.err()).isEqualTo(0);
            // REDISCLI_AUTH, as redis-cli reads it: a separate process with that environment.
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                    System.getProperty("java.class.path"), SalvorCommand.class.getName(), "diff", RDB.toString(), "redis://127.0.0.1:" + redis.port());
            pb.environment().put("REDISCLI_AUTH", password);
            pb.redirectErrorStream(true);
            Process proc = pb.start();
            String envOut = new String(proc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(proc.waitFor()).as(envOut).isEqualTo(0);
            assertThat(envOut).contains("identical").doesNotContain(password);
            CliRunner.Result wrong = CliRunner.run("diff", RDB.toString(), "redis://:wrong-" + password + "@127.0.0.1:" + redis.port());
            assertThat(wrong.exitCode()).isEqualTo(2);
            for (CliRunner.Result r : new CliRunner.Result[] {inUrl, viaFile, wrong}) {
                assertThat(r.out() + r.err()).doesNotContain(password);
            }
        }
    }
}
