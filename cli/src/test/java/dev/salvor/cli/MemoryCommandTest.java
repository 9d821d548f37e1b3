package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

class MemoryCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RDB72 = Fixtures.resolve("rdb/redis-7.2/dataset.rdb");
    private static final Path RDB74 = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");

    @TempDir
    Path tmp;

    @Test
    void textReportHasEverySection() {
        CliRunner.Result r = CliRunner.run("memory", RDB74.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("model:      redis-7.4 (jemalloc)").contains("keys:       550 (67 with an expiry)")
                .contains("by db:").contains("by type:").contains("by encoding:").contains("expiry (relative to ctime")
                .contains("biggest keys:").contains("top prefixes (separator \":\"):")
                .contains("note: modelled as redis-7.4, the server line that wrote the file (redis-ver 7.4.1)");
        String biggest = r.out().substring(r.out().indexOf("biggest keys:"));
        assertThat(biggest.lines().skip(2).findFirst().orElseThrow()).contains("stream:big").contains("stream");
    }

    @Test
    void keyRecordsAddUpToTheSummary() throws Exception {
        JsonNode summary = JSON.readTree(CliRunner.run("memory", RDB74.toString(), "--json").out());
        CliRunner.Result keys = CliRunner.run("memory", RDB74.toString(), "--keys");
        assertThat(keys.exitCode()).as(keys.err()).isEqualTo(0);
        List<JsonNode> records = new ArrayList<>();
        for (String line : keys.out().split("\n")) records.add(JSON.readTree(line));
        assertThat(records).hasSize(550);
        assertThat(keys.err()).contains("550 keys");
        long bytes = records.stream().mapToLong(n -> n.get("bytes").asLong()).sum();
        assertThat(summary.get("total").get("keys").asLong()).isEqualTo(550);
        assertThat(summary.get("total").get("bytes").asLong()).isEqualTo(bytes);
        long max = records.stream().mapToLong(n -> n.get("bytes").asLong()).max().orElseThrow();
        assertThat(summary.get("biggest_keys").get(0).get("bytes").asLong()).isEqualTo(max);
        assertThat(summary.get("biggest_keys")).hasSize(20);
        long expiring = records.stream().filter(n -> n.has("expire_at_ms")).count();
        assertThat(summary.get("total").get("expiring_keys").asLong()).isEqualTo(expiring).isEqualTo(67);
        long typeSum = 0;
        for (JsonNode t : summary.get("by_type")) typeSum += t.get("bytes").asLong();
        assertThat(typeSum).isEqualTo(bytes);
        for (JsonNode n : records) {
            assertThat(n.get("bytes").asLong()).isPositive();
            assertThat(n.get("largest_element_bytes").asLong()).isLessThanOrEqualTo(n.get("bytes").asLong());
        }
    }

    @Test
    void csvRecordsCarryBinaryKeysInBase64() throws Exception {
        Path csv = tmp.resolve("keys.csv");
        CliRunner.Result r = CliRunner.run("memory", RDB74.toString(), "--keys", "--format", "csv", "-o", csv.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("keys:       550");
        List<List<String>> rows = parseCsv(Files.readString(csv, StandardCharsets.UTF_8));
        assertThat(rows.get(0)).containsExactly("db", "key", "key_base64", "type", "encoding", "bytes", "elements", "largest_element_bytes", "expire_at_ms", "partial");
        assertThat(rows).hasSize(551);
        Set<String> ndjsonKeys = new HashSet<>();
        for (String line : CliRunner.run("memory", RDB74.toString(), "--keys").out().split("\n")) {
            JsonNode n = JSON.readTree(line);
            JsonNode k = n.get("key");
            ndjsonKeys.add(n.get("db").asInt() + ":" + (k.isTextual() ? Base64.getEncoder().encodeToString(k.asText().getBytes(StandardCharsets.UTF_8)) : k.get("base64").asText()) + ":" + n.get("bytes").asLong());
        }
        Set<String> csvKeys = new HashSet<>();
        int binary = 0;
        for (List<String> row : rows.subList(1, rows.size())) {
            assertThat(row).hasSize(10);
            String b64 = row.get(2).isEmpty() ? Base64.getEncoder().encodeToString(row.get(1).getBytes(StandardCharsets.UTF_8)) : row.get(2);
            if (!row.get(2).isEmpty()) binary++;
            csvKeys.add(row.get(0) + ":" + b64 + ":" + row.get(5));
        }
        assertThat(binary).isPositive();
        assertThat(csvKeys).isEqualTo(ndjsonKeys);
    }

    @Test
    void outputsAreNeverTheInputAndNotReplacedWithoutForce() throws Exception {
        Path copy = tmp.resolve("copy.rdb");
        Files.copy(RDB72, copy);
        byte[] before = Files.readAllBytes(copy);
        CliRunner.Result same = CliRunner.run("memory", copy.toString(), "--keys", "-o", copy.toString(), "--force");
        assertThat(same.exitCode()).isEqualTo(2);
        assertThat(same.err()).contains("is the input");
        CliRunner.Result html = CliRunner.run("memory", copy.toString(), "--html", copy.toString(), "--force");
        assertThat(html.exitCode()).isEqualTo(2);
        assertThat(Files.readAllBytes(copy)).isEqualTo(before);
        Path existing = tmp.resolve("report.html");
        Files.writeString(existing, "keep me");
        CliRunner.Result refused = CliRunner.run("memory", copy.toString(), "--html", existing.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("already exists");
        assertThat(Files.readString(existing)).isEqualTo("keep me");
        Path both = tmp.resolve("both.out");
        CliRunner.Result twice = CliRunner.run("memory", copy.toString(), "--keys", "-o", both.toString(), "--html", both.toString());
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(both).doesNotExist();
        Path gz = tmp.resolve("copy.rdb.gz");
        try (OutputStream out = new CompressorStreamFactory().createCompressorOutputStream(CompressorStreamFactory.GZIP, Files.newOutputStream(gz))) {
            Files.copy(RDB72, out);
        }
        byte[] gzBefore = Files.readAllBytes(gz);
        CliRunner.Result compressed = CliRunner.run("memory", gz.toString(), "--html", gz.toString(), "--force");
        assertThat(compressed.exitCode()).isEqualTo(2);
        assertThat(Files.readAllBytes(gz)).isEqualTo(gzBefore);
        CliRunner.Result forced = CliRunner.run("memory", copy.toString(), "--html", existing.toString(), "--force");
        assertThat(forced.exitCode()).as(forced.err()).isEqualTo(0);
        assertThat(Files.readString(existing)).startsWith("<!doctype html>");
    }

    @Test
    void compressedAndArchivedInputsGiveTheSameEstimates() throws Exception {
        Path gz = tmp.resolve("dump.rdb.gz");
        try (OutputStream out = new CompressorStreamFactory().createCompressorOutputStream(CompressorStreamFactory.GZIP, Files.newOutputStream(gz))) {
            Files.copy(RDB74, out);
        }
        Path tar = tmp.resolve("backup.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            TarArchiveEntry e = new TarArchiveEntry("dump.rdb");
            e.setSize(Files.size(RDB74));
            out.putArchiveEntry(e);
            Files.copy(RDB74, out);
            out.closeArchiveEntry();
        }
        JsonNode plain = JSON.readTree(CliRunner.run("memory", RDB74.toString(), "--json").out());
        for (Path p : List.of(gz, tar)) {
            CliRunner.Result r = CliRunner.run("memory", p.toString(), "--json");
            assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
            JsonNode j = JSON.readTree(r.out());
            assertThat(j.get("total")).isEqualTo(plain.get("total"));
            assertThat(j.get("by_encoding")).isEqualTo(plain.get("by_encoding"));
            assertThat(j.get("biggest_keys")).isEqualTo(plain.get("biggest_keys"));
        }
    }

    @Test
    void anAofIsReadThroughItsRdbPreamble() throws Exception {
        Path dir = Fixtures.resolve("aof/redis-7.0/aof-preamble/appendonlydir");
        CliRunner.Result r = CliRunner.run("memory", dir.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("total").get("keys").asLong()).isPositive();
        assertThat(j.get("notes").get(0).asText()).contains("RDB preamble of appendonly.aof.2.base.rdb").contains("1 incremental file");
        long preambleKeys;
        try (dev.salvor.rdb.RdbReader rdb = dev.salvor.rdb.RdbReader.open(dir.resolve("appendonly.aof.2.base.rdb"))) {
            long n = 0;
            dev.salvor.rdb.RdbToken t;
            while ((t = rdb.next()) != dev.salvor.rdb.RdbToken.END) {
                if (t == dev.salvor.rdb.RdbToken.KEY) n++;
                if (rdb.inValue()) rdb.skipValue();
            }
            preambleKeys = n;
        }
        assertThat(j.get("total").get("keys").asLong()).isEqualTo(preambleKeys);
        CliRunner.Result plain = CliRunner.run("memory", Fixtures.resolve("aof/redis-7.0/aof-plain/appendonlydir").toString());
        assertThat(plain.exitCode()).isEqualTo(2);
        assertThat(plain.err()).contains("no RDB preamble");
    }

    @Test
    void salvageEstimatesWhatSurvivesAndMarksCutKeys() throws Exception {
        Path demo = Path.of("..", "fixtures", "demo", "damaged.rdb");
        CliRunner.Result plain = CliRunner.run("memory", demo.toString());
        assertThat(plain.exitCode()).isEqualTo(1);
        assertThat(plain.err()).contains("damaged.rdb");
        CliRunner.Result r = CliRunner.run("memory", demo.toString(), "--salvage", "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode j = JSON.readTree(r.out());
        JsonNode s = j.get("salvage");
        assertThat(s.get("damaged_regions").asInt()).isEqualTo(2);
        assertThat(s.get("partial").asLong()).isEqualTo(1);
        assertThat(j.get("total").get("partial_keys").asLong()).isEqualTo(1);
        assertThat(j.get("total").get("keys").asLong()).isEqualTo(s.get("recovered").asLong() + s.get("partial").asLong());
        CliRunner.Result keys = CliRunner.run("memory", demo.toString(), "--salvage", "--keys");
        List<String> partial = keys.out().lines().filter(l -> l.contains("\"partial\":true")).toList();
        assertThat(partial).hasSize(1);
        assertThat(partial.get(0)).contains("\"key\":\"events\"");
    }

    @Test
    void diffNamesWhatGrewBetweenTwoSnapshots() throws Exception {
        CliRunner.Result same = CliRunner.run("memory", "--diff", RDB74.toString(), RDB74.toString(), "--json");
        assertThat(same.exitCode()).as(same.err()).isEqualTo(0);
        JsonNode s = JSON.readTree(same.out());
        assertThat(s.get("keys_added").asLong() + s.get("keys_removed").asLong() + s.get("keys_changed").asLong()).isZero();

        CliRunner.Result r = CliRunner.run("memory", "--diff", RDB72.toString(), RDB74.toString(), "--json", "--server", "redis-7.4");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode j = JSON.readTree(r.out());
        JsonNode oldKeys = JSON.readTree(CliRunner.run("memory", RDB72.toString(), "--json", "--server", "redis-7.4").out()).get("total");
        JsonNode newKeys = JSON.readTree(CliRunner.run("memory", RDB74.toString(), "--json", "--server", "redis-7.4").out()).get("total");
        assertThat(j.get("old_bytes").asLong()).isEqualTo(oldKeys.get("bytes").asLong());
        assertThat(j.get("new_bytes").asLong()).isEqualTo(newKeys.get("bytes").asLong());
        // every byte is accounted for: added - removed + grown - shrunk = the change in total
        long net = j.get("bytes_added").asLong() - j.get("bytes_removed").asLong() + j.get("bytes_grown").asLong() - j.get("bytes_shrunk").asLong();
        assertThat(net).isEqualTo(j.get("new_bytes").asLong() - j.get("old_bytes").asLong());
        assertThat(j.get("keys_added").asLong() - j.get("keys_removed").asLong()).isEqualTo(newKeys.get("keys").asLong() - oldKeys.get("keys").asLong());
        // the 7.4 dataset adds hashes with field TTLs under hfe:
        List<String> grown = new ArrayList<>();
        j.get("prefixes_grown").forEach(p -> grown.add(p.get("prefix").asText()));
        assertThat(grown).contains("hfe:");
        CliRunner.Result text = CliRunner.run("memory", "--diff", RDB72.toString(), RDB74.toString());
        assertThat(text.out()).contains("prefixes that grew:").contains("hfe:").contains("keys that grew");
    }

    @Test
    void keysExpiredBeforeTheSnapshotAreCounted() throws Exception {
        Path rdb;
        try (RedisServer s = RedisServer.start(tmp.resolve("server"), "--enable-debug-command", "yes")) {
            s.call("DEBUG", "SET-ACTIVE-EXPIRE", "0");
            s.call("SET", "gone:1", "x".repeat(100), "PX", "50");
            s.call("SET", "gone:2", "y", "PX", "50");
            s.call("SET", "keep:1", "z", "EX", "100000");
            s.call("SET", "plain", "w");
            Thread.sleep(1500);
            rdb = s.save();
        }
        JsonNode j = JSON.readTree(CliRunner.run("memory", rdb.toString(), "--json").out());
        assertThat(j.get("reference_time_from").asText()).isEqualTo("ctime");
        long expired = -1;
        long later = 0;
        for (JsonNode b : j.get("expiry")) {
            if (b.get("window").asText().equals("already expired")) expired = b.get("keys").asLong();
            if (b.get("window").asText().startsWith("within")) later += b.get("keys").asLong();
        }
        assertThat(expired).isEqualTo(2);
        assertThat(later).isEqualTo(1);
        CliRunner.Result text = CliRunner.run("memory", rdb.toString());
        assertThat(text.out()).contains("already expired").contains("(expiry should have freed this)");
    }

    @Test
    void optionsAreChecked() {
        assertThat(CliRunner.run("memory", RDB74.toString(), "--server", "redis-5.0.0").exitCode()).isEqualTo(0);
        CliRunner.Result bad = CliRunner.run("memory", RDB74.toString(), "--allocator", "tcmalloc");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown allocator");
        CliRunner.Result two = CliRunner.run("memory", RDB74.toString(), RDB72.toString());
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(CliRunner.run("memory", RDB74.toString(), "--server-config", "hash-max-listpack-entries=x").exitCode()).isEqualTo(2);
        assertThat(CliRunner.run("memory", RDB74.toString(), "--keys", "--format", "xml").exitCode()).isEqualTo(2);
    }

    /** RFC 4180: fields separated by commas, quoted fields may hold commas, quotes (doubled) and line breaks. */
    static List<List<String>> parseCsv(String s) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(f.toString());
                f.setLength(0);
            } else if (c == '\n') {
                row.add(f.toString());
                f.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else {
                f.append(c);
            }
        }
        return rows;
    }
}
