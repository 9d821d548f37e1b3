package dev.salvor.salvage;

import java.util.Arrays;
import java.util.Random;

/**
 * A damage done to a real file's bytes for a salvage test: the damaged bytes, and where in the
 * original the damage starts and ends (what an independent oracle needs to know which keys it
 * left untouched).
 */
record Damage(String name, byte[] bytes, long from, long to) {
    @Override
    public String toString() {
        return name;
    }

    /** The file cut at {@code at}, as a full disk or a crash leaves it. */
    static Damage truncate(byte[] b, int at) {
        return new Damage("truncate@" + at, Arrays.copyOf(b, at), at, b.length);
    }

    /** One byte changed. */
    static Damage flip(byte[] b, int at) {
        byte[] c = b.clone();
        c[at] ^= (byte) 0x5a;
        return new Damage("flip@" + at, c, at, at + 1);
    }

    /** A 4 KiB page of zeros, as a torn page write leaves it. */
    static Damage zeroPage(byte[] b, int at) {
        byte[] c = b.clone();
        Arrays.fill(c, at, Math.min(c.length, at + 4096), (byte) 0);
        return new Damage("zero-page@" + at, c, at, Math.min(c.length, at + 4096));
    }

    /** 100 random bytes inserted at {@code at}. */
    static Damage insert(byte[] b, int at, Random rnd) {
        byte[] garbage = new byte[100];
        rnd.nextBytes(garbage);
        byte[] c = new byte[b.length + garbage.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(garbage, 0, c, at, garbage.length);
        System.arraycopy(b, at, c, at + garbage.length, b.length - at);
        return new Damage("insert@" + at, c, at, at);
    }

    /** {@code len} bytes cut out at {@code at}. */
    static Damage delete(byte[] b, int at, int len) {
        byte[] c = new byte[b.length - len];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(b, at + len, c, at, b.length - at - len);
        return new Damage("delete@" + at, c, at, at + len);
    }

    /** One byte of the magic changed ("REDIX"). */
    static Damage header(byte[] b) {
        byte[] c = b.clone();
        c[4] = 'X';
        return new Damage("header", c, 4, 5);
    }

    /** The 9-byte magic overwritten, nothing else. */
    static Damage magic(byte[] b) {
        byte[] c = b.clone();
        Arrays.fill(c, 0, 9, (byte) 'X');
        return new Damage("magic", c, 0, 9);
    }
}
