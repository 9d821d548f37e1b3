package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** A DUMP payload set written from an RDB restores into a real server and diffs as the same data. */
class DumpSetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");

    @TempDir
    Path tmp;

    @Test
    void payloadsRestoreIntoRedisAndDiffAsIdentical() throws Exception {
        Path dumps = tmp.resolve("dumps.ndjson");
        assertThat(CliRunner.run("export", RDB.toString(), "--format", "dumps", "-o", dumps.toString()).exitCode()).isEqualTo(0);
        assertThat(CliRunner.run("diff", RDB.toString(), dumps.toString()).exitCode()).isEqualTo(0);
        try (RedisServer redis = RedisServer.start(tmp.resolve("r"))) {
            int db = -1;
            for (String line : Files.readAllLines(dumps, StandardCharsets.UTF_8)) {
                JsonNode n = JSON.readTree(line);
                if (n.get("db").asInt() != db) {
                    db = n.get("db").asInt();
                    redis.call("SELECT", db);
                }
                JsonNode k = n.get("key");
                byte[] key = k.isTextual() ? k.asText().getBytes(StandardCharsets.UTF_8) : Base64.getDecoder().decode(k.get("base64").asText());
                long exp = n.has("expire_at_ms") ? n.get("expire_at_ms").asLong() : 0;
                Object reply = exp > 0
                        ? redis.call("RESTORE", key, Long.toString(exp), Base64.getDecoder().decode(n.get("dump").asText()), "ABSTTL")
                        : redis.call("RESTORE", key, "0", Base64.getDecoder().decode(n.get("dump").asText()));
                assertThat(reply).isEqualTo("OK");
            }
            CliRunner.Result live = CliRunner.run("diff", dumps.toString(), redis.url());
            assertThat(live.exitCode()).as(live.out() + live.err()).isEqualTo(0);
        }
    }

    @Test
    void aCorruptPayloadIsADamagedKeyOfItsOwnAndTheOthersAreStillCompared() throws Exception {
        Path dumps = tmp.resolve("dumps.ndjson");
        assertThat(CliRunner.run("export", RDB.toString(), "--format", "dumps", "-o", dumps.toString()).exitCode()).isEqualTo(0);
        java.util.List<String> lines = Files.readAllLines(dumps, StandardCharsets.UTF_8);
        java.util.Set<String> cut = new java.util.HashSet<>();
        StringBuilder damaged = new StringBuilder();
        java.util.List<byte[]> cutPayloads = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(lines.get(i));
            if (i == 3 || i == lines.size() / 2) {
                byte[] payload = Base64.getDecoder().decode(n.get("dump").asText());
                byte[] half = java.util.Arrays.copyOf(payload, payload.length / 2);
                cutPayloads.add(half);
                n.put("dump", Base64.getEncoder().encodeToString(half));
                cut.add(n.get("db").asInt() + "/" + n.get("key").asText());
            }
            damaged.append(JSON.writeValueAsString(n)).append('\n');
        }
        Path bad = Files.writeString(tmp.resolve("damaged.ndjson"), damaged);
        // The oracle: the server refuses these payloads.
        try (RedisServer redis = RedisServer.start(tmp.resolve("oracle"))) {
            for (byte[] p : cutPayloads) assertThat(redis.command("RESTORE", "probe", "0", p)).isInstanceOf(RedisServer.Error.class);
        }
        for (String[] extra : new String[][] {{}, {"--max-memory", "64k"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("diff", bad.toString(), RDB.toString(), "--json"));
            args.addAll(java.util.List.of(extra));
            CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            java.util.Map<String, String> kinds = DiffCommandTest.differences(r.out());
            assertThat(kinds.keySet()).isEqualTo(cut);
            assertThat(kinds.values()).containsOnly("damaged");
            for (String line : r.out().strip().split("\n")) {
                JsonNode d = JSON.readTree(line);
                if (!d.get("record").asText().equals("difference")) continue;
                assertThat(d.get("details").get(0).asText()).startsWith("A: unreadable value: ").contains(bad.toString());
                assertThat(d.get("details").get(1).asText()).startsWith("B: a readable ");
            }
        }
        CliRunner.Result flipped = CliRunner.run("diff", RDB.toString(), bad.toString());
        assertThat(flipped.exitCode()).isEqualTo(1);
        assertThat(flipped.out()).contains("different: 2 damaged").contains("B: unreadable value");
    }

    @Test
    void anEmptyRdbExportsAPayloadSetThatDiffReads() throws Exception {
        Path dir = tmp.resolve("empty");
        try (RedisServer redis = RedisServer.start(dir)) {
            redis.save();
        }
        Path empty = dir.resolve("dump.rdb");
        Path dumps = tmp.resolve("empty.ndjson");
        assertThat(CliRunner.run("export", empty.toString(), "--format", "dumps", "-o", dumps.toString()).exitCode()).isEqualTo(0);
        CliRunner.Result same = CliRunner.run("diff", dumps.toString(), empty.toString());
        assertThat(same.exitCode()).as(same.out() + same.err()).isEqualTo(0);
        assertThat(same.out()).contains("identical");
        CliRunner.Result all = CliRunner.run("diff", dumps.toString(), RDB.toString(), "--json");
        assertThat(all.exitCode()).isEqualTo(1);
        assertThat(DiffCommandTest.differences(all.out()).values()).containsOnly("only_in_b");
        // An empty file is not an empty payload set: it is a damaged RDB.
        Path zero = Files.write(tmp.resolve("zero.rdb"), new byte[0]);
        assertThat(CliRunner.run("diff", zero.toString(), empty.toString()).exitCode()).isNotZero();
    }
}
