package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
}
