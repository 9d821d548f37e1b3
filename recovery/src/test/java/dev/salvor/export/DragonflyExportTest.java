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
}
