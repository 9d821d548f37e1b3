package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.rdb.ProducerAssumption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * inspect names the producer and its version (text and JSON); --producer and --assume-version
 * read a file whose header is damaged or newer than Salvor knows, for that run only.
 */
class ProducerOptionsTest {
    @TempDir
    Path tmp;

    private static JsonNode json(CliRunner.Result r) throws IOException {
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void inspectNamesTheProducerOfRealFiles() throws IOException {
        CliRunner.Result text = CliRunner.run("inspect", Fixtures.resolve("rdb/redis-7.4/dataset.rdb").toString());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("written by Redis 7.4.1");
        JsonNode valkey = json(CliRunner.run("inspect", "--json", Fixtures.resolve("rdb/valkey-8.0/dataset.rdb").toString()));
        assertThat(valkey.path("producer").path("name").asText()).isEqualTo("valkey");
        assertThat(valkey.path("producer").path("version").asText()).startsWith("8.0.");
        assertThat(valkey.path("producer").path("decided_by").asText()).isEqualTo("aux valkey-ver");
        assertThat(valkey.path("flavor").asText()).isEqualTo("redis");
    }

    @Test
    void inspectNamesTheProducerOfNewerVersions() throws IOException {
        Path redis88 = tmp.resolve("redis-8.8.rdb");
        Files.write(redis88, new RdbBuilder("REDIS0014").aux("ctime", "1764500000").selectDb(0, 1, 0).stringKey("k", "v").finish());
        CliRunner.Result text = CliRunner.run("inspect", redis88.toString());
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("RDB version 14 (REDIS0014, written by Redis 8.8)");
        JsonNode j = json(CliRunner.run("inspect", "--json", redis88.toString()));
        assertThat(j.path("producer").path("name").asText()).isEqualTo("redis");
        assertThat(j.path("producer").path("version").asText()).isEqualTo("8.8");
        assertThat(j.path("written_by").asText()).isEqualTo("Redis 8.8");

        Path keydb = tmp.resolve("keydb.rdb");
        Files.write(keydb, new RdbBuilder("REDIS0009").aux("redis-ver", "6.3.4").selectDb(0, 1, 0).stringKey("k", "v").finish());
        JsonNode k = json(CliRunner.run("inspect", "--json", keydb.toString()));
        assertThat(k.path("written_by").asText()).isEqualTo("KeyDB 6.3.4");
        assertThat(k.path("flavor").asText()).isEqualTo("keydb");
    }

    @Test
    void aNewerVersionIsOneLineUntilAVersionIsAssumed() throws IOException {
        Path future = tmp.resolve("future.rdb");
        Files.write(future, new RdbBuilder("REDIS0016").selectDb(0, 1, 0).stringKey("k", "v").finish());
        for (String cmd : new String[] {"check", "export", "inspect"}) {
            CliRunner.Result r = CliRunner.run(cmd, future.toString());
            assertThat(r.exitCode()).as(cmd + ": " + r.out() + r.err()).isEqualTo(ExitCodes.FOUND);
            assertThat(r.out() + r.err()).as(cmd).contains("unsupported").contains("byte offset 5").contains("REDIS0016").contains("--assume-version");
        }
        CliRunner.Result read = CliRunner.run("export", future.toString(), "--assume-version", "15");
        assertThat(read.exitCode()).as(read.err()).isZero();
        assertThat(read.out()).contains("\"key\":\"k\"");
        assertThat(ProducerAssumption.defaults()).isSameAs(ProducerAssumption.NONE);
        CliRunner.Result bad = CliRunner.run("check", future.toString(), "--assume-version", "16");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(bad.err()).contains("--assume-version takes");
        assertThat(CliRunner.run("check", future.toString(), "--producer", "memcached").err()).contains("--producer takes");
    }

    @Test
    void anAssumedProducerReadsPastADestroyedMagic() {
        Path damaged = Fixtures.resolve("damaged/redis-7.0-magic-overwritten.rdb");
        CliRunner.Result r = CliRunner.run("export", damaged.toString(), "--producer", "redis", "--assume-version", "10");
        // Every key is read; only the checksum, which covered the lost magic, no longer matches.
        assertThat(r.out().lines().filter(l -> l.startsWith("{\"key\"") || l.contains("\"key\":")).count()).isEqualTo(509 + 18 + 11 + 5);
        CliRunner.Result inspect = CliRunner.run("inspect", damaged.toString(), "--producer", "redis", "--assume-version", "10");
        assertThat(inspect.out()).contains("written by Redis 7.0.15").contains("543 (");
    }

    @Test
    void aRepairedFileOfAnAssumedHeaderGetsTheHeaderOfWhatWasRead() throws IOException {
        Path damaged = Fixtures.resolve("damaged/redis-7.0-magic-overwritten.rdb");
        Path out = tmp.resolve("repaired.rdb");
        CliRunner.Result r = CliRunner.run("salvage", damaged.toString(), "-o", out.toString(), "--producer", "redis", "--assume-version", "10");
        assertThat(Files.exists(out)).as(r.out() + r.err()).isTrue();
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(out), 9);
        assertThat(new String(head, java.nio.charset.StandardCharsets.ISO_8859_1)).isEqualTo("REDIS0010");
        CliRunner.Result check = CliRunner.run("check", out.toString());
        assertThat(check.exitCode()).as(check.out() + check.err()).isZero();
        assertThat(check.out()).contains("543 keys");
    }
}
