package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Crc64Test {
    /** Bit-at-a-time reference of the same CRC (reflected Jones polynomial). */
    static long reference(byte[] b, int off, int len) {
        long crc = 0;
        for (int i = off; i < off + len; i++) {
            crc ^= b[i] & 0xff;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >>> 1) ^ 0x95ac9329ac4bc9b5L : crc >>> 1;
        }
        return crc;
    }

    @Test
    void checkValue() {
        byte[] b = "123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(Crc64.of(b, 0, b.length)).isEqualTo(0xe9c6d914c4b8d9caL);
    }

    @Test
    void everyLengthAndSplitMatchesTheReference() {
        Random rnd = new Random(1);
        byte[] b = new byte[100_000];
        rnd.nextBytes(b);
        for (int len : new int[] {0, 1, 7, 8, 9, 63, 8191, 24575, 24576, 24577, 49152, 50001, 100_000}) {
            int off = len == 100_000 ? 0 : rnd.nextInt(b.length - len);
            long expected = reference(b, off, len);
            assertThat(Crc64.of(b, off, len)).as("length %d", len).isEqualTo(expected);
            int split = len == 0 ? 0 : rnd.nextInt(len);
            assertThat(Crc64.update(Crc64.of(b, off, split), b, off + split, len - split)).as("split %d/%d", split, len).isEqualTo(expected);
        }
    }

    /** Joined CRCs equal the CRC of the joined bytes (reference: the bit-at-a-time CRC of the whole). */
    @Test
    void combineEqualsTheCrcOfTheJoinedBytes() {
        Random rnd = new Random(74);
        byte[] b = new byte[300_000];
        rnd.nextBytes(b);
        for (int round = 0; round < 200; round++) {
            int len = round < 5 ? new int[] {0, 1, 8, 24_576, 300_000}[round] : rnd.nextInt(b.length + 1);
            int split = len == 0 ? 0 : rnd.nextInt(len + 1);
            long whole = round < 20 ? reference(b, 0, len) : Crc64.of(b, 0, len);
            long joined = Crc64.combine(Crc64.of(b, 0, split), Crc64.of(b, split, len - split), len - split);
            assertThat(joined).as("split %d/%d", split, len).isEqualTo(whole);
        }
        // Many parts, joined left to right.
        long crc = 0;
        int pos = 0;
        while (pos < b.length) {
            int n = Math.min(b.length - pos, rnd.nextInt(5000));
            crc = Crc64.combine(crc, Crc64.of(b, pos, n), n);
            pos += n;
        }
        assertThat(crc).isEqualTo(reference(b, 0, b.length));
        // A length past 2^31 (zero bytes advance the state; 0 stays 0).
        assertThat(Crc64.combine(0, 5, 3L << 32)).isEqualTo(5);
        long big = Crc64.combine(0x1234, 0, 3L << 32);
        assertThat(Crc64.combine(Crc64.combine(0x1234, 0, 1L << 32), 0, 2L << 32)).isEqualTo(big);
    }
}
