package dev.salvor.rdb;

/** Writes an RDB length in the shortest of its four forms, as a server saves it (values unsigned). */
public final class RdbLength {
    private RdbLength() {
    }

    /** Writes {@code len} (an unsigned 64-bit value) into {@code out} at {@code at}; returns the offset after it. */
    public static int write(long len, byte[] out, int at) {
        if (Long.compareUnsigned(len, 64) < 0) {
            out[at] = (byte) len;
            return at + 1;
        }
        if (Long.compareUnsigned(len, 16384) < 0) {
            out[at] = (byte) (0x40 | (len >>> 8));
            out[at + 1] = (byte) len;
            return at + 2;
        }
        if (Long.compareUnsigned(len, 0xffffffffL) <= 0) {
            out[at] = (byte) 0x80;
            for (int i = 0; i < 4; i++) out[at + 1 + i] = (byte) (len >>> (24 - 8 * i));
            return at + 5;
        }
        out[at] = (byte) 0x81;
        for (int i = 0; i < 8; i++) out[at + 1 + i] = (byte) (len >>> (56 - 8 * i));
        return at + 9;
    }
}
