package dev.salvor.rdb;

/** Sorted-set scores stored as text (RDB type 3, and members of zset ziplists and listpacks). */
final class Scores {
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    private Scores() {
    }

    /**
     * Exact parse of the common score text {@code [-]digits[.digits]} with at most 15 significant
     * digits (both the mantissa and 10^k are exact doubles, so one division rounds correctly);
     * NaN when the text needs the general parser.
     */
    static double fastDecimal(byte[] a, int off, int len) {
        if (len == 0 || len > 17) return Double.NaN;
        int i = off, end = off + len;
        boolean neg = false;
        if (a[i] == '-') {
            neg = true;
            if (++i == end) return Double.NaN;
        }
        long m = 0;
        int digits = 0, frac = -1;
        for (; i < end; i++) {
            int c = a[i];
            if (c >= '0' && c <= '9') {
                m = m * 10 + (c - '0');
                digits++;
                if (frac >= 0) frac++;
            } else if (c == '.' && frac < 0) {
                frac = 0;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0 || digits > 15 || frac == 0) return Double.NaN;
        double v = frac > 0 ? m / POW10[frac] : m;
        return neg ? -v : v;
    }
}
