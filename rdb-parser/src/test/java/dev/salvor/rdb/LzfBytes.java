package dev.salvor.rdb;

import java.io.ByteArrayOutputStream;

/** Test-only LZF writer: literal runs and back references built by hand, not by the code under test. */
final class LzfBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long produced;

    /** Literal bytes, in runs of at most 32. */
    LzfBytes literal(byte[] b) {
        for (int i = 0; i < b.length; i += 32) {
            int n = Math.min(32, b.length - i);
            out.write(n - 1);
            out.write(b, i, n);
        }
        produced += b.length;
        return this;
    }

    /** {@code n} more bytes, each a copy of the byte {@code distance} bytes back (distance 1 repeats the last byte). */
    LzfBytes repeat(int distance, long n) {
        int off = distance - 1;
        while (n > 0) {
            int len = (int) Math.min(n, 264);
            if (len < 3) {
                // A reference copies at least 3 bytes: finish with the shortest one that fits.
                len = 3;
            }
            int l = len - 2;
            if (l < 7) {
                out.write(l << 5 | off >> 8);
            } else {
                out.write(7 << 5 | off >> 8);
                out.write(l - 7);
            }
            out.write(off & 0xff);
            produced += len;
            n -= len;
        }
        return this;
    }

    long produced() {
        return produced;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** An RDB LZF string: 0xC3, compressed length, uncompressed length, data. */
    byte[] rdbString(long declaredLength) {
        byte[] data = bytes();
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.write(0xc3);
        writeLength(s, data.length);
        writeLength(s, declaredLength);
        s.writeBytes(data);
        return s.toByteArray();
    }

    static void writeLength(ByteArrayOutputStream s, long v) {
        if (v < 64) {
            s.write((int) v);
        } else if (v < 16384) {
            s.write(0x40 | (int) (v >> 8));
            s.write((int) v);
        } else if (v <= 0xffffffffL) {
            s.write(0x80);
            for (int i = 3; i >= 0; i--) s.write((int) (v >> (8 * i)));
        } else {
            s.write(0x81);
            for (int i = 7; i >= 0; i--) s.write((int) (v >> (8 * i)));
        }
    }
}
