package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.check.RdbChecker;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.fixtures.RdbBuilder.IdmpProducer;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Redis 8.6/8.8 streams (types 26, 27) through export (the nacked ids of a group, the
 * idempotent-producer state), check, and salvage, whose repaired file keeps a stream cut in its
 * tail as the v3 stream of its intact nodes. Built byte by byte (no Redis 8.6+ runs here).
 */
class StreamV4V5FilesTest {
    @TempDir
    Path tmp;

    private static JsonNode exportOne(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(file); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void exportShowsNackedIdsAndProducers() throws IOException {
        long t = 1779170191996L;
        Path f = tmp.resolve("v5.rdb");
        RdbBuilder b = new RdbBuilder("REDIS0014").selectDb(0, 1, 0).key(27, "s").len(1)
                .streamNode(t, 0, new Object[] {0L, 0L, "f", "1"}, new Object[] {1L, 0L, "f", "2"}, new Object[] {2L, 0L, "f", "3"})
                .len(3).len(t + 2).len(0).len(t).len(0).len(0).len(0).len(3)
                .len(2);
        // Group "a": two pending, one consumer holding one, one nacked; group "b": nothing pending, no consumers, none nacked.
        b.str("a").len(t + 2).len(0).len(3).len(2).rawStreamId(t, 0).le64(t + 10).len(1).rawStreamId(t + 1, 0).le64(0).len(1)
                .len(1).str("c1").le64(t + 10).le64(t + 10).len(1).rawStreamId(t, 0)
                .len(1).rawStreamId(t + 1, 0);
        b.str("b").len(t + 2).len(0).len(3).len(0).len(0).len(0);
        b.streamIdmp(60, 1000, 7, 1, new IdmpProducer("p1", new Object[] {"i1", t, 0L}, new Object[] {"i2", t + 1, 0L}));
        Files.write(f, b.finish());
        JsonNode v = exportOne(f).path("value");
        assertThat(v.path("entries")).hasSize(3);
        assertThat(v.path("groups").get(0).path("pending").toString()).isEqualTo("[\"" + t + "-0\",\"" + (t + 1) + "-0\"]");
        assertThat(v.path("groups").get(0).path("consumers").toString()).isEqualTo("[\"c1\"]");
        assertThat(v.path("groups").get(0).path("nacked").toString()).isEqualTo("[\"" + (t + 1) + "-0\"]");
        assertThat(v.path("groups").get(1).path("nacked").toString()).isEqualTo("[]");
        assertThat(v.path("groups").get(1).path("consumers").toString()).isEqualTo("[]");
        assertThat(v.path("idmp").toString()).isEqualTo("{\"duration\":60,\"max_entries\":1000,\"producers\":[{\"pid\":\"p1\",\"entries\":"
                + "[[\"i1\",\"" + t + "-0\"],[\"i2\",\"" + (t + 1) + "-0\"]]}],\"iids_added\":7,\"iids_duplicates\":1}");
        assertThat(RdbChecker.checkFile(f, null).problems()).isEmpty();
    }

    @Test
    void aV4StreamCutInItsTailIsKeptAsTheV3StreamOfItsNodes() throws IOException {
        long t = 1771945454291L;
        RdbBuilder b = new RdbBuilder("REDIS0013").selectDb(0, 2, 0).key(26, "s").len(3);
        for (int n = 0; n < 3; n++) {
            Object[][] entries = new Object[20][];
            for (int i = 0; i < 20; i++) entries[i] = new Object[] {(long) i, 0L, "field", "value-" + n + "-" + i + "x".repeat(30)};
            b.streamNode(t + n * 100, 0, entries);
        }
        int tail = b.offset();
        b.len(60).len(t + 219).len(0).len(t).len(0).len(0).len(0).len(60).len(0)
                .streamIdmp(100, 100, 0, 0, new IdmpProducer("producer1", new Object[] {"iid", t, 0L}));
        b.stringKey("after", "v");
        byte[] bytes = b.finish();
        // Cut the file in the stream's tail: its three nodes are intact, its metadata is not.
        Path cut = tmp.resolve("cut.rdb");
        Files.write(cut, java.util.Arrays.copyOf(bytes, tail + 4));
        Path repaired = tmp.resolve("repaired.rdb");
        try (FileChannel in = FileChannel.open(cut); OutputStream out = Files.newOutputStream(repaired)) {
            RdbSalvager.salvage(cut, new RepairWriter(in, out), null);
        }
        try (RdbReader r = RdbReader.open(repaired)) {
            RdbToken tok;
            int entries = 0;
            while ((tok = r.next()) != RdbToken.END) {
                if (tok == RdbToken.KEY) assertThat(r.encoding()).isEqualTo(dev.salvor.rdb.RdbEncoding.STREAM_LISTPACKS_3);
                if (tok == RdbToken.ELEMENT && r.elementKind() == dev.salvor.rdb.ElementKind.STREAM_ENTRY) entries++;
            }
            assertThat(entries).isEqualTo(60);
        }
        assertThat(RdbChecker.checkFile(repaired, null).problems()).isEmpty();
    }
}
