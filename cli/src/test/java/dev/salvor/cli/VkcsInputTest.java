package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Valkey 9.2's compressed RDB files ({@code rdbcompression lz4}) read transparently by every
 * command. No Valkey 9.2 server runs here, so the file is made as its writer makes it (valkey
 * src/compression_stream.c writeVkcsEnvelope: "VKCS", version 1, codec 1 = LZ4, flags bit 0 =
 * block checksums, stream kind 0 = RDB; compression_lz4.c lz4f_prefs: 64 KiB independent blocks,
 * block checksums, no content checksum) around a real server's RDB, compressed by Commons Compress.
 */
class VkcsInputTest {
    private static final Path RDB = Fixtures.resolve("rdb/valkey-8.0/dataset.rdb");

    @TempDir
    Path tmp;

    private static byte[] vkcs(byte[] rdb, int version) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        bos.write(new byte[] {'V', 'K', 'C', 'S', (byte) version, 1, 1, 0});
        try (FramedLZ4CompressorOutputStream lz4 = new FramedLZ4CompressorOutputStream(bos,
                new FramedLZ4CompressorOutputStream.Parameters(FramedLZ4CompressorOutputStream.BlockSize.K64, false, true, false))) {
            lz4.write(rdb);
        }
        return bos.toByteArray();
    }

    @Test
    void everyCommandReadsTheRdbInside() throws Exception {
        byte[] plain = Files.readAllBytes(RDB);
        Path file = tmp.resolve("dump.rdb");
        Files.write(file, vkcs(plain, 1));
        CliRunner.Result inspect = CliRunner.run("inspect", file.toString(), "--json");
        assertThat(inspect.exitCode()).isEqualTo(0);
        assertThat(inspect.out()).contains("vkcs-lz4");
        assertThat(CliRunner.run("check", file.toString()).exitCode()).isEqualTo(0);
        CliRunner.Result export = CliRunner.run("export", file.toString());
        assertThat(export.exitCode()).isEqualTo(0);
        assertThat(export.out()).isEqualTo(CliRunner.run("export", RDB.toString()).out());
        assertThat(CliRunner.run("diff", file.toString(), RDB.toString()).exitCode()).isEqualTo(0);
    }

    @Test
    void aDamagedBlockIsLocatedByItsChecksum() throws Exception {
        byte[] plain = Files.readAllBytes(RDB);
        byte[] v = vkcs(plain, 1);
        int hit = v.length / 2;
        v[hit] ^= 0x40;
        Path file = tmp.resolve("damaged.rdb");
        Files.write(file, v);
        CliRunner.Result check = CliRunner.run("check", file.toString());
        assertThat(check.exitCode()).isEqualTo(1);
        assertThat(check.out()).contains("damaged compressed block: the VKCS LZ4 block at byte offsets [").contains("its checksum does not match");
        // The block that holds the damaged byte: it starts at most one block (64 KiB and its header) before it.
        String at = check.out().replaceAll("(?s).*block at byte offsets \\[(\\d+), .*", "$1");
        assertThat(Long.parseLong(at)).isBetween((long) hit - 65536 - 8, (long) hit);
        // Every damaged block is listed, not only the first.
        v[v.length - 40] ^= 0x40;
        Files.write(file, v);
        CliRunner.Result two = CliRunner.run("check", file.toString());
        assertThat(two.exitCode()).isEqualTo(1);
        assertThat(two.out().split("damaged compressed block:", -1)).hasSize(3);
    }

    @Test
    void anEnvelopeOfAnotherVersionIsRefusedAtItsByte() throws Exception {
        Path file = tmp.resolve("v2.rdb");
        Files.write(file, vkcs(Files.readAllBytes(RDB), 2));
        CliRunner.Result check = CliRunner.run("check", file.toString());
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.err()).contains("VKCS envelope version 2 at byte offset 4 is not one Salvor reads");
    }
}
