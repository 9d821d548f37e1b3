package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one string routine: decoding, skimming and chunked delivery agree, and nothing is sized by a claim. */
class RdbStringsTest {
    private static final int MAX = ReadConstraints.DEFAULT_MAX_STRING_SIZE;

    private static RdbFormatException readError(byte[] bytes, int max) {
        Parts p = new Parts(bytes);
        return catchThrowableOfType(() -> p.strings.read(new StringRef(), "value", max), RdbFormatException.class);
    }

    private static RdbFormatException skipError(byte[] bytes, int max) {
        Parts p = new Parts(bytes);
        return catchThrowableOfType(() -> p.strings.skip("value", max), RdbFormatException.class);
    }

    /** Damaged string headers, each breaking more than one rule at once. */
    static List<byte[]> hostileHeaders() {
        ByteArrayOutputStream twoRules = new ByteArrayOutputStream();
        // LZF: 1000 compressed bytes claimed (more than the input holds) expanding to 10^6 (more than 88x).
        twoRules.write(0xc3);
        LzfBytes.writeLength(twoRules, 1000);
        LzfBytes.writeLength(twoRules, 1_000_000);
        twoRules.writeBytes(new byte[20]);
        ByteArrayOutputStream overLimit = new ByteArrayOutputStream();
        overLimit.write(0xc3);
        LzfBytes.writeLength(overLimit, 5000);
        LzfBytes.writeLength(overLimit, 1L << 31);
        ByteArrayOutputStream zero = new ByteArrayOutputStream();
        zero.write(0xc3);
        zero.write(0);
        zero.write(5);
        ByteArrayOutputStream rawTooLong = new ByteArrayOutputStream();
        LzfBytes.writeLength(rawTooLong, 70_000);
        rawTooLong.writeBytes(new byte[10]);
        return List.of(twoRules.toByteArray(), overLimit.toByteArray(), zero.toByteArray(), rawTooLong.toByteArray(),
                new byte[] {(byte) 0xc4}, new byte[] {(byte) 0xc1, 1}, new byte[] {(byte) 0x81, (byte) 0xff, 0, 0, 0, 0, 0, 0, 0});
    }

    @Test
    void decodeAndSkimGiveTheSameReasonForTheSameBytes() {
        for (byte[] b : hostileHeaders()) {
            RdbFormatException full = readError(b, MAX);
            RdbFormatException skim = skipError(b, MAX);
            assertThat(full).as("decoding %s", Arrays.toString(b)).isNotNull();
            assertThat(skim).as("skimming %s", Arrays.toString(b)).isNotNull();
            assertThat(skim.reason()).isEqualTo(full.reason());
            assertThat(skim.offset()).isEqualTo(full.offset());
            assertThat(skim.detail()).isEqualTo(full.detail());
        }
        // The one with two faults reports the first rule in the documented order: bytes left before expansion.
        assertThat(readError(hostileHeaders().get(0), MAX).reason()).isEqualTo(RdbFormatException.Reason.TRUNCATED);
    }

    @Test
    void integersRawAndLzfDecodeAndSkipToTheSameEnd() throws Exception {
        byte[] text = "hello hello hello hello hello hello".getBytes(StandardCharsets.US_ASCII);
        LzfBytes lzf = new LzfBytes().literal("hello ".getBytes(StandardCharsets.US_ASCII)).repeat(6, 29);
        byte[] all = Parts.concat(new byte[] {(byte) 0xc0, (byte) 0xfe, (byte) 0xc1, 0x39, 0x30, (byte) 0xc2, 1, 0, 0, (byte) 0x80},
                Parts.raw(text), lzf.rdbString(lzf.produced()));
        Parts p = new Parts(all);
        StringRef s = new StringRef();
        p.strings.read(s, "a", MAX);
        assertThat(s.isInteger()).isTrue();
        assertThat(s.integer()).isEqualTo(-2);
        p.strings.read(s, "b", MAX);
        assertThat(s.integer()).isEqualTo(12345);
        p.strings.read(s, "c", MAX);
        assertThat(s.integer()).isEqualTo((long) (int) 0x80000001L);
        p.strings.read(s, "d", MAX);
        assertThat(s.toString()).isEqualTo(new String(text, StandardCharsets.US_ASCII));
        assertThat(p.strings.lastRaw).isTrue();
        p.strings.read(s, "e", MAX);
        assertThat(s.toString()).isEqualTo(new String(text, StandardCharsets.US_ASCII));
        assertThat(p.strings.lastRaw).isFalse();
        assertThat(p.in.offset()).isEqualTo(all.length);

        Parts q = new Parts(all);
        for (int i = 0; i < 5; i++) q.strings.skip("x", MAX);
        assertThat(q.in.offset()).isEqualTo(all.length);
    }

    /** A claim of 400 MB from 5 MB of garbage: refused after a little output, not allocated up front. */
    @Test
    void lzfOutputGrowsAsItIsProducedNotAsClaimed() {
        byte[] garbage = new byte[5 << 20];
        new Random(5).nextBytes(garbage);
        garbage[0] = 31; // a literal run, then whatever the random bytes say
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(0xc3);
        LzfBytes.writeLength(s, garbage.length);
        LzfBytes.writeLength(s, 400L << 20);
        s.writeBytes(garbage);
        byte[] bytes = s.toByteArray();
        Parts p = new Parts(bytes);
        long before = Parts.allocated();
        RdbFormatException e = catchThrowableOfType(() -> p.strings.read(new StringRef(), "element", MAX), RdbFormatException.class);
        long used = Parts.allocated() - before;
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.LZF_FAILURE);
        assertThat(used).as("bytes allocated").isLessThan(16L << 20);
    }

    @Test
    void longLzfOutputIsStillReadWhole() throws Exception {
        // 3 MB of one repeated pattern from about 35 KB: the output grows to it, doubling as it goes.
        LzfBytes lzf = new LzfBytes().literal("abcdefgh".getBytes(StandardCharsets.US_ASCII)).repeat(8, 3_000_000);
        byte[] bytes = lzf.rdbString(lzf.produced());
        Parts p = new Parts(bytes);
        StringRef s = new StringRef();
        p.strings.read(s, "element", MAX);
        assertThat(s.length()).isEqualTo((int) lzf.produced());
        for (int i = 0; i < s.length(); i += 99_991) assertThat(s.byteAt(i)).isEqualTo((byte) ('a' + i % 8));
    }

    @Test
    void longValuesComeInChunksOfTheWindowAndGatherToTheSameBytes() throws Exception {
        int window = ReadConstraints.DEFAULT_WINDOW_SIZE;
        byte[] big = new byte[window * 3 + 17];
        new Random(1).nextBytes(big);
        LzfBytes lzf = new LzfBytes().literal(Arrays.copyOf(big, 100)).repeat(100, window * 2L + 5);
        byte[] expectedLzf = new byte[(int) lzf.produced()];
        for (int i = 0; i < expectedLzf.length; i++) expectedLzf[i] = big[i % 100];
        byte[][] cases = {Parts.raw(big), lzf.rdbString(lzf.produced())};
        byte[][] expected = {big, expectedLzf};
        for (int c = 0; c < cases.length; c++) {
            Parts p = new Parts(cases[c]);
            StringRef chunk = new StringRef();
            assertThat(p.strings.beginValue(chunk, "string value", MAX)).isTrue();
            assertThat(p.strings.chunkTotal()).isEqualTo(expected[c].length);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            int chunks = 0;
            while (p.strings.nextChunk(chunk)) {
                assertThat(chunk.length()).isLessThanOrEqualTo(window);
                got.write(chunk.array(), chunk.offset(), chunk.length());
                chunks++;
            }
            assertThat(got.toByteArray()).isEqualTo(expected[c]);
            assertThat(chunks).isGreaterThanOrEqualTo(3);
            assertThat(p.in.offset()).isEqualTo(cases[c].length);

            Parts q = new Parts(cases[c]);
            StringRef whole = new StringRef();
            assertThat(q.strings.beginValue(whole, "string value", MAX)).isTrue();
            q.strings.gather(whole);
            assertThat(whole.toBytes()).isEqualTo(expected[c]);

            Parts framing = new Parts(cases[c]);
            assertThat(framing.strings.beginValue(new StringRef(), "string value", MAX)).isTrue();
            framing.strings.skipChunks(true);
            assertThat(framing.in.offset()).isEqualTo(cases[c].length);
        }
    }

    @Test
    void aChunkedLzfValueThatLiesAboutItsLengthFailsAtItsStart() {
        int window = ReadConstraints.DEFAULT_WINDOW_SIZE;
        LzfBytes lzf = new LzfBytes().literal(new byte[] {1, 2, 3}).repeat(3, window * 2L);
        for (long claimed : new long[] {lzf.produced() - 10, lzf.produced() + 10}) {
            byte[] bytes = lzf.rdbString(claimed);
            Parts p = new Parts(bytes);
            RdbFormatException e = catchThrowableOfType(() -> {
                assertThat(p.strings.beginValue(new StringRef(), "string value", MAX)).isTrue();
                p.strings.skipChunks(false);
            }, RdbFormatException.class);
            assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.LZF_FAILURE);
            assertThat(e.offset()).isZero();
        }
    }
}
