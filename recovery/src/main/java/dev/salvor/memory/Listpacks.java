package dev.salvor.memory;

import dev.salvor.rdb.StringRef;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Sizes of listpack entries as the server encodes them, for values the server builds itself on
 * load (a ziplist converted, a plain hash or set packed) rather than taking a listpack from the
 * file as it is. A string that reads as a canonical 64-bit integer is stored as an integer.
 */
final class Listpacks {
    /** Header (total bytes, element count) and the end byte. */
    static final int OVERHEAD = 7;

    private Listpacks() {
    }

    /** Bytes of the entry holding integer {@code v}: encoding and data, plus its back-length. */
    static int intEntry(long v) {
        int enc;
        if (v >= 0 && v <= 127) enc = 1;
        else if (v >= -4096 && v <= 4095) enc = 2;
        else if (v >= -32768 && v <= 32767) enc = 3;
        else if (v >= -8388608 && v <= 8388607) enc = 4;
        else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) enc = 5;
        else enc = 9;
        return enc + 1;
    }

    /** Bytes of the entry holding a string of {@code len} bytes that is not an integer. */
    static long stringEntry(long len) {
        long enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
        return enc + backLength(enc);
    }

    static int backLength(long l) {
        if (l <= 127) return 1;
        if (l < 16383) return 2;
        if (l < 2097151) return 3;
        if (l < 268435455) return 4;
        return 5;
    }

    /** Bytes of the entry the server writes for {@code s}. */
    static long entry(StringRef s) {
        if (s.isInteger()) return intEntry(s.integer());
        int len = s.length();
        if (len <= 20) {
            long[] v = new long[1];
            if (parseCanonical(s.array(), s.offset(), len, v)) return intEntry(v[0]);
        }
        return stringEntry(len);
    }

    /** Decimal length of an element (integers as their text). */
    static int textLength(StringRef s) {
        return s.isInteger() ? decimalLength(s.integer()) : s.length();
    }

    static int decimalLength(long v) {
        if (v == Long.MIN_VALUE) return 20;
        int sign = v < 0 ? 1 : 0;
        long a = Math.abs(v);
        if (a < 10) return sign + 1;
        if (a < 100) return sign + 2;
        if (a < 1000) return sign + 3;
        if (a < 10000) return sign + 4;
        int n = 5;
        for (long p = 100000; n < 19 && a >= p; p *= 10) n++;
        return sign + n;
    }

    /**
     * Whether {@code len} bytes are a 64-bit integer in canonical form (no sign other than a
     * leading minus, no leading zeros, no "-0"), as Redis's string2ll accepts; the value goes to
     * {@code out[0]}.
     */
    static boolean parseCanonical(byte[] a, int off, int len, long[] out) {
        if (len == 0 || len > 20) return false;
        if (len == 1 && a[off] == '0') {
            out[0] = 0;
            return true;
        }
        int i = off, end = off + len;
        boolean neg = false;
        if (a[i] == '-') {
            neg = true;
            i++;
            if (i == end) return false;
        }
        if (a[i] < '1' || a[i] > '9') return false;
        long v = 0; // accumulated as a negative number so LONG_MIN fits
        for (; i < end; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) return false;
            if (v < (Long.MIN_VALUE + d) / 10) return false;
            v = v * 10 - d;
        }
        if (!neg) {
            if (v == Long.MIN_VALUE) return false;
            v = -v;
        }
        out[0] = v;
        return true;
    }

    /**
     * Length of a sorted-set score as the server writes it into a listpack it builds: integral
     * values (within ±2^62) as integers, others as {@code %.17g} (Redis 7.0) or the shortest text
     * that reads back the same (7.2+).
     */
    static long scoreEntry(double score, boolean shortest) {
        if (!Double.isNaN(score) && !Double.isInfinite(score) && score >= -(double) (Long.MAX_VALUE / 2) && score <= (double) (Long.MAX_VALUE / 2)) {
            long l = (long) score;
            if (l == score) return intEntry(l);
        }
        return stringEntry(scoreTextLength(score, shortest));
    }

    static int scoreTextLength(double d, boolean shortest) {
        if (Double.isNaN(d)) return 3;
        if (Double.isInfinite(d)) return d < 0 ? 4 : 3;
        if (d == 0) return 1 / d < 0 ? 2 : 1;
        int precision = 17;
        if (shortest) {
            for (int p = 1; p <= 17; p++) {
                BigDecimal r = new BigDecimal(d).round(new MathContext(p, RoundingMode.HALF_EVEN));
                if (r.doubleValue() == d) {
                    precision = p;
                    break;
                }
            }
        }
        BigDecimal r = new BigDecimal(d).round(new MathContext(precision, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        int digits = r.precision();
        int exp = digits - r.scale() - 1; // decimal exponent of the first digit
        int sign = d < 0 ? 1 : 0;
        if (exp < -4 || exp >= precision) {
            // d.ddde+XX
            int expDigits = Math.max(2, Integer.toString(Math.abs(exp)).length());
            return sign + digits + (digits > 1 ? 1 : 0) + 2 + expDigits;
        }
        if (exp >= 0) {
            int intDigits = exp + 1;
            int frac = Math.max(0, digits - intDigits);
            return sign + intDigits + (frac > 0 ? 1 + frac : 0);
        }
        // 0.000ddd
        return sign + 2 + (-exp - 1) + digits;
    }
}
