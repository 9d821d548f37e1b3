package dev.salvor.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.salvor.rdb.StreamId;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The oracle is Jackson's own double writer, as the exporter configures it. */
class JsonNumbersTest {
    private static final JsonFactory JSON = JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private static String jackson(double d) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeNumber(d);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String ours(double d) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            RedisStrings.writeScore(g, d, new char[JsonNumbers.SCORE_CHARS]);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void assertSameText(double d) throws IOException {
        if (!Double.isFinite(d)) {
            // The export format's own words for these (Redis's), not Jackson's.
            assertThat(ours(d)).isEqualTo(Double.isNaN(d) ? "\"nan\"" : d > 0 ? "\"inf\"" : "\"-inf\"");
            return;
        }
        assertThat(ours(d)).as("%s (bits %x)", d, Double.doubleToRawLongBits(d)).isEqualTo(jackson(d));
    }

    @Test
    void scoresAreWrittenAsJacksonWritesThem() throws IOException {
        SplittableRandom rnd = new SplittableRandom(42);
        int fast = 0;
        char[] buf = new char[JsonNumbers.SCORE_CHARS];
        for (int i = 0; i < 300_000; i++) {
            double d = switch (i % 8) {
                case 0 -> rnd.nextInt(-2_000_000, 2_000_000);
                case 1 -> Double.parseDouble(String.format(Locale.ROOT, "%.6f", rnd.nextDouble() * 1e6));
                case 2 -> -rnd.nextInt(100_000) - 0.5;
                case 3 -> Double.parseDouble(String.format(Locale.ROOT, "%." + rnd.nextInt(1, 16) + "g", rnd.nextDouble() * Math.pow(10, rnd.nextInt(-4, 9))));
                case 4 -> rnd.nextDouble() * Math.pow(10, rnd.nextInt(-5, 9));
                case 5 -> Double.longBitsToDouble(rnd.nextLong());
                case 6 -> Math.nextUp(Math.pow(10, rnd.nextInt(-4, 8)));
                default -> Math.nextDown(Math.pow(10, rnd.nextInt(-4, 8)));
            };
            assertSameText(d);
            if (JsonNumbers.score(d, buf) > 0) fast++;
        }
        // The server-like scores (the first three kinds, over a third of the draws) take the allocation-free path.
        assertThat(fast).isGreaterThan(110_000);
    }

    @Test
    void edgesOfTheFastRange() throws IOException {
        for (double d : new double[] {0.0, -0.0, 1e-3, Math.nextDown(1e-3), 9999999.0, 1e7, Math.nextDown(1e7), 0.1, 0.2, 0.3,
            1.0 / 3, 2.0 / 3, 100.0, 1234567.5, 0.001953125, 999999.999999999, 123456.78901200001, -1.5, 4.35, 5e-324,
            Double.MAX_VALUE, Double.MIN_NORMAL, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN}) {
            assertSameText(d);
        }
    }

    @Test
    void streamIdsAreUnsignedDecimal() {
        char[] buf = new char[JsonNumbers.STREAM_ID_CHARS];
        SplittableRandom rnd = new SplittableRandom(1);
        for (long[] id : new long[][] {{0, 0}, {-1, -1}, {Long.MAX_VALUE, Long.MIN_VALUE}, {1700000000000L, 42}, {9, 10}}) {
            int n = JsonNumbers.streamId(id[0], id[1], buf);
            assertThat(new String(buf, 0, n)).isEqualTo(new StreamId(id[0], id[1]).toString());
        }
        for (int i = 0; i < 100_000; i++) {
            long ms = rnd.nextLong(), seq = i % 2 == 0 ? rnd.nextLong() : rnd.nextLong(1000);
            int n = JsonNumbers.streamId(ms, seq, buf);
            assertThat(new String(buf, 0, n)).isEqualTo(new StreamId(ms, seq).toString());
        }
    }
}
