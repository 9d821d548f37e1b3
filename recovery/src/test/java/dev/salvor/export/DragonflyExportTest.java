package dev.salvor.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.rdb.RdbReader;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Dragonfly's hashes (31) and sets (32) with member expiries in the export: a field's expiry in
 * its [field, value, expire_at_ms] triple (as Redis 7.4's field TTLs), a set member's in the
 * key's member_expire_at_ms. Built byte by byte in Dragonfly's layout (rdb_save.cc
 * SaveHSetObject/SaveSetObject): no Dragonfly server runs here.
 */
class DragonflyExportTest {
    @Test
    void memberExpiriesAreExported() throws IOException {
        long base = 1675209600L * 1000;
        byte[] file = new RdbBuilder("REDIS0009").aux("redis-ver", "6.2.11").aux("df-ver", "v1.34.2").selectDb(0, 2, 0)
                .key(31, "h").len(2).str("f1").str("v1").str("1000").str("f2").str("v2").str("-1")
                .key(32, "s").len(2).str("a").str("-1").str("b").str("10").finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "{\"db\":0,\"key\":\"h\",\"type\":\"hash\",\"value\":[[\"f1\",\"v1\"," + (base + 1_000_000) + "],[\"f2\",\"v2\"]]}\n"
                        + "{\"db\":0,\"key\":\"s\",\"type\":\"set\",\"value\":[\"a\",\"b\"],\"member_expire_at_ms\":[[\"b\"," + (base + 10_000) + "]]}\n");
    }

    /**
     * Dragonfly's JSON exports as a RedisJSON document ("json"), with a DUMP payload of the
     * RedisJSON value of encoding version 3 it is, which RESTORE takes where RedisJSON is loaded:
     * the payload read back is a MODULE_2 value of ReJSON-RL holding the same text. Its
     * probabilistic types export their fields by name, in Dragonfly's order, with no payload (no
     * module holds them).
     */
    @Test
    void jsonAndProbabilisticTypes() throws IOException {
        RdbBuilder b = new RdbBuilder("REDIS0009").aux("redis-ver", "6.2.11").aux("df-ver", "v1.34.2").selectDb(0, 2, 0)
                .key(30, "doc").str("{\"a\":[1,2.5,\"x\"],\"b\":null}");
        b.key(35, "cms").len(1).len(2).len(7).le64(3).le64(4);
        byte[] file = b.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertThat(lines[0]).startsWith("{\"db\":0,\"key\":\"doc\",\"type\":\"module\",\"value\":{\"module\":\"ReJSON-RL\",\"encoding_version\":3,")
                .contains("\"json\":{\"a\":[1,2.5,\"x\"],\"b\":null}");
        String dump = lines[0].replaceAll(".*\"dump\":\"([^\"]+)\".*", "$1");
        try (RdbReader p = RdbReader.ofDumpPayload(java.util.Base64.getDecoder().decode(dump), "dump")) {
            p.next();
            assertThat(p.encoding()).isEqualTo(dev.salvor.rdb.RdbEncoding.MODULE_2);
            p.next();
            assertThat(p.moduleValue().moduleName()).isEqualTo("ReJSON-RL");
            assertThat(p.moduleValue().encodingVersion()).isEqualTo(3);
            assertThat(new String(p.moduleValue().items().get(0).string(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":[1,2.5,\"x\"],\"b\":null}");
        }
        String counters = java.util.Base64.getEncoder().encodeToString(new byte[] {3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0});
        assertThat(lines[1]).isEqualTo("{\"db\":0,\"key\":\"cms\",\"type\":\"module\",\"value\":{\"dragonfly_type\":\"count-min\",\"value_offset\":"
                + (file.length - 9 - 16 - 3) + ",\"value_length\":19,\"fields\":[[\"width\",1],[\"depth\",2],[\"total_count\",7],[\"counters\",\"" + counters + "\"]]}}");
    }
}
