package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.check.CheckReport;
import dev.salvor.check.RdbChecker;
import dev.salvor.export.KeySelector;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.export.ParallelExport;
import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.rdb.RdbReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Redis 8.10 file with hash templates goes through export (one thread and several, whose
 * readers start mid-file and must know the templates declared at the top), check, and salvage
 * with a repaired file; damage that takes the template records loses the hashes that need them
 * and invents none. Built byte by byte (no Redis 8.10 runs here); the truth is the builder's input.
 */
class TemplateHashFilesTest {
    @TempDir
    Path tmp;

    private static final String[] FIELDS = {"id", "name", "email", "address"}; // ascending by length, then bytes
    /** key -> field -> value, as written. */
    private final Map<String, Map<String, String>> truth = new LinkedHashMap<>();
    private int templateEnd;

    private byte[] build(int keys) {
        RdbBuilder b = new RdbBuilder("REDIS0015").aux("redis-ver", "8.10.0").hashTemplate(3, FIELDS);
        templateEnd = b.offset();
        b.selectDb(0, keys, 0);
        for (int i = 0; i < keys; i++) {
            String key = "user:" + i;
            Map<String, String> h = new LinkedHashMap<>();
            h.put("id", Integer.toString(i));
            h.put("name", "name-" + i);
            h.put("email", "u" + i + "@example.org");
            h.put("address", ("street " + i + " ").repeat(400));
            truth.put(key, h);
            if (i % 2 == 0) {
                b.key(30, key).str(RdbBuilder.listpack(3L, h.get("id"), h.get("name"), h.get("email"), h.get("address")));
            } else {
                b.key(32, key).len(3);
                for (String f : FIELDS) b.str(h.get(f));
            }
        }
        return b.finish();
    }

    private static Map<String, Map<String, String>> hashesOf(String ndjson) throws IOException {
        ObjectMapper m = new ObjectMapper();
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (String line : ndjson.split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = m.readTree(line);
            assertThat(n.path("type").asText()).isEqualTo("hash");
            Map<String, String> h = new LinkedHashMap<>();
            for (JsonNode pair : n.path("value")) h.put(pair.get(0).asText(), pair.get(1).asText());
            out.put(n.path("key").asText(), h);
        }
        return out;
    }

    private static String export(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(file); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exportCheckAndParallelExport() throws IOException {
        Path file = tmp.resolve("v15.rdb");
        Files.write(file, build(600));
        assertThat(Files.size(file)).isGreaterThan(2L << 20);
        String one = export(file);
        assertThat(hashesOf(one)).isEqualTo(new TreeMap<>(truth));
        ByteArrayOutputStream many = new ByteArrayOutputStream();
        new ParallelExport(file, KeySelector.ALL, 3).run(many, p -> { });
        assertThat(many.toString(StandardCharsets.UTF_8)).isEqualTo(one);
        CheckReport check = RdbChecker.checkFile(file, null);
        assertThat(check.problems()).isEmpty();
        assertThat(check.keys()).isEqualTo(600);
    }

    private SalvageReport repair(Path damaged, Path repaired) throws IOException {
        try (FileChannel in = FileChannel.open(damaged); OutputStream out = Files.newOutputStream(repaired)) {
            return RdbSalvager.salvage(damaged, new RepairWriter(in, out), null);
        }
    }

    @Test
    void salvageKeepsTheTemplatesAndInventsNothing() throws IOException {
        byte[] bytes = build(600);
        Path damaged = tmp.resolve("damaged.rdb");
        byte[] d = bytes.clone();
        int page = (d.length / 2) & ~4095;
        Arrays.fill(d, page, page + 4096, (byte) 0);
        Files.write(damaged, d);
        Path repaired = tmp.resolve("repaired.rdb");
        SalvageReport report = repair(damaged, repaired);
        assertThat(report.regions()).isNotEmpty();
        Map<String, Map<String, String>> got = hashesOf(export(repaired));
        // The repaired file declares the templates again, so its hashes read; each is what was written.
        for (Map.Entry<String, Map<String, String>> e : got.entrySet()) assertThat(e.getValue()).as(e.getKey()).isEqualTo(truth.get(e.getKey()));
        // Keys wholly before or after the zeroed page survive.
        assertThat(got).containsKeys("user:0", "user:1", "user:599");
        assertThat(got.size() + report.keysLost()).isGreaterThanOrEqualTo(600 - 2);
        assertThat(RdbChecker.checkFile(repaired, null).problems()).isEmpty();
    }

    @Test
    void hashesWhoseTemplateWasLostAreLostNotInvented() throws IOException {
        byte[] d = build(40);
        // Destroy the template record (after the AUX field): every hash refers to it.
        Arrays.fill(d, 9 + 2 + "redis-ver".length() + 1 + "8.10.0".length() , templateEnd, (byte) 0x20);
        Path damaged = tmp.resolve("no-template.rdb");
        Files.write(damaged, d);
        Path repaired = tmp.resolve("repaired.rdb");
        SalvageReport report = repair(damaged, repaired);
        assertThat(report.keysRecovered()).isZero();
        assertThat(export(repaired)).isEmpty();
        assertThat(report.regions()).isNotEmpty();
    }
}
