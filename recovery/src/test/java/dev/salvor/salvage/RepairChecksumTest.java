package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.format.InputFile;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.Crc64;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repaired file's CRC64 when long copies are checksummed on another thread and joined: the
 * same file, byte for byte, as when every byte is checksummed as it is written, and a trailer that
 * the reader (which checksums the file in one pass) finds matching.
 */
class RepairChecksumTest {
    @ParameterizedTest
    @ValueSource(strings = {"rdb/redis-7.0/dataset.rdb", "rdb/salvage-7.0/dataset-nocompress.rdb", "damaged/redis-7.0-page-30-zeroed.rdb",
            "rdb/redis-2.8/dataset.rdb"})
    void copiesChecksummedElsewhereGiveTheSameFile(String name) throws Exception {
        Path file = Fixtures.resolve(name);
        byte[] inline = repaired(file, Long.MAX_VALUE);
        for (long parts : new long[] {777, 4096, 65_536}) {
            assertThat(repaired(file, parts)).as("parts of %d bytes", parts).isEqualTo(inline);
        }
        Path out = Files.createTempFile("repaired", ".rdb");
        try {
            Files.write(out, inline);
            try (RdbReader r = RdbReader.open(out)) {
                while (r.next() != RdbToken.END) {
                    if (r.inValue()) r.skipValue();
                }
                if (r.version() >= 5) {
                    assertThat(r.checksumStatus()).isEqualTo(ChecksumStatus.OK);
                    long crc = Crc64.update(0, inline, 0, inline.length - 8);
                    long stored = 0;
                    for (int i = 7; i >= 0; i--) stored = stored << 8 | (inline[inline.length - 8 + i] & 0xff);
                    assertThat(stored).isEqualTo(crc);
                }
            }
        } finally {
            Files.delete(out);
        }
    }

    private static byte[] repaired(Path file, long asyncCrcBytes) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputFile in = InputFile.open(file)) {
            RdbSalvager.salvage(in, new RepairWriter(in.channel(), out, asyncCrcBytes), null);
        }
        return out.toByteArray();
    }
}
