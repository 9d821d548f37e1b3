package dev.salvor.rdb;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class CNumbersTest {
    private static double strtod(String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return CNumbers.strtod(b, 0, b.length);
    }

    private static void assertReadsAsJava(String text) {
        assertThat(Double.doubleToRawLongBits(strtod(text)))
                .as(text)
                .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(text)));
    }

    @Test
    void scoresAsServersWriteThemReadBackExactly() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            double d = switch (i % 4) {
                case 0 -> rnd.nextDouble() * 1e6;
                case 1 -> Double.longBitsToDouble(rnd.nextLong()) ;
                case 2 -> -rnd.nextInt(1_000_000) - 0.5;
                default -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-30, 30));
            };
            if (Double.isNaN(d) || Double.isInfinite(d)) continue;
            // The server's own forms: %.17g in listpacks and ziplists, and shortest text.
            assertReadsAsJava(String.format(Locale.ROOT, "%.17g", d).trim());
            assertReadsAsJava(Double.toString(d));
            assertThat(strtod(String.format(Locale.ROOT, "%.17g", d).trim())).isEqualTo(d);
        }
    }

    @Test
    void decimalFormsCAccepts() {
        for (String s : new String[] {"1.", ".5", "-.5", "+3", "1e5", "1E-5", "00012.50", "123456789012345678901234567890",
            "0.000000000000000000000000000001", "1e400", "-1e400", "4.9e-324", "2.4703282292062327e-324",
            "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
                + "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"}) {
            assertReadsAsJava(s);
        }
    }

    @Test
    void readsTheLongestNumberPrefixLikeC() {
        assertThat(strtod("12abc")).isEqualTo(12.0);
        assertThat(strtod("1.5e")).isEqualTo(1.5);
        assertThat(strtod("  -2.25x")).isEqualTo(-2.25);
        assertThat(strtod("abc")).isEqualTo(0.0);
        assertThat(strtod("inf")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(strtod("-inf")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(strtod("0x10")).isEqualTo(16.0);
    }
}
