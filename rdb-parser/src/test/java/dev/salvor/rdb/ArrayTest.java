package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.fixtures.RdbBuilder.SmallString;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Redis 8.8's sparse arrays (type 28, RDB 14), built byte by byte with the contents of redis/librdb's
 * own v14 test dumps and compared with the expectations librdb publishes for them
 * ({@code test/dumps/array_v14_*.json}: insert index and [index, value] pairs).
 */
class ArrayTest {
    record Read(String insertIndex, List<String> elements) {
    }

    static Read read(byte[] file) throws IOException {
        List<String> out = new ArrayList<>();
        String insert = null;
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    assertThat(r.type()).isEqualTo(RedisType.ARRAY);
                    insert = r.arrayInsertIndex() == -1 ? null : Long.toUnsignedString(r.arrayInsertIndex());
                } else if (t == RdbToken.ELEMENT) {
                    assertThat(r.elementKind()).isEqualTo(ElementKind.ARRAY_ELEMENT);
                    out.add(Long.toUnsignedString(r.arrayIndex()) + "=" + r.item());
                } else if (t == RdbToken.EOF) {
                    assertThat(r.checksumStatus()).isEqualTo(ChecksumStatus.OK);
                }
            }
        }
        return new Read(insert, out);
    }

    private static byte[] file(Long insert, Object[]... elements) {
        return new RdbBuilder("REDIS0014").aux("redis-ver", "8.8.0").selectDb(0, 1, 0).key(28, "arr").arrayValue(insert, elements).finish();
    }

    private static Object[] e(long idx, Object v) {
        return new Object[] {idx, v};
    }

    @Test
    void librdbsArrayDumps() throws IOException {
        // array_v14_basic.json: idx 0..99 = a0..a99, no insert index.
        Object[][] basic = new Object[100][];
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            basic[i] = e(i, new SmallString("a" + i));
            expected.add(i + "=a" + i);
        }
        assertThat(read(file(null, basic))).isEqualTo(new Read(null, expected));
        // array_v14_with_insert_idx.json: insert_idx 49; 1000000 first, 1000100 mid, 1001000 third.
        assertThat(read(file(49L, e(1000000, "first"), e(1000100, "mid"), e(1001000, "third"))))
                .isEqualTo(new Read("49", List.of("1000000=first", "1000100=mid", "1001000=third")));
        // array_v14_insert_idx_none.json: x, y, z.
        assertThat(read(file(null, e(0, "x"), e(1, "y"), e(2, "z")))).isEqualTo(new Read(null, List.of("0=x", "1=y", "2=z")));
        // array_v14_insert_idx_boundary.json: insert index 2^64 - 2, the largest there is.
        assertThat(read(file(-2L, e(0, "a"), e(1, "b")))).isEqualTo(new Read("18446744073709551614", List.of("0=a", "1=b")));
        // array_v14_mixed_types.json: an SDS string, the integer 42, the double 1.5, the small string abc.
        String sds = "this_is_a_long_sds_string_value_long_enough";
        assertThat(read(file(null, e(0, sds), e(1, 42L), e(2, 1.5), e(3, new SmallString("abc")))))
                .isEqualTo(new Read(null, List.of("0=" + sds, "1=42", "2=1.5", "3=abc")));
    }

    @Test
    void doublesReadAsRedisPrintsThem() {
        assertThat(ArrayDecoder.doubleText(1.5)).isEqualTo("1.5");
        assertThat(ArrayDecoder.doubleText(3.0)).isEqualTo("3");
        assertThat(ArrayDecoder.doubleText(-0.1)).isEqualTo("-0.1");
        assertThat(ArrayDecoder.doubleText(1e21)).isEqualTo("1e+21");
        assertThat(ArrayDecoder.doubleText(1.25e-7)).isEqualTo("1.25e-07");
        assertThat(ArrayDecoder.doubleText(Double.POSITIVE_INFINITY)).isEqualTo("inf");
    }

    @Test
    void whatLibrdbRefusesIsALocatedError() {
        List<byte[]> bad = List.of(
                new RdbBuilder("REDIS0014").selectDb(0, 1, 0).key(28, "arr").len(0).len(0).finish(),            // 0 elements
                new RdbBuilder("REDIS0014").selectDb(0, 1, 0).key(28, "arr").len(1).len(2).finish(),            // flag 2
                new RdbBuilder("REDIS0014").selectDb(0, 1, 0).key(28, "arr").len(1).len(0).u8(0xc0).len(0).str("x").finish(), // encoded index
                new RdbBuilder("REDIS0014").selectDb(0, 1, 0).key(28, "arr").len(1).len(0).len(-1).len(0).str("x").finish(),  // index 2^64 - 1
                new RdbBuilder("REDIS0014").selectDb(0, 1, 0).key(28, "arr").len(1).len(0).len(0).len(4).str("x").finish());  // tag 4
        for (byte[] f : bad) {
            RdbFormatException ex = catchThrowableOfType(() -> read(f), RdbFormatException.class);
            assertThat(ex.reason()).isEqualTo(RdbFormatException.Reason.BAD_ENCODING);
            assertThat(ex.getMessage()).contains("\"arr\"");
        }
    }

    @Test
    void framingWalkSkipsEveryTag() throws IOException {
        byte[] f = new RdbBuilder("REDIS0014").selectDb(0, 2, 0).key(28, "arr").arrayValue(7L, e(0, "s"), e(1, 5L), e(2, 2.5), e(3, new SmallString("t")))
                .stringKey("after", "v").finish();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(f), "synthetic", f.length)) {
            while (r.next() != RdbToken.KEY) {
                // to the array
            }
            r.skipValue(RdbReader.Skip.FRAMING);
            assertThat(r.next()).isEqualTo(RdbToken.KEY);
            assertThat(new String(r.key())).isEqualTo("after");
        }
        assertThat(RdbEncoding.ARRAY.writtenBy(14)).isTrue();
        assertThat(RdbEncoding.ARRAY.writtenBy(13)).isFalse();
        assertThat(RdbEncoding.of(28, RdbFlavor.VALKEY)).isNull();
    }
}
