package dev.salvor.rdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The members (set members, hash fields, zset members) of the value being read, to find one that
 * repeats: servers refuse such a value (a hash table cannot hold a key twice). Members compare as
 * servers compare them, by their text: the integer 7 and the string "7" are the same member.
 *
 * <p>Only a 128-bit fingerprint of each member is kept (16 bytes a member, whatever its size), so a
 * value of any size is checked while it streams past; two different members share a fingerprint
 * with odds of about n²/2^129, far below any hardware error rate.
 */
final class MemberSet {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int SMALL = 64;
    /**
     * Tables up to this many slots are kept from one value to the next (about 20 bytes a slot), so
     * a file of mid-sized sets and hashes does not build each table up again from the smallest.
     */
    private static final int KEPT = 1 << 15;

    private long[] hi = new long[SMALL];
    private long[] lo = new long[SMALL];
    /** A slot holds a member of the current value when its stamp is {@link #gen}: clearing is one increment. */
    private int[] stamp = new int[SMALL];
    private int gen = 1;
    private int size;

    /** Forgets every member (a new value begins). */
    void clear() {
        if (size == 0) return;
        if (hi.length > KEPT) {
            hi = new long[SMALL];
            lo = new long[SMALL];
            stamp = new int[SMALL];
            gen = 1;
        } else if (++gen == 0) {
            Arrays.fill(stamp, 0);
            gen = 1;
        }
        size = 0;
    }

    int size() {
        return size;
    }

    /** Adds the member; false when an equal member was added before. */
    boolean add(StringRef member) {
        if (member.isInteger()) return addInteger(member.integer());
        byte[] a = member.array();
        int off = member.offset(), len = member.length();
        if (len > 0 && len <= 20) {
            long v = CNumbers.string2ll(a, off, len);
            if (v != CNumbers.NOT_A_LONG || CNumbers.isLongMinText(a, off, len)) return addInteger(v);
        }
        return addBytes(a, off, len);
    }

    private boolean addInteger(long v) {
        long h = fmix(v ^ 0x9e3779b97f4a7c15L);
        long l = fmix(v * 0xc2b2ae3d27d4eb4fL + 0x165667b19e3779f9L);
        return insert(h, l);
    }

    private boolean addBytes(byte[] a, int off, int len) {
        long h = 0x243f6a8885a308d3L ^ len, l = 0x13198a2e03707344L + len;
        int i = off, end = off + len;
        for (; i + 8 <= end; i += 8) {
            long w = (long) LONG.get(a, i);
            h = Long.rotateLeft((h ^ w) * 0x87c37b91114253d5L, 31);
            l = Long.rotateLeft((l + w) * 0x4cf5ad432745937fL, 27) ^ h;
        }
        long tail = 0;
        for (int s = 0; i < end; i++, s += 8) tail |= (a[i] & 0xffL) << s;
        h = Long.rotateLeft((h ^ tail) * 0x87c37b91114253d5L, 31);
        l = Long.rotateLeft((l + tail) * 0x4cf5ad432745937fL, 27) ^ h;
        return insert(fmix(h ^ 0x5bd1e995L), fmix(l + h));
    }

    private boolean insert(long h, long l) {
        if (2 * (size + 1) > hi.length) grow();
        int mask = hi.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        int g = gen;
        while (stamp[i] == g) {
            if (hi[i] == h && lo[i] == l) return false;
            i = (i + 1) & mask;
        }
        hi[i] = h;
        lo[i] = l;
        stamp[i] = g;
        size++;
        return true;
    }

    private void grow() {
        long[] oh = hi, ol = lo;
        int[] os = stamp;
        int g = gen;
        hi = new long[oh.length * 2];
        lo = new long[oh.length * 2];
        stamp = new int[oh.length * 2];
        int mask = hi.length - 1;
        for (int j = 0; j < oh.length; j++) {
            if (os[j] != g) continue;
            long h = oh[j];
            int i = (int) (h ^ (h >>> 32)) & mask;
            while (stamp[i] == g) i = (i + 1) & mask;
            hi[i] = h;
            lo[i] = ol[j];
            stamp[i] = g;
        }
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
