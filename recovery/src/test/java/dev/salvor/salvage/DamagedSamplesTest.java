package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.fixtures.Fixtures;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10.2 on the named damaged samples of {@code fixtures/damaged/} (made by
 * {@code fixtures/make-damaged.py} from real servers' files): every count in the report is checked
 * against the live server's truth for the source file ({@code dataset.expected.ndjson}), never
 * against Salvor's own reading of the intact file.
 */
class DamagedSamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A sample, its damage description, the truth of its source and what salvage exported. */
    record Run(JsonNode damage, Set<String> truth, Map<Integer, Long> truthPerDb, SalvageReport report, Set<String> recovered,
               Set<String> partial) {
        /** Keys of the source that salvage brought back neither whole nor in part. */
        long trulyLost() {
            return truth.stream().filter(k -> !recovered.contains(k) && !partial.contains(k)).count();
        }
    }

    static Run run(String sample) throws IOException {
        Path file = Fixtures.resolve("damaged/" + sample);
        JsonNode damage = JSON.readTree(Fixtures.resolve("damaged/" + sample + ".damage.json").toFile());
        Set<String> truth = new HashSet<>();
        Map<Integer, Long> perDb = new HashMap<>();
        Path truthFile = Fixtures.resolve(damage.get("source").asText()).resolveSibling("dataset.expected.ndjson");
        for (String line : Files.readAllLines(truthFile)) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            if (!n.has("key")) continue;
            truth.add(id(n));
            perDb.merge(n.get("db").asInt(), 1L, Long::sum);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SalvageReport report;
        try (NdjsonExporter e = new NdjsonExporter(out)) {
            report = RdbSalvager.salvage(file, new ExportingVisitor(e), null);
        }
        Set<String> recovered = new HashSet<>();
        Set<String> partial = new HashSet<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            if (!n.has("key")) continue;
            (n.path("partial").asBoolean(false) ? partial : recovered).add(id(n));
        }
        return new Run(damage, truth, perDb, report, recovered, partial);
    }

    static String id(JsonNode n) {
        JsonNode k = n.get("key");
        byte[] key = k.isTextual() ? k.asText().getBytes(StandardCharsets.UTF_8) : Base64.getDecoder().decode(k.get("base64").asText());
        return n.get("db").asInt() + "/" + new String(key, StandardCharsets.ISO_8859_1);
    }

    @Test
    void lostKeysBeyondTheNamedOneAreCountedFromResizedb() throws Exception {
        Run r = run("valkey-8.0-page-40-zeroed.rdb");
        SalvageReport.Losses l = r.report().losses();
        // One key named; RESIZEDB says how many more are gone; nothing else is unknown.
        assertThat(r.trulyLost()).isGreaterThan(l.named());
        assertThat(l.atLeast()).isEqualTo(r.trulyLost());
        assertThat(l.unnamedAtLeast()).isEqualTo(r.trulyLost() - l.named());
        for (SalvageReport.DbCount d : l.databases()) {
            assertThat(d.announcedKeys()).as("db %d RESIZEDB", d.db()).isEqualTo(r.truthPerDb().get(d.db()));
        }
        // The text leads with the worst truthful figure.
        assertThat(SalvageSummary.lines(r.report()).get(0)).startsWith("LOST: at least " + r.trulyLost() + " keys");
        assertThat(SalvageSummary.lines(r.report())).anyMatch(line -> line.contains("db 0 announced " + r.truthPerDb().get(0) + " keys"));
    }

    @Test
    void aCutOffFileSaysNothingIsKnownPastItsEnd() throws Exception {
        Run r = run("redis-2.8-page-20-zeroed-cut-180000.rdb");
        SalvageReport.Losses l = r.report().losses();
        long cutAt = r.damage().get("damage").get(1).get("at").asLong();
        assertThat(l.truncated()).isTrue();
        assertThat(l.fileEndsAt()).isEqualTo(cutAt);
        assertThat(SalvageSummary.unknowns(l)).anyMatch(u -> u.startsWith("the file ends at offset 180,000: nothing is known of what followed"));
        // RDB 6 has no RESIZEDB: the lower bound is only what is named, and it is said to be so.
        assertThat(l.unannounced()).contains(0);
        assertThat(l.atLeast()).isPositive().isLessThanOrEqualTo(r.trulyLost());
        assertThat(SalvageSummary.lines(r.report()).get(0)).contains("more may be lost, see below");
    }

    @Test
    void auxFieldsFunctionsAndKeysBehindADestroyedMagicAreKept() throws Exception {
        Run r = run("redis-7.0-magic-overwritten.rdb");
        SalvageReport report = r.report();
        assertThat(report.headerDamaged()).isTrue();
        assertThat(report.regions()).singleElement().satisfies(c -> {
            assertThat(c.start()).isZero();
            assertThat(c.end()).isEqualTo(9);
        });
        List<String> functions = new java.util.ArrayList<>();
        JsonNode libs = JSON.readTree(Fixtures.resolve("rdb/redis-7.0/dataset.functions.json").toFile());
        libs.forEach(lib -> functions.add(lib.get("library").asText()));
        assertThat(report.losses().functions().recovered()).containsExactlyInAnyOrderElementsOf(functions);
        assertThat(report.losses().aux().recovered()).contains("redis-ver", "redis-bits", "ctime", "used-mem");
        assertThat(r.recovered()).isEqualTo(r.truth());
        assertThat(report.losses().atLeast()).isZero();
        assertThat(SalvageSummary.lines(report).get(0)).isEqualTo("LOST: no key (every database's own key count is met)");
    }

    @Test
    void namesSeenInDamageAreKeysOfTheSourceThatWereNotRecovered() throws Exception {
        for (String sample : List.of("valkey-8.0-page-40-zeroed.rdb", "redis-7.0-page-30-zeroed.rdb", "redis-2.8-page-20-zeroed-cut-180000.rdb")) {
            Run r = run(sample);
            for (SalvageReport.SeenKey k : r.report().losses().seenInDamage()) {
                String name = new String(k.key(), StandardCharsets.ISO_8859_1);
                assertThat(r.truth()).as("%s: seen %s is a key of the source", sample, name).anyMatch(t -> t.endsWith("/" + name));
                assertThat(r.recovered()).as("%s: seen %s was not recovered", sample, name).noneMatch(t -> t.endsWith("/" + name));
            }
        }
    }

    /**
     * Each sample's report as expected ({@code NAME.expected.json} beside it, as Commons Compress
     * keeps its named samples with what they must give): regions, counts, named losses and
     * bounds. The tests above check these figures against the truth; this one pins them, so a
     * rule change that moves one fails here, by the sample's name. After a deliberate change,
     * {@code -Dsalvor.writeExpected=true} rewrites the files (in the source tree) for review.
     */
    @ParameterizedTest
    @ValueSource(strings = {"valkey-8.0-page-40-zeroed.rdb", "redis-2.8-page-20-zeroed-cut-180000.rdb", "redis-7.0-magic-overwritten.rdb",
            "redis-7.0-page-30-zeroed.rdb", "redis-7.0-first-page-zeroed.rdb"})
    void eachSampleGivesItsExpectedReport(String sample) throws Exception {
        SalvageReport r = run(sample).report();
        com.fasterxml.jackson.databind.node.ObjectNode got = JSON.createObjectNode();
        got.put("header_damaged", r.headerDamaged());
        got.put("checksum", r.checksum().name().toLowerCase(java.util.Locale.ROOT));
        com.fasterxml.jackson.databind.node.ArrayNode regions = got.putArray("regions");
        for (CorruptRegion c : r.regions()) {
            regions.addObject().put("start", c.start()).put("end", c.end()).put("reason", c.reason()).put("truncation", c.truncation());
        }
        got.put("keys_recovered", r.keysRecovered());
        got.put("keys_partial", r.keysPartial());
        com.fasterxml.jackson.databind.node.ArrayNode named = got.putArray("lost_by_name");
        r.lostKeys().forEach(k -> named.add(new String(k, StandardCharsets.ISO_8859_1)));
        got.put("lost_at_least", r.losses().atLeast());
        com.fasterxml.jackson.databind.node.ArrayNode seen = got.putArray("seen_in_damage");
        r.losses().seenInDamage().forEach(k -> seen.add(new String(k.key(), StandardCharsets.ISO_8859_1)));
        got.put("file_ends_at", r.losses().fileEndsAt());
        got.put("start_lost_to", r.losses().startLostTo());

        String name = sample + ".expected.json";
        if (Boolean.getBoolean("salvor.writeExpected")) {
            Path src = Path.of("..", "fixtures", "src", "main", "resources", "dev", "salvor", "fixtures", "damaged", name);
            Files.writeString(src, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(got) + "\n");
        }
        JsonNode expected = JSON.readTree(Fixtures.resolve("damaged/" + name).toFile());
        // Read back as text is, so that numbers compare by value, not by node type.
        JsonNode actual = JSON.readTree(JSON.writeValueAsString(got));
        assertThat(actual).as("%s: salvage's report (left) against %s", sample, name).isEqualTo(expected);
    }
}
