package dev.salvor.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.salvor.fixtures.Fixtures;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java peer of the benchmark does the same work as {@code salvor export}: on the real fixtures
 * it can read, its output is the dataset the live server held (order of keys and of set, zset and
 * hash elements aside), so the benchmark compares like with like.
 */
class ReplicatorJsonExportTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The fixtures redis-replicator 3.8.1 reads: RDB 6 to 11, without Redis 7.4's hash field TTLs. */
    static Stream<Arguments> fixtures() {
        return Stream.of("redis-2.8", "redis-3.2", "redis-4.0", "redis-5.0", "redis-6.2", "redis-7.0", "redis-7.2")
                .map(v -> Arguments.of(v, Fixtures.resolve("rdb/" + v + "/dataset.rdb"), Fixtures.resolve("rdb/" + v + "/dataset.expected.ndjson")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void exportEqualsLiveServerTruth(String name, Path rdb, Path expected) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long keys;
        try (ReplicatorJsonExport export = new ReplicatorJsonExport(out)) {
            keys = export.run(rdb.toFile());
        }
        Map<String, JsonNode> truth = canonical(Files.readString(expected));
        Map<String, JsonNode> got = canonical(out.toString(StandardCharsets.UTF_8));
        assertThat(keys).isEqualTo(truth.size());
        assertThat(got.keySet()).as("keys of %s", name).isEqualTo(truth.keySet());
        for (Map.Entry<String, JsonNode> e : truth.entrySet()) {
            assertThat(got.get(e.getKey())).as("key %s of %s", e.getKey(), name).isEqualTo(e.getValue());
        }
    }

    /** Why the peer carries {@link PatchedValueVisitor}: as released, the library stops on these real files. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void asReleasedTheLibraryStopsOnRealFiles(String name, Path rdb, Path expected) throws IOException {
        try (ReplicatorJsonExport export = new ReplicatorJsonExport(OutputStream.nullOutputStream(), true)) {
            assertThatThrownBy(() -> export.run(rdb.toFile())).isInstanceOf(NumberFormatException.class);
        }
    }

    @org.junit.jupiter.api.Test
    void scoresAsRedisWritesThemInSmallZsets() {
        assertThat(PatchedValueVisitor.score("-inf".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(PatchedValueVisitor.score("inf".getBytes(StandardCharsets.US_ASCII))).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(PatchedValueVisitor.score("-0.5".getBytes(StandardCharsets.US_ASCII))).isEqualTo(-0.5);
        assertThat(PatchedValueVisitor.score("1e+300".getBytes(StandardCharsets.US_ASCII))).isEqualTo(1e300);
    }

    /** Records by db and key, with set, zset and hash elements sorted and scores as doubles. */
    private static Map<String, JsonNode> canonical(String ndjson) throws IOException {
        Map<String, JsonNode> byKey = new TreeMap<>();
        for (String line : ndjson.split("\n")) {
            if (line.isBlank()) continue;
            JsonNode record = MAPPER.readTree(line);
            String type = record.get("type").asText();
            JsonNode value = record.get("value");
            if (type.equals("set") || type.equals("hash") || type.equals("zset")) {
                List<JsonNode> elements = new ArrayList<>();
                value.forEach(v -> elements.add(type.equals("zset") ? zsetEntry(v) : v));
                elements.sort(Comparator.comparing(JsonNode::toString));
                ArrayNode sorted = MAPPER.createArrayNode();
                elements.forEach(sorted::add);
                ((com.fasterxml.jackson.databind.node.ObjectNode) record).set("value", sorted);
            }
            byKey.put(record.get("db") + " " + record.get("key"), record);
        }
        return byKey;
    }

    private static JsonNode zsetEntry(JsonNode pair) {
        ArrayNode a = MAPPER.createArrayNode();
        a.add(pair.get(0));
        JsonNode s = pair.get(1);
        a.add(s.isTextual() ? s.asText() : Double.toString(s.asDouble()));
        return a;
    }
}
