package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Input primitives: the length encodings, doubles, ids, and errors that say where they happened. */
class RdbInputTest {
    private static RdbInput input(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) b[i] = (byte) bytes[i];
        return new Parts(b).in;
    }

    @Test
    void lengthEncodings() throws Exception {
        RdbInput in = input(0x3f, 0x41, 0x02, 0x80, 0, 1, 0, 0, 0x81, 0, 0, 0, 1, 0, 0, 0, 0);
        assertThat(in.length("a")).isEqualTo(63);
        assertThat(in.length("b")).isEqualTo(0x102);
        assertThat(in.length("c")).isEqualTo(0x10000);
        assertThat(in.length("d")).isEqualTo(1L << 32);
        assertThat(in.offset()).isEqualTo(17);
    }

    @Test
    void lengthsThatAreNotLengths() throws Exception {
        // Where the server expects a length, an encoded-string prefix reads as its low 6 bits.
        assertThat(input(0xc0).length("count")).isZero();
        assertThat(input(0xc5).length("count")).isEqualTo(5);
        assertThat(input(0xff).rawLength("count")).isEqualTo(63);
        RdbFormatException prefix = catchThrowableOfType(() -> input(0x85).length("count"), RdbFormatException.class);
        assertThat(prefix.detail()).contains("prefix byte 0x85");
        RdbFormatException huge = catchThrowableOfType(() -> input(0x81, 0xff, 0, 0, 0, 0, 0, 0, 0).length("count"), RdbFormatException.class);
        assertThat(huge.detail()).contains("out of range");
    }

    @Test
    void rawLengthsUseAll64Bits() throws Exception {
        assertThat(input(0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff).rawLength("id")).isEqualTo(-1L);
    }

    @Test
    void errorsNameTheOffsetDatabaseAndKey() {
        RdbInput in = input(0x80, 0);
        in.db = 3;
        in.key = "k".getBytes(StandardCharsets.US_ASCII);
        RdbFormatException e = catchThrowableOfType(() -> in.length("element count"), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.TRUNCATED);
        assertThat(e.offset()).isEqualTo(1);
        assertThat(e.db()).isEqualTo(3);
        assertThat(e.getMessage()).isEqualTo("test: truncated at byte offset 1 (db 3, key \"k\"): input ends while reading element count");
    }

    @Test
    void aShortSkipIsReportedWhereTheSkippedBytesBegin() {
        RdbInput in = input(1, 2, 3);
        RdbFormatException e = catchThrowableOfType(() -> {
            in.u8("x");
            in.skip(10, "payload");
        }, RdbFormatException.class);
        assertThat(e.offset()).isEqualTo(1);
    }

    @Test
    void countsWithinTheConstraint() throws Exception {
        byte[] b = {5};
        assertThat(new Parts(b).in.count("n")).isEqualTo(5);
        Parts limited = new Parts(b, ReadConstraints.builder().maxElements(4).build());
        RdbFormatException e = catchThrowableOfType(() -> limited.in.count("element count"), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.LIMIT_EXCEEDED);
    }

    @Test
    void textDoubles() throws Exception {
        byte[] b = {(byte) 253, (byte) 254, (byte) 255, 3, '1', '.', '5', 3, 'x', 'y', 'z'};
        RdbInput in = new Parts(b).in;
        assertThat(in.textDouble("s")).isNaN();
        assertThat(in.textDouble("s")).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(in.textDouble("s")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(in.textDouble("s")).isEqualTo(1.5);
        RdbFormatException e = catchThrowableOfType(() -> in.textDouble("score"), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.BAD_ENCODING);
        assertThat(e.offset()).isEqualTo(7);
        RdbInput again = new Parts(b).in;
        for (int i = 0; i < 5; i++) again.skipTextDouble("s");
        assertThat(again.offset()).isEqualTo(b.length);
    }

    @Test
    void streamIds() throws Exception {
        RdbInput in = input(0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 5, 6);
        assertThat(in.rawStreamId("id")).isEqualTo(new StreamId(1, 2));
        assertThat(in.lengthStreamId("id")).isEqualTo(new StreamId(5, 6));
    }
}
