package dev.salvor.diff;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 10.7: audit --sample picks the share of keys it is asked for, on real key names. The
 * count sampled from n names at fraction p must lie within the binomial spread of n independent
 * draws (5 standard deviations: a correct hash fails this with odds under one in a million); the
 * FNV-based hash it replaced sampled 4.6 % at 0.1 and 67 % at 0.5 of a 543-key fixture.
 */
class KeySampleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double[] FRACTIONS = {0.01, 0.05, 0.1, 0.25, 0.5, 0.9};

    /** Every distinct key name of the fixture datasets (as written by real servers), with its database. */
    static List<Object[]> fixtureNames() throws Exception {
        Set<String> seen = new LinkedHashSet<>();
        List<Object[]> out = new ArrayList<>();
        for (Path[] pair : Fixtures.rdbsWithTruth()) {
            for (String line : Files.readAllLines(pair[1])) {
                if (line.isBlank()) continue;
                JsonNode n = JSON.readTree(line);
                if (!n.has("key")) continue;
                JsonNode k = n.get("key");
                byte[] key = k.isTextual() ? k.asText().getBytes(StandardCharsets.UTF_8) : Base64.getDecoder().decode(k.get("base64").asText());
                if (seen.add(n.get("db").asInt() + "/" + new String(key, StandardCharsets.ISO_8859_1))) out.add(new Object[] {n.get("db").asInt(), key});
            }
        }
        // And the names of the salvage oracle datasets (as their servers listed them).
        for (String server : List.of("redis-7.0", "redis-7.2", "redis-7.4", "redis-8.0-m01", "valkey-8.0")) {
            for (String line : Files.readAllLines(Fixtures.resolve("oracle/" + server + "/dataset.dumps.ndjson"))) {
                if (line.isBlank()) continue;
                JsonNode n = JSON.readTree(line);
                byte[] key = Base64.getDecoder().decode(n.get("key").asText());
                if (seen.add(n.get("db").asInt() + "/" + new String(key, StandardCharsets.ISO_8859_1))) out.add(new Object[] {n.get("db").asInt(), key});
            }
        }
        return out;
    }

    static List<Object[]> sequence(String format, int n) {
        List<Object[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(new Object[] {0, String.format(format, i).getBytes(StandardCharsets.UTF_8)});
        return out;
    }

    private static void assertBinomial(String what, List<Object[]> keys) {
        for (double p : FRACTIONS) {
            KeySample sample = new KeySample(p);
            long hits = keys.stream().filter(k -> sample.contains((Integer) k[0], (byte[]) k[1])).count();
            double mean = keys.size() * p;
            double sd = Math.sqrt(keys.size() * p * (1 - p));
            assertThat((double) hits).as("%s: %d names at fraction %.2f sampled %d (expected %.0f ± %.0f)", what, keys.size(), p, hits, mean, 5 * sd)
                    .isBetween(mean - 5 * sd - 1, mean + 5 * sd + 1);
        }
    }

    @Test
    void fixtureKeyNamesAreSampledAtTheAskedShare() throws Exception {
        List<Object[]> names = fixtureNames();
        assertThat(names.size()).isGreaterThan(800);
        assertBinomial("fixture names", names);
    }

    @Test
    void numberedNamesAreSampledAtTheAskedShare() {
        assertBinomial("key:N", sequence("key:%d", 100_000));
        assertBinomial("user:N:profile", sequence("user:%d:profile", 50_000));
        assertBinomial("N", sequence("%d", 50_000));
        assertBinomial("session:%08x", sequence("session:%08x", 50_000));
    }

    @Test
    void theSameKeyIsChosenWhateverTheSideAndDatabaseMatters() {
        KeySample sample = new KeySample(0.5);
        byte[] key = "order:42".getBytes(StandardCharsets.UTF_8);
        assertThat(sample.contains(0, key)).isEqualTo(new KeySample(0.5).contains(0, key));
        long differentByDb = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] k = ("k" + i).getBytes(StandardCharsets.UTF_8);
            if (sample.contains(0, k) != sample.contains(1, k)) differentByDb++;
        }
        assertThat(differentByDb).isBetween(400L, 600L);
    }

    @Test
    void theGuaranteeComesFromTheCountReallySampled() {
        // 459 of 4,590 keys: a difference touching 1 % of keys goes unseen with probability 0.99^459 < 1 %.
        assertThat(KeySample.detectableShare(459)).isBetween(0.0099, 0.01);
        assertThat(KeySample.statement(25, 543)).startsWith("sampled 25 of 543 backup keys (4.6%)");
        assertThat(KeySample.detectableShare(0)).isEqualTo(1.0);
    }
}
