package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.export.ExportFormat;
import dev.salvor.export.KeySelector;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream of many nodes, written by a real redis-server, damaged in one of its later nodes: the
 * nodes before the damage come back (entries exactly as stored, marked partial), and the repaired
 * file loads in redis-server with those entries, accepting new ones after them.
 */
class PartialStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void keepsTheNodesBeforeTheDamageAndRedisLoadsThem() throws Exception {
        Path written = Files.createDirectories(dir.resolve("written"));
        Path rdb;
        try (RedisServer redis = RedisServer.start(written)) {
            for (int i = 1; i <= 1000; i++) {
                redis.call("XADD", "events", "1700000000000-" + i, "n", Integer.toString(i), "text", "entry number " + i + " of the stream");
            }
            // Deleted entries stay inside their nodes, flagged; the last one of a node bounds new ids.
            redis.call("XDEL", "events", "1700000000000-50", "1700000000000-100", "1700000000000-400");
            redis.call("XGROUP", "CREATE", "events", "workers", "0");
            redis.call("XREADGROUP", "GROUP", "workers", "w1", "COUNT", "10", "STREAMS", "events", ">");
            for (int i = 0; i < 40; i++) redis.call("SET", "plain:" + i, "value " + i);
            rdb = redis.save();
        }
        byte[] original = Files.readAllBytes(rdb);

        // Where the stream's nodes end, as the reader sees them.
        List<Long> nodeEnds = new ArrayList<>();
        try (RdbReader r = RdbReader.open(rdb)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t != RdbToken.KEY) continue;
                if (!new String(r.key(), StandardCharsets.UTF_8).equals("events")) {
                    r.skipValue();
                    continue;
                }
                while (r.next() == RdbToken.ELEMENT) {
                    if (nodeEnds.size() < r.streamCompletedNodes()) nodeEnds.add(r.streamCompletedNodesEnd());
                }
            }
        }
        assertThat(nodeEnds).hasSizeGreaterThan(6);
        int keptNodes = 5;
        long damageAt = (nodeEnds.get(keptNodes - 1) + nodeEnds.get(keptNodes)) / 2;
        byte[] damaged = original.clone();
        for (int i = 0; i < 24; i++) damaged[(int) damageAt + i] = (byte) 0xa5;
        Path damagedFile = dir.resolve("damaged.rdb");
        Files.write(damagedFile, damaged);

        Map<String, JsonNode> truth = records(export(rdb));
        ByteArrayOutputStream salvaged = new ByteArrayOutputStream();
        Path repairedDir = Files.createDirectories(dir.resolve("repaired"));
        SalvageReport report;
        RepairWriter repair;
        try (NdjsonExporter e = new NdjsonExporter(salvaged, ExportFormat.NDJSON, KeySelector.ALL, NdjsonExporter.DEFAULT_SORT_LIMIT);
             FileChannel in = FileChannel.open(damagedFile);
             OutputStream out = Files.newOutputStream(repairedDir.resolve("dump.rdb"))) {
            repair = new RepairWriter(in, out);
            report = RdbSalvager.salvage(damagedFile, new VisitorChain(new ExportingVisitor(e), repair), null);
        }
        assertThat(report.keysPartial()).isEqualTo(1);
        assertThat(repair.notes()).anyMatch(n -> n.contains("stream events kept its first " + keptNodes + " node(s)"));

        Map<String, JsonNode> got = records(salvaged.toString(StandardCharsets.UTF_8));
        JsonNode stream = got.get("events");
        assertThat(stream.get("partial").asBoolean()).isTrue();
        JsonNode entries = stream.get("value").get("entries");
        JsonNode allEntries = truth.get("events").get("value").get("entries");
        assertThat(entries.size()).isGreaterThan(100).isLessThan(allEntries.size());
        for (int i = 0; i < entries.size(); i++) assertThat(entries.get(i)).isEqualTo(allEntries.get(i));
        assertThat(stream.get("value").get("length").asInt()).isEqualTo(entries.size());
        assertThat(stream.get("value").get("groups")).isEmpty();
        assertThat(report.expiryUnknownKeys()).hasSizeLessThanOrEqualTo(1); // the key right after the damage, if any
        for (int i = 0; i < 40; i++) {
            com.fasterxml.jackson.databind.node.ObjectNode plain = (com.fasterxml.jackson.databind.node.ObjectNode) got.get("plain:" + i);
            plain.remove("expiry_unknown");
            assertThat(plain).isEqualTo(truth.get("plain:" + i));
        }

        try (RedisServer redis = RedisServer.start(repairedDir, "--dbfilename", "dump.rdb")) {
            assertThat(redis.call("XLEN", "events")).isEqualTo((long) entries.size());
            @SuppressWarnings("unchecked")
            List<Object> last = (List<Object>) redis.call("XREVRANGE", "events", "+", "-", "COUNT", "1");
            @SuppressWarnings("unchecked")
            String lastId = new String((byte[]) ((List<Object>) last.get(0)).get(0), StandardCharsets.US_ASCII);
            assertThat(lastId).isEqualTo(entries.get(entries.size() - 1).get(0).asText());
            // A new entry goes after every stored one, deleted ones included.
            Object added = redis.call("XADD", "events", "*", "n", "new");
            assertThat(added).isInstanceOf(byte[].class);
            assertThat(redis.call("XLEN", "events")).isEqualTo((long) entries.size() + 1);
            assertThat(redis.call("DBSIZE")).isEqualTo(41L);
        }
    }

    private static String export(Path rdb) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(rdb);
             NdjsonExporter e = new NdjsonExporter(out, ExportFormat.NDJSON, KeySelector.ALL, NdjsonExporter.DEFAULT_SORT_LIMIT)) {
            e.export(r);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, JsonNode> records(String ndjson) throws IOException {
        Map<String, JsonNode> m = new HashMap<>();
        for (String line : ndjson.split("\n")) {
            if (line.isEmpty()) continue;
            JsonNode n = JSON.readTree(line);
            if (n.has("key")) m.put(n.get("key").asText(), n);
        }
        return m;
    }
}
