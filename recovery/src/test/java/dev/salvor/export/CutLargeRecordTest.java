package dev.salvor.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.salvage.ExportingVisitor;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.SalvageReport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10.10: a record larger than the exporter's 8 MiB record buffer has sent its first part to
 * the output before damage cuts it. The output must stay valid NDJSON: the record is closed and
 * marked partial in a plain export, and a salvage export writes the cut key once, as partial.
 */
class CutLargeRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path cut;

    /** A real redis-server writes small keys, then a 12 MB list; the file is cut inside the list. */
    @BeforeAll
    static void writeFile() throws Exception {
        Path saved;
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"), "--rdbcompression", "no")) {
            Random rnd = new Random(3);
            for (int i = 0; i < 20; i++) redis.call("SET", "before:" + i, "v" + i);
            // The list in db 1: db 0's small keys come first in the file, whatever the hash order.
            redis.call("SELECT", "1");
            for (int chunk = 0; chunk < 120; chunk++) {
                List<Object> args = new ArrayList<>(List.of("RPUSH", "huge"));
                for (int k = 0; k < 1000; k++) {
                    char[] c = new char[100];
                    for (int x = 0; x < c.length; x++) c[x] = (char) ('a' + rnd.nextInt(26));
                    args.add(new String(c));
                }
                redis.call(args.toArray());
            }
            saved = redis.save();
            byte[] bytes = Files.readAllBytes(saved);
            // Cut at 90 %: inside the list, whose JSON passes 8 MiB well before that.
            cut = dir.resolve("cut.rdb");
            Files.write(cut, Arrays.copyOf(bytes, bytes.length * 9 / 10));
        }
    }

    @Test
    void plainExportClosesTheSpilledRecordAsPartial() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(cut); NdjsonExporter e = new NdjsonExporter(out)) {
            assertThatThrownBy(() -> e.export(r)).isInstanceOf(RdbFormatException.class);
        }
        List<JsonNode> lines = lines(out);
        JsonNode huge = lines.stream().filter(n -> n.path("key").asText().equals("huge")).findFirst().orElseThrow();
        assertThat(huge.get("partial").asBoolean()).isTrue();
        assertThat(huge.get("value").size()).isGreaterThan(50_000).isLessThan(120_000);
    }

    @Test
    void salvageExportWritesTheCutKeyOnceAsPartial() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SalvageReport report;
        try (NdjsonExporter e = new NdjsonExporter(out)) {
            report = RdbSalvager.salvage(cut, new ExportingVisitor(e), null);
        }
        List<JsonNode> lines = lines(out);
        assertThat(lines.stream().filter(n -> n.path("key").asText().equals("huge"))).singleElement()
                .satisfies(n -> assertThat(n.get("partial").asBoolean()).isTrue());
        assertThat(lines.stream().filter(n -> n.path("key").asText().startsWith("before:"))).hasSize(20);
        assertThat(report.keysPartial()).isEqualTo(1);
    }

    /** Every line must be one whole JSON object. */
    private static List<JsonNode> lines(ByteArrayOutputStream out) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty()) continue;
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }
}
