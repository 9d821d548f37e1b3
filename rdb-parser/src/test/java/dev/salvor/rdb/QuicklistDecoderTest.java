package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Quicklists of ziplist nodes, and quicklist 2 with packed and plain nodes: a container per node. */
class QuicklistDecoderTest {
    private static final DecoderHarness.Factory QUICKLIST = p -> new QuicklistDecoder(p.in, p.strings, p.v, p.blob);

    @Test
    void ziplistNodes() throws Exception {
        byte[] value = Parts.concat(new byte[] {2}, Parts.raw(DecodersTest.ziplist("a", "b")), Parts.raw(DecodersTest.ziplist(3L)));
        DecoderHarness.Result r = DecoderHarness.run(QUICKLIST, RdbEncoding.LIST_QUICKLIST, value);
        assertThat(r.elements()).containsExactly("a", "b", "3");
        assertThat(r.containers()).isEqualTo(2);
        assertThat(r.decodedEnd()).isEqualTo(value.length).isEqualTo(r.skimmedEnd());
    }

    @Test
    void packedAndPlainNodes() throws Exception {
        byte[] big = "p".repeat(100).getBytes();
        byte[] value = Parts.concat(new byte[] {3, 2}, Parts.raw(DecodersTest.listpack("a", "b")), new byte[] {1}, Parts.raw(big),
                new byte[] {2}, Parts.raw(DecodersTest.listpack("z")));
        DecoderHarness.Result r = DecoderHarness.run(QUICKLIST, RdbEncoding.LIST_QUICKLIST_2, value);
        assertThat(r.elements()).containsExactly("a", "b", "p".repeat(100), "z");
        assertThat(r.containers()).isEqualTo(3);
        assertThat(r.decodedEnd()).isEqualTo(value.length).isEqualTo(r.skimmedEnd());
    }

    @Test
    void anUnknownContainerIsRefusedDecodedOrSkimmed() {
        byte[] value = Parts.concat(new byte[] {1, 3}, Parts.raw(DecodersTest.listpack("a")));
        for (boolean skim : new boolean[] {false, true}) {
            RdbFormatException e = catchThrowableOfType(() -> {
                if (skim) DecoderHarness.skimEnd(QUICKLIST, RdbEncoding.LIST_QUICKLIST_2, value);
                else DecoderHarness.run(QUICKLIST, RdbEncoding.LIST_QUICKLIST_2, value);
            }, RdbFormatException.class);
            assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.BAD_ENCODING);
            assertThat(e.offset()).isEqualTo(1);
            assertThat(e.detail()).contains("container 3");
        }
    }
}
