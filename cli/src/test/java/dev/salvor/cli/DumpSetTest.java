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
}
