package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Text output for people: readable times, prose, the server that wrote a file, capped values, one line per stretch. */
class HumanOutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DEMO = Path.of("..", "fixtures", "demo", "damaged.rdb");
    private static final Path VALKEY = Fixtures.resolve("rdb/valkey-8.0/dataset.rdb");
    private static final Path SALVAGE = Fixtures.resolve("rdb/salvage-7.0/dataset-nocompress.rdb");

    @TempDir
    Path tmp;

    @Test
    void inspectShowsReadableTimesTheWritingServerAndTheChecksumInWords() {
        String demo = CliRunner.run("inspect", DEMO.toString()).out();
        String ctime = demo.lines().filter(l -> l.startsWith("aux:        ctime = ")).findFirst().orElseThrow();
        long seconds = Long.parseLong(ctime.substring("aux:        ctime = ".length()).split(" ")[0]);
        String readable = Instant.ofEpochSecond(seconds).toString().replace('T', ' ').replace("Z", " UTC");
        assertThat(ctime).endsWith("(" + readable + ")");
        // The demo is cut short: read past its damage, its checksum is never reached.
        assertThat(demo).contains("checksum:   not reached: the file ends at offset 102137, before its end record and checksum").doesNotContain("not_reached");
        // Valkey 8.0 writes REDIS0011 (the Redis magic); its aux fields say who wrote it.
        String valkey = CliRunner.run("inspect", VALKEY.toString()).out();
        assertThat(valkey).contains("format:     RDB version 11 (REDIS0011, written by Valkey 8.0.1)");
        assertThat(CliRunner.run("check", DEMO.toString()).out()).contains("checksum not reached (").doesNotContain("not_reached");
    }

    @Test
    void checkJsonGivesTheRegionAndTheGoodKeysAsFields() throws Exception {
        JsonNode j = JSON.readTree(CliRunner.run("check", DEMO.toString(), "--json").out());
        JsonNode first = j.get("problems").get(0);
        assertThat(first.get("detail").asText()).doesNotContain("damaged region").doesNotContain("good key");
        JsonNode region = first.get("region");
        assertThat(region.get("start").asLong()).isEqualTo(22654);
        assertThat(region.get("end").asLong()).isEqualTo(77885);
        assertThat(region.get("last_good_key").asText()).isEqualTo("session:171");
        assertThat(region.get("first_good_key").asText()).isEqualTo("customer:011");
        assertThat(region.get("truncated_tail").asBoolean()).isFalse();
        assertThat(j.get("problems").get(1).get("region").get("truncated_tail").asBoolean()).isTrue();
    }

    @Test
    void diffValuesAreCappedAndExpiriesReadable() throws Exception {
        Path a = rdbWithString("a.rdb", "x".repeat(16 * 1024) + "A", 1900000000000L);
        Path b = rdbWithString("b.rdb", "x".repeat(16 * 1024) + "B", -1);
        CliRunner.Result r = CliRunner.run("diff", a.toString(), b.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out().lines().mapToInt(String::length).max().orElse(0)).isLessThan(400);
        assertThat(r.out()).contains("differs from character 16384").contains("16385 -> 16385 characters");
        Path c = rdbWithString("c.rdb", "same", 1900000000000L);
        Path d = rdbWithString("d.rdb", "same", -1);
        assertThat(CliRunner.run("diff", c.toString(), d.toString()).out()).contains("expire_at_ms 1900000000000 (2030-03-17T17:46:40Z) -> none");
    }

    /** A one-key RDB 10 file (string key "k"), built byte by byte with its CRC64. */
    private Path rdbWithString(String name, String value, long expireAtMs) throws Exception {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        o.writeBytes("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        o.write(0xfe);
        o.write(0);
        if (expireAtMs >= 0) {
            o.write(0xfc);
            for (int i = 0; i < 8; i++) o.write((int) (expireAtMs >>> (8 * i)));
        }
        o.write(0);
        o.write(1);
        o.write('k');
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        o.write(0x80); // 32-bit length
        o.write(v.length >>> 24);
        o.write(v.length >>> 16);
        o.write(v.length >>> 8);
        o.write(v.length);
        o.writeBytes(v);
        o.write(0xff);
        byte[] body = o.toByteArray();
        long crc = dev.salvor.rdb.Crc64.of(body, 0, body.length);
        for (int i = 0; i < 8; i++) o.write((int) (crc >>> (8 * i)));
        return Files.write(tmp.resolve(name), o.toByteArray());
    }

    @Test
    void keysPutInAnAssumedDatabaseAreOneLinePerStretch() throws Exception {
        // Two damaged places among db 0's keys: the keys between them and after the second, up to
        // the SELECTDB of db 1, are one stretch read in an assumed database.
        List<Long> offsets = new ArrayList<>();
        try (RdbReader r = RdbReader.open(SALVAGE)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    if (r.db() == 0) offsets.add(r.recordOffset());
                    r.skipValue();
                }
            }
        }
        byte[] bytes = Files.readAllBytes(SALVAGE);
        for (long at : new long[] {offsets.get(offsets.size() / 3), offsets.get(2 * offsets.size() / 3)}) {
            for (int i = 0; i < 48; i++) bytes[(int) at + 3 + i] = 0;
        }
        Path damaged = Files.write(tmp.resolve("two-holes.rdb"), bytes);
        CliRunner.Result text = CliRunner.run("salvage", damaged.toString(), "-o", tmp.resolve("out/t.rdb").toString());
        List<String> assumed = text.out().lines().filter(l -> l.contains("put in db 0")).toList();
        assertThat(assumed).as(text.out()).hasSize(1);
        JsonNode report = JSON.readTree(tmp.resolve("out/t.rdb.report.json").toFile());
        long keys = 0;
        for (JsonNode a : report.get("assumed_db")) keys += a.get("keys").asLong();
        assertThat(report.get("assumed_db").size()).isGreaterThan(1);
        assertThat(assumed.get(0)).startsWith(String.format("%,d keys read after damage at [", keys)).contains("(across 2 damaged regions)");
    }
}
