package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** diff within --max-memory holds neither side nor the differences: a fixed heap, bounded temporary disk. */
class DiffMemoryTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");
    private static final String MARK = "a".repeat(40);

    @TempDir
    Path tmp;

    private static List<String> names(Path dir) throws Exception {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void fourHundredThousandDifferencesInASixtyFourMegabyteHeap() throws Exception {
        int keys = 400_000;
        try (FakeMaster master = new FakeMaster(out -> {
            FakeMaster.snapshotStart(out, MARK);
            for (int i = 0; i < keys; i++) FakeMaster.stringKey(out, "only-in-b:", i);
            FakeMaster.snapshotEnd(out, MARK);
        })) {
            Path t = Files.createDirectories(tmp.resolve("t"));
            SalvorProcess.Result r = SalvorProcess.run(tmp, List.of("-Xmx64m", "-Djava.io.tmpdir=" + t), Map.of(), 300,
                    "diff", RDB.toString(), master.url(), "--via", "replication", "--max-memory", "16m", "--json");
            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            JsonNode summary = new ObjectMapper().readTree(r.out().lines().findFirst().orElseThrow());
            assertThat(summary.get("by_kind").get("only_in_b").asLong()).isEqualTo(keys);
            assertThat(summary.get("keys_b").asLong()).isEqualTo(keys);
            // Every difference is written out, in order, and nothing is left on disk.
            assertThat(r.out().lines().skip(1).filter(l -> l.contains("\"only_in_b\"")).count()).isEqualTo(keys);
            assertThat(names(t)).isEmpty();
        }
    }

    @Test
    void anEndlessSnapshotStopsAtTheTemporaryDiskLimitAndLeavesNothing() throws Exception {
        try (FakeMaster master = new FakeMaster(out -> {
            FakeMaster.snapshotStart(out, MARK);
            for (long i = 0; ; i++) FakeMaster.stringKey(out, "endless:", i);
        })) {
            Path t = tmp.resolve("t");
            SalvorProcess.Result r = SalvorProcess.run(tmp, List.of("-Xmx64m"), Map.of(), 300,
                    "diff", RDB.toString(), master.url(), "--via", "replication", "--max-memory", "8m", "--temp-dir", t.toString(), "--temp-limit", "64m");
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
            assertThat(r.err()).contains("--temp-limit").doesNotContain("out of memory");
            assertThat(names(t)).isEmpty();
        }
    }
}
