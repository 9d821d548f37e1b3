package dev.salvor.export;

/**
 * Number text for the export, put into a caller's buffer instead of a new String per number: zset
 * scores and stream ids are written once per element, and a String apiece was a third of an
 * export's allocation.
 */
final class JsonNumbers {
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15};
    private static final long[] LONG_POW10 = {1L, 10L, 100L, 1000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L,
        100_000_000_000_000L, 1_000_000_000_000_000L};
    /** Longest text {@link #score} writes: sign, 7 integer digits, point, 15 digits. */
    static final int SCORE_CHARS = 24;
    /** Longest text {@link #streamId} writes: two 20-digit numbers and a dash. */
    static final int STREAM_ID_CHARS = 41;

    private JsonNumbers() {
    }

    /**
     * Writes the text Jackson's writer gives {@code d} (the shortest decimal that reads back as
     * {@code d}, as in Java's {@code Double.toString}) and returns its length, for the scores seen
     * in practice: 0.001 <= |d| < 10^7 with at most 15 significant digits. Returns -1 for any other
     * value; the caller then asks Jackson.
     *
     * <p>The shortest decimal is found by trying 0, 1, 2... fractional digits: {@code m / 10^k} with
     * {@code m < 2^53} and {@code k <= 15} is one correctly rounded division of two exact doubles, so
     * it equals {@code d} exactly when the decimal reads back as {@code d}. With at most 15
     * significant digits no two decimals of the same length read back as the same double, so the
     * first found is the one the shortest-digits algorithm picks.
     */
    static int score(double d, char[] buf) {
        double a = Math.abs(d);
        if (!(a >= 1e-3 && a < 1e7)) return -1; // also NaN
        for (int k = 0; k < POW10.length; k++) {
            double scaled = a * POW10[k];
            if (scaled >= 1e15) return -1;
            long m = (long) (scaled + 0.5);
            long found = m / POW10[k] == a ? m : m > 1 && (m - 1) / POW10[k] == a ? m - 1 : (m + 1) / POW10[k] == a ? m + 1 : -1;
            if (found > 0) return decimal(d < 0, found, k, buf);
        }
        return -1;
    }

    /** [-]int.frac of m / 10^k, with ".0" when k is 0. */
    private static int decimal(boolean negative, long m, int k, char[] buf) {
        int p = 0;
        if (negative) buf[p++] = '-';
        long whole = m / LONG_POW10[k];
        long frac = m % LONG_POW10[k];
        p = digits(whole, buf, p);
        buf[p++] = '.';
        if (k == 0) {
            buf[p++] = '0';
            return p;
        }
        for (int i = k - 1; i >= 0; i--) {
            buf[p + i] = (char) ('0' + frac % 10);
            frac /= 10;
        }
        return p + k;
    }

    /** The id as Redis prints it, {@code <ms>-<seq>} in unsigned decimal; returns the length. */
    static int streamId(long ms, long seq, char[] buf) {
        int p = unsignedDigits(ms, buf, 0);
        buf[p++] = '-';
        return unsignedDigits(seq, buf, p);
    }

    private static int unsignedDigits(long v, char[] buf, int p) {
        if (v >= 0) return digits(v, buf, p);
        // Above Long.MAX_VALUE: the last digit apart, the rest fits a signed long.
        long q = (v >>> 1) / 5;
        p = digits(q, buf, p);
        buf[p++] = (char) ('0' + (v - q * 10));
        return p;
    }

    /** Decimal digits of a non-negative long at p; returns the end. */
    private static int digits(long v, char[] buf, int p) {
        int n = 1;
        for (long t = v; t >= 10; t /= 10) n++;
        for (int i = p + n - 1; i >= p; i--) {
            buf[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        return p + n;
    }
}
