package dev.salvor.rdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * CRC-64/Jones as used by Redis for RDB trailers and DUMP payloads (reflected, polynomial
 * 0xad93d23594c935a9, init 0, no final xor).
 *
 * <p>The checksum has to keep up with a parser running at GB/s, so large inputs are cut into
 * three interleaved lanes (independent table chains the CPU overlaps) that are merged with a
 * precomputed "advance by one lane" operator; each lane runs slice-by-8.
 */
public final class Crc64 {
    private static final long REFLECTED_POLY = 0x95ac9329ac4bc9b5L;
    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int LANE = 8192;
    private static final long[][] TABLE = new long[8][256];
    /**
     * The eight slice tables in one array, ordered by the byte of the little-endian word they
     * consume: one array keeps the JIT's bounds checks cheap and doubles throughput.
     */
    private static final long[] FLAT = new long[8 * 256];
    /** SHIFT[j][v]: the CRC state {@code v << 8j} advanced over LANE zero bytes. */
    private static final long[][] SHIFT = new long[8][256];

    static {
        for (int n = 0; n < 256; n++) {
            long crc = n;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ REFLECTED_POLY : crc >>> 1;
            }
            TABLE[0][n] = crc;
        }
        for (int n = 0; n < 256; n++) {
            long crc = TABLE[0][n];
            for (int k = 1; k < 8; k++) {
                crc = TABLE[0][(int) (crc & 0xff)] ^ (crc >>> 8);
                TABLE[k][n] = crc;
            }
        }
        for (int j = 0; j < 8; j++) {
            System.arraycopy(TABLE[7 - j], 0, FLAT, j * 256, 256);
        }
        // The CRC is linear: advancing a state over zero bytes is a 64x64 bit matrix, tabulated per byte.
        long[] basis = new long[64];
        for (int bit = 0; bit < 64; bit++) {
            long s = 1L << bit;
            for (int k = 0; k < LANE; k++) s = TABLE[0][(int) (s & 0xff)] ^ (s >>> 8);
            basis[bit] = s;
        }
        for (int j = 0; j < 8; j++) {
            for (int v = 0; v < 256; v++) {
                long r = 0;
                for (int b = 0; b < 8; b++) {
                    if ((v >>> b & 1) != 0) r ^= basis[8 * j + b];
                }
                SHIFT[j][v] = r;
            }
        }
    }

    private Crc64() {
    }

    private static long advanceLane(long x) {
        final long[][] s = SHIFT;
        return s[0][(int) (x & 0xff)] ^ s[1][(int) ((x >>> 8) & 0xff)] ^ s[2][(int) ((x >>> 16) & 0xff)]
                ^ s[3][(int) ((x >>> 24) & 0xff)] ^ s[4][(int) ((x >>> 32) & 0xff)] ^ s[5][(int) ((x >>> 40) & 0xff)]
                ^ s[6][(int) ((x >>> 48) & 0xff)] ^ s[7][(int) (x >>> 56)];
    }

    private static long step(long[] f, long x) {
        return f[(int) (x & 0xff)] ^ f[256 + (int) ((x >>> 8) & 0xff)] ^ f[512 + (int) ((x >>> 16) & 0xff)]
                ^ f[768 + (int) ((x >>> 24) & 0xff)] ^ f[1024 + (int) ((x >>> 32) & 0xff)] ^ f[1280 + (int) ((x >>> 40) & 0xff)]
                ^ f[1536 + (int) ((x >>> 48) & 0xff)] ^ f[1792 + (int) (x >>> 56)];
    }

    /** Continues {@code crc} over {@code len} bytes of {@code b} starting at {@code off}. */
    public static long update(long crc, byte[] b, int off, int len) {
        final long[] f = FLAT;
        int i = off;
        final int end = off + len;
        while (end - i >= 3 * LANE) {
            long a = crc, c = 0, d = 0;
            for (int j = i, e = i + LANE; j < e; j += 8) {
                a = step(f, a ^ (long) LONG_LE.get(b, j));
                c = step(f, c ^ (long) LONG_LE.get(b, j + LANE));
                d = step(f, d ^ (long) LONG_LE.get(b, j + 2 * LANE));
            }
            crc = advanceLane(advanceLane(a) ^ c) ^ d;
            i += 3 * LANE;
        }
        while (end - i >= 8) {
            crc = step(f, crc ^ (long) LONG_LE.get(b, i));
            i += 8;
        }
        final long[] t0 = TABLE[0];
        while (i < end) {
            crc = t0[(int) ((crc ^ b[i++]) & 0xff)] ^ (crc >>> 8);
        }
        return crc;
    }

    public static long of(byte[] b, int off, int len) {
        return update(0, b, off, len);
    }

    /**
     * The CRC of {@code A} followed by {@code B}, from {@code crcA}, {@code crcB} and B's length:
     * the CRC is linear with zero start and no final xor, so it is {@code crcA} advanced over
     * {@code lenB} zero bytes, xored with {@code crcB}. Lets parts of a file be checksummed on
     * several threads and joined in file order.
     */
    public static long combine(long crcA, long crcB, long lenB) {
        if (lenB < 0) throw new IllegalArgumentException("negative length " + lenB);
        return ZeroBytes.advance(crcA, lenB) ^ crcB;
    }

    /** Advancing a CRC state over 2^k zero bytes, as 64x64 bit matrices (made on first use). */
    private static final class ZeroBytes {
        /** POWERS[k][b]: the state with only bit b set, advanced over 2^k zero bytes. */
        private static final long[][] POWERS = new long[63][];

        static {
            long[] one = new long[64];
            for (int b = 0; b < 64; b++) {
                long x = 1L << b;
                one[b] = TABLE[0][(int) (x & 0xff)] ^ (x >>> 8);
            }
            POWERS[0] = one;
            for (int k = 1; k < POWERS.length; k++) {
                long[] prev = POWERS[k - 1], sq = new long[64];
                for (int b = 0; b < 64; b++) sq[b] = apply(prev, prev[b]);
                POWERS[k] = sq;
            }
        }

        private static long apply(long[] m, long x) {
            long r = 0;
            while (x != 0) {
                r ^= m[Long.numberOfTrailingZeros(x)];
                x &= x - 1;
            }
            return r;
        }

        static long advance(long crc, long n) {
            for (int k = 0; n != 0 && crc != 0; k++, n >>>= 1) {
                if ((n & 1) != 0) crc = apply(POWERS[k], crc);
            }
            return crc;
        }
    }
}
