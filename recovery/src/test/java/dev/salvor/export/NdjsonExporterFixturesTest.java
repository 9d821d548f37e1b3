package dev.salvor.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every real RDB fixture (Redis 2.8 to 8.0, Valkey 8, cluster mode) exports exactly its live-server truth. */
class NdjsonExporterFixturesTest {
    static Stream<Arguments> fixtures() {
        return Fixtures.rdbsWithTruth().stream().map(p -> Arguments.of(Fixtures.root().relativize(p[0]).toString(), p[0], p[1]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void exportEqualsLiveServerTruth(String name, Path rdb, Path expected) throws IOException {
        for (long sortLimit : new long[] {NdjsonExporter.NO_SORT, NdjsonExporter.DEFAULT_SORT_LIMIT}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (RdbReader r = RdbReader.open(rdb);
                 NdjsonExporter e = new NdjsonExporter(out, ExportFormat.NDJSON, KeySelector.ALL, sortLimit)) {
                e.export(r);
                assertThat(r.checksumStatus()).isEqualTo(ChecksumStatus.OK);
            }
            Map<String, String> truth = Truth.load(expected);
            Map<String, String> got = Truth.load(out.toString(StandardCharsets.UTF_8));
            assertThat(got.keySet()).as("keys of %s", name).isEqualTo(truth.keySet());
            for (Map.Entry<String, String> e : truth.entrySet()) {
                assertThat(got.get(e.getKey())).as("key %s of %s", e.getKey(), name).isEqualTo(e.getValue());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void sortedExportIsInCanonicalOrder(String name, Path rdb, Path expected) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(rdb);
             NdjsonExporter e = new NdjsonExporter(out, ExportFormat.NDJSON, KeySelector.ALL, NdjsonExporter.DEFAULT_SORT_LIMIT)) {
            e.export(r);
        }
        // The truth files are written in canonical order: each record must match byte for byte,
        // except for score text (compared as doubles above) and key order.
        Map<String, String> byKey = new java.util.HashMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("\"type\":\"set\"") || line.contains("\"type\":\"hash\"")) byKey.put(line.substring(0, line.indexOf(",\"type\"")), line);
        }
        for (String line : java.nio.file.Files.readAllLines(expected)) {
            if (!(line.contains("\"type\":\"set\"") || line.contains("\"type\":\"hash\""))) continue;
            String head = line.substring(0, line.indexOf(",\"type\""));
            assertThat(byKey.get(head)).as("%s in %s", head, name).isEqualTo(line);
        }
    }
}
