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
}
