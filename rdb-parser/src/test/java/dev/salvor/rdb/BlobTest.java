package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** A container read from a string: plain (decoded in the window) or LZF, its damage located either way. */
class BlobTest {
    @Test
    void plainAndCompressedBlobsDecodeAlike() throws Exception {
        byte[] lp = DecodersTest.listpack("alpha", 7L, "beta");
        byte[] lzf = new LzfBytes().literal(lp).rdbString(lp.length);
        for (byte[] s : new byte[][] {Parts.raw(lp), lzf}) {
            Parts p = new Parts(s);
            p.blob.open(Blob.Kind.LISTPACK, "list listpack");
            StringRef r = new StringRef();
            assertThat(p.blob.next(r)).isTrue();
            assertThat(r.toString()).isEqualTo("alpha");
            assertThat(p.blob.next(r)).isTrue();
            assertThat(r.integer()).isEqualTo(7);
            p.blob.nextRequired(r, "value");
            assertThat(r.toString()).isEqualTo("beta");
            assertThat(p.blob.next(r)).isFalse();
        }
    }

    @Test
    void damageIsLocatedInTheFileOrInTheDecompressedBlob() {
        byte[] lp = DecodersTest.listpack("abc", 5L);
        lp[6 + 4] = 9; // the back-length of "abc", 4 bytes into the elements
        RdbFormatException plain = catchThrowableOfType(() -> {
            Parts p = new Parts(Parts.concat(new byte[] {0, 0, 0}, Parts.raw(lp)));
            p.in.skip(3, "padding");
            p.blob.open(Blob.Kind.LISTPACK, "set listpack");
            p.blob.next(new StringRef());
        }, RdbFormatException.class);
        // 3 bytes of padding, 1 length byte, then the back-length at byte 10 of the blob.
        assertThat(plain.offset()).isEqualTo(3 + 1 + 10);
        assertThat(plain.reason()).isEqualTo(RdbFormatException.Reason.INVALID_LISTPACK);
        RdbFormatException compressed = catchThrowableOfType(() -> {
            Parts p = new Parts(new LzfBytes().literal(lp).rdbString(lp.length));
            p.blob.open(Blob.Kind.LISTPACK, "set listpack");
            p.blob.next(new StringRef());
        }, RdbFormatException.class);
        assertThat(compressed.offset()).isZero();
        assertThat(compressed.detail()).endsWith("(byte 10 of the decompressed blob)");
    }

    @Test
    void anIntegerIsNoBlobAndAnOddPairIsReported() {
        RdbFormatException integer = catchThrowableOfType(() -> new Parts(new byte[] {(byte) 0xc0, 5}).blob.open(Blob.Kind.ZIPLIST, "ziplist"),
                RdbFormatException.class);
        assertThat(integer.reason()).isEqualTo(RdbFormatException.Reason.BAD_ENCODING);
        RdbFormatException odd = catchThrowableOfType(() -> {
            Parts p = new Parts(Parts.raw(DecodersTest.ziplist("field")));
            p.blob.open(Blob.Kind.ZIPLIST, "hash ziplist");
            p.blob.next(new StringRef());
            p.blob.nextRequired(new StringRef(), "value");
        }, RdbFormatException.class);
        assertThat(odd.reason()).isEqualTo(RdbFormatException.Reason.INVALID_ZIPLIST);
        assertThat(odd.detail()).contains("value missing");
    }
}
