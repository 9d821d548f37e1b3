package dev.salvor.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.fixtures.RdbBuilder.KeyMetaClass;
import dev.salvor.rdb.RdbReader;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** A key's Redis 8.6+ metadata classes appear in its export record; keys without any are written as before. */
class KeyMetadataExportTest {
    @Test
    void metadataIsExportedFramedAndLocated() throws IOException {
        RdbBuilder b = new RdbBuilder("REDIS0013").selectDb(0, 2, 0);
        int value = b.offset() + 1 + 1 + 4;
        byte[] uint = KeyMetaClass.uint(7);
        byte[] file = b.keyMeta(new KeyMetaClass("KMT1", 2, 1, uint)).stringKey("k", "v").stringKey("plain", "w").finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "{\"db\":0,\"key\":\"k\",\"type\":\"string\",\"metadata\":[{\"class\":\"KMT1\",\"version\":2,\"flags\":1,\"value_offset\":" + value
                        + ",\"value_length\":" + (uint.length + 1) + "}],\"value\":\"v\"}\n"
                        + "{\"db\":0,\"key\":\"plain\",\"type\":\"string\",\"value\":\"w\"}\n");
    }
}
