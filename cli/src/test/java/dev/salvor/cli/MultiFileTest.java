package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** {@code salvor check backups/*.rdb}: one line per file and a summary; --json one object per file. */
class MultiFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RDB74 = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");
    private static final Path VALKEY = Fixtures.resolve("rdb/valkey-8.0/dataset.rdb");
    private static final Path AOF_DIR = Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir");
    private static final Path DEMO = Path.of("..", "fixtures", "demo", "damaged.rdb");

    @TempDir
    Path tmp;

    @Test
    void checkOfSeveralFilesGivesALineEachAndASummary() throws Exception {
        String missing = tmp.resolve("gone.rdb").toString();
        CliRunner.Result r = CliRunner.run("check", RDB74.toString(), DEMO.toString(), missing, AOF_DIR.toString());
        List<String> lines = r.out().strip().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith(RDB74 + ": clean (RDB version 12, 550 keys");
        assertThat(lines.get(1)).startsWith(DEMO + ": DAMAGED: 2 problems, first at offset 49163");
        assertThat(lines.get(2)).isEqualTo(missing + ": UNREADABLE: no such file");
        assertThat(lines.get(3)).startsWith(AOF_DIR + ": clean (multi-part AOF");
        assertThat(lines.get(4)).isEqualTo("4 files: 2 clean, 1 damaged, 1 could not be read");
        assertThat(r.exitCode()).isEqualTo(2); // the worst: a file could not be read
        assertThat(CliRunner.run("check", RDB74.toString(), DEMO.toString()).exitCode()).isEqualTo(1);
        assertThat(CliRunner.run("check", RDB74.toString(), VALKEY.toString()).exitCode()).isEqualTo(0);

        CliRunner.Result j = CliRunner.run("check", RDB74.toString(), DEMO.toString(), missing, "--json");
        List<String> objects = j.out().strip().lines().toList();
        assertThat(objects).hasSize(3);
        assertThat(JSON.readTree(objects.get(0)).get("clean").asBoolean()).isTrue();
        JsonNode demo = JSON.readTree(objects.get(1));
        assertThat(demo.get("file").asText()).isEqualTo(DEMO.toString());
        assertThat(demo.get("problems")).hasSize(2);
        assertThat(JSON.readTree(objects.get(2)).get("error").asText()).contains("no such file");
    }

    @Test
    void inspectOfSeveralFilesGivesALineEachAndOneObjectPerFile() throws Exception {
        CliRunner.Result r = CliRunner.run("inspect", RDB74.toString(), VALKEY.toString(), DEMO.toString(), AOF_DIR.toString());
        List<String> lines = r.out().strip().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).startsWith(RDB74 + ": RDB version 12 (Redis 7.4.1), 550 keys").endsWith("clean");
        assertThat(lines.get(1)).startsWith(VALKEY + ": RDB version 11 (Valkey 8.0.1)");
        assertThat(lines.get(2)).contains("DAMAGED");
        assertThat(lines.get(3)).startsWith(AOF_DIR + ": multi-part AOF");
        assertThat(lines.get(4)).isEqualTo("4 files: 3 clean, 1 damaged, 0 could not be read");
        assertThat(r.exitCode()).isEqualTo(1);
        CliRunner.Result j = CliRunner.run("inspect", RDB74.toString(), VALKEY.toString(), "--json");
        List<String> objects = j.out().strip().lines().toList();
        assertThat(objects).hasSize(2);
        assertThat(JSON.readTree(objects.get(1)).get("written_by").asText()).isEqualTo("Valkey 8.0.1");
        assertThat(JSON.readTree(objects.get(0)).get("keys").asInt()).isEqualTo(550);
    }
}
