package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LzfTest {
    private static String run(byte[] in, int outLen, byte[] out) {
        return Lzf.decompress(in, 0, in.length, out, outLen);
    }

    @Test
    void literalsAndBackReferences() {
        // "abc" literal, then back reference len 3+2... : ctrl (len-2)<<5 | offset-high, offset-low
        byte[] in = {2, 'a', 'b', 'c', (byte) ((6 - 2) << 5), 2};
        byte[] out = new byte[9 + Lzf.SLACK];
        assertThat(run(in, 9, out)).isNull();
        assertThat(new String(out, 0, 9, StandardCharsets.US_ASCII)).isEqualTo("abcabcabc");
    }

    @Test
    void overlappingRunRepeatsOneByte() {
        byte[] in = {0, 'z', (byte) (7 << 5), 20, 0};
        byte[] out = new byte[1 + 29 + Lzf.SLACK];
        assertThat(run(in, 30, out)).isNull();
        assertThat(new String(out, 0, 30, StandardCharsets.US_ASCII)).isEqualTo("z".repeat(30));
    }

    @Test
    void everyDamageIsDescribed() {
        byte[] out = new byte[64];
        assertThat(run(new byte[] {5, 'a'}, 6, out)).contains("passes the end");
        assertThat(run(new byte[] {0, 'a', (byte) (1 << 5), 9}, 4, out)).contains("before the start");
        assertThat(run(new byte[] {2, 'a', 'b', 'c'}, 2, out)).contains("overflows");
        assertThat(run(new byte[] {0, 'a', (byte) (7 << 5)}, 20, out)).contains("passes the end");
        assertThat(run(new byte[] {0, 'a'}, 5, out)).contains("expected 5");
    }

    /**
     * Checking LZF data without output must reach the verdict decompression reaches, on every
     * stream: valid ones, damaged ones (bytes changed, cut short, a wrong declared length), given
     * whole or in pieces. The oracle is {@link Lzf#run}, which writes the output.
     */
    @Test
    void validationReachesTheVerdictOfDecompression() {
        Random rnd = new Random(15);
        int failed = 0;
        for (int round = 0; round < 20_000; round++) {
            LzfBytes w = new LzfBytes();
            w.literal(randomBytes(rnd, 1 + rnd.nextInt(40)));
            int tokens = rnd.nextInt(12);
            for (int t = 0; t < tokens; t++) {
                if (rnd.nextBoolean()) w.literal(randomBytes(rnd, 1 + rnd.nextInt(70)));
                else w.repeat(1 + rnd.nextInt((int) Math.min(w.produced(), 8192)), 3 + rnd.nextInt(300));
            }
            byte[] data = w.bytes();
            long declared = w.produced();
            switch (round % 4) {
                case 1 -> data[rnd.nextInt(data.length)] = (byte) rnd.nextInt(256);
                case 2 -> data = Arrays.copyOf(data, rnd.nextInt(data.length));
                case 3 -> declared += rnd.nextInt(21) - 10;
                default -> { }
            }
            if (declared < 0) declared = 0;
            int total = (int) declared;
            Lzf decoder = new Lzf();
            byte[] out = new byte[total + Lzf.SLACK];
            int expected = decoder.run(data, 0, data.length, true, out, 0, total, total, total);
            Lzf checker = new Lzf();
            int got = checker.validate(data, 0, data.length, true, 0, total, total);
            assertThat(got).as("round %d", round).isEqualTo(expected);
            assertThat(checker.problem()).as("round %d", round).isEqualTo(decoder.problem());
            assertThat(checker.ip).isEqualTo(decoder.ip);
            assertThat(checker.op).isEqualTo(decoder.op);
            if (expected == Lzf.FAILED) failed++;
            // In pieces: NEED_INPUT leaves the token whole for the next call, as run does.
            Lzf pieces = new Lzf();
            int ip = 0, op = 0, status;
            while (true) {
                int limit = Math.min(data.length, ip + 1 + rnd.nextInt(40));
                boolean ends = limit == data.length;
                status = pieces.validate(data, ip, limit, ends, op, total, total);
                ip = pieces.ip;
                op = pieces.op;
                if (status != Lzf.NEED_INPUT) break;
                assertThat(ends).isFalse();
            }
            assertThat(status).as("round %d in pieces", round).isEqualTo(expected);
            assertThat(pieces.problem()).isEqualTo(decoder.problem());
        }
        // Both sides of the verdict were exercised.
        assertThat(failed).isBetween(2_000, 18_000);
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
