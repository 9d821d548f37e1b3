package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Listpack, ziplist, intset and zipmap decoders against blobs built by small test encoders. */
class DecodersTest {
    // ---- listpack encoder (test-only)
    static byte[] listpack(Object... items) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Object o : items) {
            byte[] e = lpEntry(o);
            body.writeBytes(e);
            int len = e.length;
            int n = ListpackDecoder.backLenSize(len);
            byte[] back = new byte[n];
            for (int i = n - 1; i >= 0; i--) {
                back[i] = (byte) ((len & 127) | (i == n - 1 || n == 1 ? 0 : 0));
                len >>>= 7;
            }
            // High bit marks every byte but the first (the backward reader stops at the first).
            for (int i = 1; i < n; i++) back[i] |= (byte) 128;
            body.writeBytes(back);
        }
        body.write(0xff);
        int total = body.size() + 6;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) total, (byte) (total >>> 8), (byte) (total >>> 16), (byte) (total >>> 24), (byte) items.length, (byte) (items.length >>> 8)});
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static byte[] lpEntry(Object o) {
        if (o instanceof Long v) {
            if (v >= 0 && v <= 127) return new byte[] {(byte) (long) v};
            if (v >= -4096 && v <= 4095) return new byte[] {(byte) (0xc0 | ((v >> 8) & 0x1f)), (byte) (long) v};
            if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) return new byte[] {(byte) 0xf1, (byte) (long) v, (byte) (v >> 8)};
            if (v >= -(1 << 23) && v < (1 << 23)) return new byte[] {(byte) 0xf2, (byte) (long) v, (byte) (v >> 8), (byte) (v >> 16)};
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return new byte[] {(byte) 0xf3, (byte) (long) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
            byte[] b = new byte[9];
            b[0] = (byte) 0xf4;
            for (int i = 0; i < 8; i++) b[1 + i] = (byte) (v >> (8 * i));
            return b;
        }
        byte[] s = ((String) o).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (s.length < 64) b.write(0x80 | s.length);
        else if (s.length < 4096) {
            b.write(0xe0 | (s.length >> 8));
            b.write(s.length & 0xff);
        } else {
            b.write(0xf0);
            for (int i = 0; i < 4; i++) b.write(s.length >> (8 * i));
        }
        b.writeBytes(s);
        return b.toByteArray();
    }

    static List<String> decodeListpack(byte[] blob) throws BlobException {
        ListpackDecoder d = new ListpackDecoder();
        d.open(blob, 0, blob.length);
        List<String> out = new ArrayList<>();
        StringRef r = new StringRef();
        while (d.next(r)) out.add(r.isInteger() ? "#" + r.integer() : r.toString());
        return out;
    }

    @Test
    void listpackEveryEncoding() throws Exception {
        String s63 = "x".repeat(63), s100 = "y".repeat(100), s5000 = "z".repeat(5000);
        byte[] blob = listpack(0L, 127L, -1L, -4096L, 4095L, 30000L, -30000L, 8000000L, -2000000000L, 5000000000L, Long.MIN_VALUE, "", "a", s63, s100, s5000);
        assertThat(decodeListpack(blob)).containsExactly("#0", "#127", "#-1", "#-4096", "#4095", "#30000", "#-30000", "#8000000",
                "#-2000000000", "#5000000000", "#" + Long.MIN_VALUE, "", "a", s63, s100, s5000);
    }

    @Test
    void listpackDamageIsLocated() {
        byte[] good = listpack("abc", 5L, "hello");
        byte[] badTotal = good.clone();
        badTotal[0]++;
        assertThatThrownBy(() -> decodeListpack(badTotal)).isInstanceOf(BlobException.class).hasMessageContaining("header says");
        byte[] badCount = good.clone();
        badCount[4] = 7;
        assertThatThrownBy(() -> decodeListpack(badCount)).hasMessageContaining("counts 7");
        byte[] badBack = good.clone();
        badBack[6 + 4] = 9; // back-length of "abc" (entry of 4 bytes)
        assertThatThrownBy(() -> decodeListpack(badBack)).hasMessageContaining("back-length").satisfies(e -> assertThat(((BlobException) e).position).isEqualTo(10));
        byte[] noEnd = good.clone();
        noEnd[noEnd.length - 1] = 0;
        assertThatThrownBy(() -> decodeListpack(noEnd)).hasMessageContaining("terminator");
        byte[] badEnc = good.clone();
        badEnc[6] = (byte) 0xf8;
        assertThatThrownBy(() -> decodeListpack(badEnc)).hasMessageContaining("bad encoding");
    }

    // ---- ziplist encoder (test-only)
    static byte[] ziplist(Object... items) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prev = 0;
        int lastStart = 10;
        for (Object o : items) {
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            if (prev < 254) e.write(prev);
            else {
                e.write(0xfe);
                for (int i = 0; i < 4; i++) e.write(prev >> (8 * i));
            }
            if (o instanceof Long v) {
                if (v >= 0 && v <= 12) e.write(0xf1 + (int) (long) v);
                else if (v >= -128 && v <= 127) {
                    e.write(0xfe);
                    e.write((int) (long) v);
                } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                    e.write(0xc0);
                    e.write((int) (v & 0xff));
                    e.write((int) ((v >> 8) & 0xff));
                } else if (v >= -(1 << 23) && v < (1 << 23)) {
                    e.write(0xf0);
                    for (int i = 0; i < 3; i++) e.write((int) ((v >> (8 * i)) & 0xff));
                } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                    e.write(0xd0);
                    for (int i = 0; i < 4; i++) e.write((int) ((v >> (8 * i)) & 0xff));
                } else {
                    e.write(0xe0);
                    for (int i = 0; i < 8; i++) e.write((int) ((v >> (8 * i)) & 0xff));
                }
            } else {
                byte[] s = ((String) o).getBytes(StandardCharsets.UTF_8);
                if (s.length < 64) e.write(s.length);
                else if (s.length < 16384) {
                    e.write(0x40 | (s.length >> 8));
                    e.write(s.length & 0xff);
                } else {
                    e.write(0x80);
                    for (int i = 3; i >= 0; i--) e.write(s.length >> (8 * i));
                }
                e.writeBytes(s);
            }
            lastStart = 10 + body.size();
            body.writeBytes(e.toByteArray());
            prev = e.size();
        }
        body.write(0xff);
        int total = body.size() + 10;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int v : new int[] {total, lastStart}) for (int i = 0; i < 4; i++) out.write(v >> (8 * i));
        out.write(items.length);
        out.write(items.length >> 8);
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static List<String> decodeZiplist(byte[] blob) throws BlobException {
        ZiplistDecoder d = new ZiplistDecoder();
        d.open(blob, 0, blob.length);
        List<String> out = new ArrayList<>();
        StringRef r = new StringRef();
        while (d.next(r)) out.add(r.isInteger() ? "#" + r.integer() : r.toString());
        return out;
    }

    @Test
    void ziplistEveryEncoding() throws Exception {
        String s300 = "q".repeat(300), s20000 = "w".repeat(20000);
        assertThat(decodeZiplist(ziplist(0L, 12L, 13L, -100L, 1000L, -8000000L, 2000000000L, 9000000000000L, "", "ab", s300, s20000, "after a long one")))
                .containsExactly("#0", "#12", "#13", "#-100", "#1000", "#-8000000", "#2000000000", "#9000000000000", "", "ab", s300, s20000, "after a long one");
    }

    @Test
    void ziplistDamageIsLocated() {
        byte[] good = ziplist("abc", 7L, "xyz");
        byte[] badPrev = good.clone();
        badPrev[10 + 5] = 3; // prevlen of the second entry (first entry is 1+1+3 = 5 bytes)
        assertThatThrownBy(() -> decodeZiplist(badPrev)).hasMessageContaining("prev-length 3");
        byte[] badTail = good.clone();
        badTail[4] = (byte) 200;
        assertThatThrownBy(() -> decodeZiplist(badTail)).hasMessageContaining("tail offset");
        byte[] badCount = good.clone();
        badCount[8] = 9;
        assertThatThrownBy(() -> decodeZiplist(badCount)).hasMessageContaining("counts 9");
        byte[] badEnc = good.clone();
        badEnc[10 + 5 + 1] = (byte) 0xc8;
        assertThatThrownBy(() -> decodeZiplist(badEnc)).hasMessageContaining("bad integer encoding");
    }

    @Test
    void intsetWidthsAndOrder() throws Exception {
        for (int width : new int[] {2, 4, 8}) {
            long[] values = width == 2 ? new long[] {-5, 0, 0x7ffe} : width == 4 ? new long[] {-70000, 1, 0x7ffefffeL} : new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE};
            byte[] blob = new byte[8 + width * values.length];
            blob[0] = (byte) width;
            blob[4] = (byte) values.length;
            for (int i = 0; i < values.length; i++) for (int k = 0; k < width; k++) blob[8 + i * width + k] = (byte) (values[i] >> (8 * k));
            IntsetDecoder d = new IntsetDecoder();
            d.open(blob, 0, blob.length);
            StringRef r = new StringRef();
            List<Long> got = new ArrayList<>();
            while (d.next(r)) got.add(r.integer());
            assertThat(got).containsExactly(values[0], values[1], values[2]);
            byte[] unsorted = blob.clone();
            for (int k = 0; k < width; k++) {
                byte t = unsorted[8 + k];
                unsorted[8 + k] = unsorted[8 + width + k];
                unsorted[8 + width + k] = t;
            }
            IntsetDecoder bad = new IntsetDecoder();
            bad.open(unsorted, 0, unsorted.length);
            assertThatThrownBy(() -> {
                while (bad.next(r)) {
                    // read to the unsorted element
                }
            }).hasMessageContaining("not greater");
        }
        assertThatThrownBy(() -> new IntsetDecoder().open(new byte[] {3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, 0, 11)).hasMessageContaining("width 3");
    }

    @Test
    void zipmapShortAndLongLengthsWithFreeBytes() throws Exception {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        z.write(2);
        z.write(1);
        z.write('a');
        z.write(2);
        z.write(1); // one free byte after the value
        z.writeBytes("bb".getBytes(StandardCharsets.US_ASCII));
        z.write(0);
        String big = "k".repeat(300);
        z.write(254);
        for (int i = 0; i < 4; i++) z.write(300 >> (8 * i));
        z.writeBytes(big.getBytes(StandardCharsets.US_ASCII));
        z.write(1);
        z.write(0);
        z.write('v');
        z.write(0xff);
        byte[] blob = z.toByteArray();
        ZipmapDecoder d = new ZipmapDecoder();
        d.open(blob, 0, blob.length);
        StringRef f = new StringRef(), v = new StringRef();
        assertThat(d.next(f, v)).isTrue();
        assertThat(f.toString() + "=" + v).isEqualTo("a=bb");
        assertThat(d.next(f, v)).isTrue();
        assertThat(f.toString()).isEqualTo(big);
        assertThat(v.toString()).isEqualTo("v");
        assertThat(d.next(f, v)).isFalse();
        byte[] cut = java.util.Arrays.copyOf(blob, 20);
        cut[19] = (byte) 0xff;
        ZipmapDecoder bad = new ZipmapDecoder();
        bad.open(cut, 0, cut.length);
        assertThat(bad.next(f, v)).isTrue();
        assertThatThrownBy(() -> bad.next(f, v)).isInstanceOf(BlobException.class);
    }
}
