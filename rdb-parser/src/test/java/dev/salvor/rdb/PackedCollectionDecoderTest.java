package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

/** Collections in one blob: each encoding over its container, opened on the first element. */
class PackedCollectionDecoderTest {
    private static final DecoderHarness.Factory PACKED = p -> new PackedCollectionDecoder(p.in, p.strings, p.v, p.blob);

    @Test
    void everyPackedEncoding() throws Exception {
        assertThat(DecoderHarness.run(PACKED, RdbEncoding.LIST_ZIPLIST, Parts.raw(DecodersTest.ziplist("a", 5L))).elements()).containsExactly("a", "5");
        assertThat(DecoderHarness.run(PACKED, RdbEncoding.ZSET_ZIPLIST, Parts.raw(DecodersTest.ziplist("a", "1.5", "b", 2L))).elements())
                .containsExactly("a:1.5", "b:2.0");
        assertThat(DecoderHarness.run(PACKED, RdbEncoding.HASH_ZIPLIST, Parts.raw(DecodersTest.ziplist("f", "v"))).elements()).containsExactly("f=v");
        assertThat(DecoderHarness.run(PACKED, RdbEncoding.SET_LISTPACK, Parts.raw(DecodersTest.listpack("x", "y"))).elements()).containsExactly("x", "y");
        assertThat(DecoderHarness.run(PACKED, RdbEncoding.ZSET_LISTPACK, Parts.raw(DecodersTest.listpack("a", "-inf", "b", "3.25"))).elements())
                .containsExactly("a:-Infinity", "b:3.25");
        assertThat(DecoderHarness.run(PACKED, RdbEncoding.HASH_LISTPACK, Parts.raw(DecodersTest.listpack("f", 1L))).elements()).containsExactly("f=1");
        byte[] ttl = DecodersTest.listpack("g", "w", 1893456000000L, "f", "v", 0L);
        assertThat(DecoderHarness.run(PACKED, RdbEncoding.HASH_LISTPACK_EX_PRE_GA, Parts.raw(ttl)).elements()).containsExactly("g=w@1893456000000", "f=v");
        byte[] ga = Parts.concat(new byte[8], Parts.raw(ttl));
        assertThat(DecoderHarness.run(PACKED, RdbEncoding.HASH_LISTPACK_EX, ga).elements()).containsExactly("g=w@1893456000000", "f=v");
        byte[] intset = {2, 0, 0, 0, 2, 0, 0, 0, (byte) 0xfe, (byte) 0xff, 9, 0};
        DecoderHarness.Result r = DecoderHarness.run(PACKED, RdbEncoding.SET_INTSET, Parts.raw(intset));
        assertThat(r.elements()).containsExactly("-2", "9");
        assertThat(r.sizeHint()).isEqualTo(2);
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        z.writeBytes(new byte[] {1, 1, 'f', 1, 0, 'v', (byte) 0xff});
        assertThat(DecoderHarness.run(PACKED, RdbEncoding.HASH_ZIPMAP, Parts.raw(z.toByteArray())).elements()).containsExactly("f=v");
    }

    @Test
    void oneContainerEachAndTheFramingWalkSkipsItUnread() throws Exception {
        byte[] value = Parts.raw(DecodersTest.listpack("a", "b", "c"));
        DecoderHarness.Result r = DecoderHarness.run(PACKED, RdbEncoding.SET_LISTPACK, value);
        assertThat(r.containers()).isEqualTo(1);
        assertThat(r.decodedEnd()).isEqualTo(value.length).isEqualTo(r.skimmedEnd());
        // Bytes the framing walk does not look into: a broken listpack is skimmed, and refused when decoded.
        byte[] broken = value.clone();
        broken[broken.length - 1] = 0;
        assertThat(DecoderHarness.skimEnd(PACKED, RdbEncoding.SET_LISTPACK, broken)).isEqualTo(broken.length);
        RdbFormatException e = catchThrowableOfType(() -> DecoderHarness.run(PACKED, RdbEncoding.SET_LISTPACK, broken), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.INVALID_LISTPACK);
    }

    @Test
    void aScoreIsReadAsTheServerReadsItWithStrtod() throws Exception {
        assertThat(DecoderHarness.run(PACKED, RdbEncoding.ZSET_LISTPACK, Parts.raw(DecodersTest.listpack("a", "one", "b", "2.5e1x"))).elements())
                .containsExactly("a:0.0", "b:25.0");
    }

    @Test
    void whatTheServerRefusesIsReportedAtTheBlob() {
        RdbFormatException e = catchThrowableOfType(() -> DecoderHarness.run(PACKED, RdbEncoding.HASH_LISTPACK,
                Parts.raw(DecodersTest.listpack("f", "v", "f", "w"))), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.DUPLICATE_MEMBER);
        assertThat(e.offset()).isZero();
        assertThat(e.detail()).contains("\"f\"");
        RdbFormatException order = catchThrowableOfType(() -> DecoderHarness.run(PACKED, RdbEncoding.HASH_LISTPACK_EX_PRE_GA,
                Parts.raw(DecodersTest.listpack("f", "v", 0L, "g", "w", 1893456000000L))), RdbFormatException.class);
        assertThat(order.reason()).isEqualTo(RdbFormatException.Reason.INVALID_VALUE);
        assertThat(order.detail()).contains("follows a field without one");
    }
}
