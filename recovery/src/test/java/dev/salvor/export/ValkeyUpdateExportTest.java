package dev.salvor.export;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.rdb.RdbReader;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.RepairWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Valkey's UPDATE records (opcode 242: a RESP command replayed while loading, valkey src/rdb.h)
 * exported as command records in the AOF export's form, and copied by repair with the database
 * they apply to. Built byte by byte as Valkey's forkless save writes them (no Valkey 9.2 runs here).
 */
class ValkeyUpdateExportTest {
    @TempDir
    Path tmp;

    private static String export(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(file); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exportedAsACommandAndCopiedByRepair() throws IOException {
        RdbBuilder b = new RdbBuilder("VALKEY081").aux("valkey-ver", "9.2.0").selectDb(0, 1, 0).stringKey("a", "1").u8(254).len(3);
        int at = b.offset();
        byte[] file = b.u8(242).raw("*3\r\n$4\r\nSADD\r\n$1\r\ns\r\n$2\r\nm1\r\n".getBytes(StandardCharsets.US_ASCII)).stringKey("b", "2").finish();
        Path f = tmp.resolve("valkey.rdb");
        Files.write(f, file);
        String exported = export(f);
        assertThat(exported).isEqualTo("{\"db\":0,\"key\":\"a\",\"type\":\"string\",\"value\":\"1\"}\n"
                + "{\"record\":\"command\",\"offset\":" + at + ",\"db\":3,\"argv\":[\"SADD\",\"s\",\"m1\"]}\n"
                + "{\"db\":3,\"key\":\"b\",\"type\":\"string\",\"value\":\"2\"}\n");
        Path repaired = tmp.resolve("repaired.rdb");
        try (FileChannel in = FileChannel.open(f); OutputStream out = Files.newOutputStream(repaired)) {
            assertThat(RdbSalvager.salvage(f, new RepairWriter(in, out), null).regions()).isEmpty();
        }
        assertThat(export(repaired).replaceAll("\"offset\":\\d+", "")).isEqualTo(exported.replaceAll("\"offset\":\\d+", ""));
    }
}
