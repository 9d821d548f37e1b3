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
 * <p>Only a 127-bit fingerprint of each member is kept (16 bytes a member, whatever its size), so a
 * value of any size is checked while it streams past; two different members share a fingerprint
 * with odds of about n²/2^128, far below any hardware error rate.
 */
final class MemberSet {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int SMALL_LOG2 = 6;
    /**
     * Tables up to 2^KEPT_LOG2 slots (16 bytes a slot) are kept, one per size, from one value to
     * the next: a value starts in the table its declared element count calls for, so a file of
     * mid-sized sets and hashes neither builds each table up again from the smallest nor spreads
     * the members of a small value over a large table (a cache miss a member).
     */
    private static final int KEPT_LOG2 = 15;

    /** Every kept table but the current one is all empty. */
    private final long[][] kept = new long[KEPT_LOG2 + 1][];
    /**
     * Slot i is {@code table[2i..2i+1]}, the fingerprint's two halves side by side (one cache line
     * a probe); the second half always has its low bit set, so an empty slot is (0, 0).
     */
    private long[] table = tableOf(SMALL_LOG2);
    private int size;

    private long[] tableOf(int log2) {
        if (log2 > KEPT_LOG2) return new long[2 << log2];
        long[] t = kept[log2];
        if (t == null) kept[log2] = t = new long[2 << log2];
        return t;
    }

    /** Empties a table that is left (a kept one is used again), or lets the garbage collector have it. */
    private void release(long[] t) {
        if (t.length <= 2 << KEPT_LOG2) Arrays.fill(t, 0);
    }

    /** Forgets every member (a new value begins). */
    void clear() {
        if (size == 0) return;
        release(table);
        size = 0;
        table = tableOf(SMALL_LOG2);
    }

    /**
     * Before the first member: the value declares {@code n} elements (-1: unknown), so it starts in
     * a table that holds them without growing (at most the largest kept size: a declared count is
     * not trusted with more).
     */
    void expect(long n) {
        if (size != 0 || n <= (1L << SMALL_LOG2) / 2) return;
        int log2 = 64 - Long.numberOfLeadingZeros(Math.min(n, 1L << KEPT_LOG2) * 2 - 1);
        log2 = Math.min(log2, KEPT_LOG2);
        if (2 << log2 > table.length) table = tableOf(log2);
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
        l |= 1;
        long[] t = table;
        if (4 * (size + 1) > t.length) t = grow();
        int mask = t.length - 2;
        int i = (int) (h ^ (h >>> 32)) << 1 & mask;
        long e;
        while ((e = t[i + 1]) != 0) {
            if (e == l && t[i] == h) return false;
            i = (i + 2) & mask;
        }
        t[i] = h;
        t[i + 1] = l;
        size++;
        return true;
    }

    private long[] grow() {
        long[] old = table;
        long[] t = tableOf(Integer.numberOfTrailingZeros(old.length));
        int mask = t.length - 2;
        for (int j = 0; j < old.length; j += 2) {
            long l = old[j + 1];
            if (l == 0) continue;
            long h = old[j];
            int i = (int) (h ^ (h >>> 32)) << 1 & mask;
            while (t[i + 1] != 0) i = (i + 2) & mask;
            t[i] = h;
            t[i + 1] = l;
        }
        release(old);
        table = t;
        return t;
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
