package dev.salvor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.format.InputFile;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.Crc64;
import dev.salvor.rdb.RdbEncoding;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full check's CRC64 is computed per range on the workers and joined in file order. The
 * oracle is the checksum the writing server stored in each real file, never Salvor's own CRC.
 */
class ParallelCheckTest {
    @TempDir
    Path dir;

    @Test
    void rangesChecksummedApartJoinToTheChecksumTheServerStored() throws IOException {
        int verified = 0;
        for (Path p : Fixtures.intactRdbs()) {
            for (long rangeBytes : new long[] {1, 97, 4096, ParallelCheck.RANGE_BYTES}) {
                ParallelCheck.Result r;
                try (InputFile in = InputFile.open(p)) {
                    r = ParallelCheck.run(in, 2, rangeBytes, null);
                }
                assertThat(r.complete()).as("%s", p).isTrue();
                assertThat(r.problems()).as("%s", p).isEmpty();
                if (r.version() < 5) {
                    assertThat(r.checksum()).isEqualTo(ChecksumStatus.ABSENT);
                } else if (r.storedChecksum() == 0) {
                    assertThat(r.checksum()).isEqualTo(ChecksumStatus.DISABLED);
                } else {
                    assertThat(r.computedChecksum()).as("%s in ranges of %d bytes", p, rangeBytes).isEqualTo(r.storedChecksum());
                    assertThat(r.checksum()).isEqualTo(ChecksumStatus.OK);
                    verified++;
                }
            }
        }
        assertThat(verified).isGreaterThan(40);
    }

    /** One byte of a plain string value changed: framing and values stay valid, only the CRC64 tells. */
    @Test
    void aChangedByteInAMiddleRangeIsAMismatch() throws IOException {
        Path original = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");
        byte[] bytes = Files.readAllBytes(original);
        long target = -1;
        int keys = 0;
        try (RdbReader r = RdbReader.open(original)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t != RdbToken.KEY) continue;
                keys++;
                long at = r.valueOffset();
                r.skipValue();
                // A raw string value of some length, well inside the file: its last byte is no framing.
                if (target < 0 && keys > 20 && r.encoding() == RdbEncoding.STRING && (bytes[(int) at] & 0xc0) == 0 && r.keyEndOffset() - at > 8) {
                    target = r.keyEndOffset() - 1;
                }
            }
        }
        assertThat(target).isPositive();
        long stored = Crc64.of(bytes, 0, bytes.length - 8);
        bytes[(int) target] ^= 0x20;
        Path changed = dir.resolve("changed.rdb");
        Files.write(changed, bytes);
        ParallelCheck.Result r;
        try (InputFile in = InputFile.open(changed)) {
            r = ParallelCheck.run(in, 2, 64, null);
        }
        assertThat(r.complete()).isTrue();
        assertThat(r.problems()).isEmpty();
        assertThat(r.checksum()).isEqualTo(ChecksumStatus.MISMATCH);
        // Computed over every byte up to and including the EOF opcode, whole, on one thread.
        assertThat(r.computedChecksum()).isEqualTo(Crc64.of(bytes, 0, bytes.length - 8));
        // The server's own checksum of the unchanged file, as stored.
        assertThat(r.storedChecksum()).isEqualTo(stored);
    }
}
