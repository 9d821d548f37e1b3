package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A string key's value: one element, whole or (longer than the window) in chunks. */
class StringValueDecoderTest {
    private static final DecoderHarness.Factory STRING = p -> new StringValueDecoder(p.in, p.strings, p.v);

    @Test
    void oneElementWholeOrChunked() throws Exception {
        DecoderHarness.Result small = DecoderHarness.run(STRING, RdbEncoding.STRING, Parts.raw("value".getBytes()));
        assertThat(small.elements()).containsExactly("value");
        assertThat(small.sizeHint()).isEqualTo(1);
        byte[] big = new byte[ReadConstraints.DEFAULT_WINDOW_SIZE + 1];
        java.util.Arrays.fill(big, (byte) 'b');
        Parts p = new Parts(Parts.raw(big));
        StringValueDecoder d = new StringValueDecoder(p.in, p.strings, p.v);
        d.begin(RdbEncoding.STRING, 0);
        assertThat(d.next()).isTrue();
        assertThat(d.chunked()).isTrue();
        // Nobody read the chunks: the next call passes them and ends the value.
        assertThat(d.next()).isFalse();
        assertThat(p.in.offset()).isEqualTo(p.in.in.size());
        byte[] bigValue = Parts.raw(big);
        assertThat(DecoderHarness.skimEnd(STRING, RdbEncoding.STRING, bigValue)).isEqualTo(bigValue.length);
    }
}
