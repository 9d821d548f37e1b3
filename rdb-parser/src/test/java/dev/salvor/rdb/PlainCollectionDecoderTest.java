package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Plain collections, element by element, and their framing walk. */
class PlainCollectionDecoderTest {
    private static final DecoderHarness.Factory PLAIN = p -> new PlainCollectionDecoder(p.in, p.strings, p.v);

    private static RdbFlavorTest.Rdb body() {
        return new RdbFlavorTest.Rdb("");
    }

    private static byte[] bytes(RdbFlavorTest.Rdb r) {
        byte[] all = r.out.toByteArray();
        return java.util.Arrays.copyOfRange(all, 2, all.length); // drop the SELECTDB the builder starts with
    }

    @Test
    void everyPlainEncoding() throws Exception {
        assertThat(DecoderHarness.run(PLAIN, RdbEncoding.LIST_LINKED, bytes(body().len(2).str("a").raw(new byte[] {(byte) 0xc0, 7}))).elements())
                .containsExactly("a", "7");
        assertThat(DecoderHarness.run(PLAIN, RdbEncoding.SET_PLAIN, bytes(body().len(1).str("m"))).elements()).containsExactly("m");
        assertThat(DecoderHarness.run(PLAIN, RdbEncoding.ZSET_TEXT_SCORES, bytes(body().len(2).str("a").u8(3).raw("2.5".getBytes()).str("b").u8(254)))
                .elements()).containsExactly("a:2.5", "b:Infinity");
        assertThat(DecoderHarness.run(PLAIN, RdbEncoding.ZSET_2, bytes(body().len(1).str("a").le64(Double.doubleToLongBits(-1.25)))).elements())
                .containsExactly("a:-1.25");
        assertThat(DecoderHarness.run(PLAIN, RdbEncoding.HASH_PLAIN, bytes(body().len(1).str("f").str("v"))).elements()).containsExactly("f=v");
        assertThat(DecoderHarness.run(PLAIN, RdbEncoding.HASH_2, bytes(body().len(2).str("f").str("v").le64(-1).str("g").str("w").le64(5000))).elements())
                .containsExactly("f=v", "g=w@5000");
        assertThat(DecoderHarness.run(PLAIN, RdbEncoding.HASH_METADATA, bytes(body().le64(1000).len(2).len(0).str("f").str("v").len(6).str("g").str("w")))
                .elements()).containsExactly("f=v", "g=w@1005");
        assertThat(DecoderHarness.run(PLAIN, RdbEncoding.HASH_METADATA_PRE_GA, bytes(body().len(1).len(77).str("f").str("v"))).elements())
                .containsExactly("f=v@77");
    }

    @Test
    void framingEndsWhereDecodingEndsAndTheCountIsTheSizeHint() throws Exception {
        byte[] zset = bytes(body().len(3).str("a").u8(1).raw("1".getBytes()).str("b").u8(255).str("c").u8(2).raw("-3".getBytes()));
        DecoderHarness.Result r = DecoderHarness.run(PLAIN, RdbEncoding.ZSET_TEXT_SCORES, zset);
        assertThat(r.decodedEnd()).isEqualTo(zset.length).isEqualTo(r.skimmedEnd());
        assertThat(r.sizeHint()).isEqualTo(3);
        byte[] hash = bytes(body().len(2).len(0).str("f").str("v").len(9).str("g").str("w"));
        DecoderHarness.Result h = DecoderHarness.run(PLAIN, RdbEncoding.HASH_METADATA_PRE_GA, hash);
        assertThat(h.decodedEnd()).isEqualTo(hash.length).isEqualTo(h.skimmedEnd());
    }

    @Test
    void whatTheServerRefusesInWellFormedBytes() {
        byte[] nan = bytes(body().len(2).str("a").u8(1).raw("1".getBytes()).str("b").u8(253));
        RdbFormatException e = catchThrowableOfType(() -> DecoderHarness.run(PLAIN, RdbEncoding.ZSET_TEXT_SCORES, nan), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.INVALID_VALUE);
        assertThat(e.offset()).isEqualTo(nan.length - 1);
        byte[] twice = bytes(body().len(3).str("f").str("v").str("g").str("w").len(1).raw("f".getBytes()).str("x"));
        RdbFormatException d = catchThrowableOfType(() -> DecoderHarness.run(PLAIN, RdbEncoding.HASH_PLAIN, twice), RdbFormatException.class);
        assertThat(d.reason()).isEqualTo(RdbFormatException.Reason.DUPLICATE_MEMBER);
        assertThat(d.detail()).contains("\"f\" repeats (element 3)");
        assertThat(d.offset()).isEqualTo(twice.length - 4);
        // The integer 7 and the text "7" are one member to the server.
        byte[] sameNumber = bytes(body().len(2).u8(0xc0).u8(7).str("7"));
        assertThat(catchThrowableOfType(() -> DecoderHarness.run(PLAIN, RdbEncoding.SET_PLAIN, sameNumber), RdbFormatException.class).reason())
                .isEqualTo(RdbFormatException.Reason.DUPLICATE_MEMBER);
    }

    @Test
    void anExpiryBeyondWhatRedisStoresIsRefused() {
        byte[] bad = bytes(body().le64(1L << 47).len(1).len(1L << 48).str("f").str("v"));
        RdbFormatException e = catchThrowableOfType(() -> DecoderHarness.run(PLAIN, RdbEncoding.HASH_METADATA, bad), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.BAD_ENCODING);
        assertThat(e.offset()).isEqualTo(9);
    }
}
