package dev.salvor.rdb;

import com.fasterxml.jackson.core.io.NumberInput;

import java.nio.charset.StandardCharsets;

/**
 * Numbers in text as the servers read them: {@code string2ll} (an integer written exactly as the
 * server writes integers: no sign but '-', no leading zero, no spaces, at most 20 characters) and
 * C's {@code strtod} (the longest prefix that reads as a number; nothing readable is 0), which is
 * how a zset score stored as text in a ziplist or listpack is read. Scores read this way are
 * never an error on the server, so they are not one here.
 */
final class CNumbers {
    /** What {@link #string2ll} returns for text that is no integer (check {@link #isLongMinText} for Long.MIN_VALUE itself). */
    static final long NOT_A_LONG = Long.MIN_VALUE;
    private static final byte[] LONG_MIN = Long.toString(Long.MIN_VALUE).getBytes(StandardCharsets.US_ASCII);

    private CNumbers() {
    }

    /** The integer the text is exactly the decimal form of, else {@link #NOT_A_LONG}. */
    static long string2ll(byte[] a, int off, int len) {
        if (len == 0 || len > 20) return NOT_A_LONG;
        if (len == 1 && a[off] == '0') return 0;
        int i = off, end = off + len;
        boolean negative = a[i] == '-';
        if (negative && ++i == end) return NOT_A_LONG;
        if (a[i] < '1' || a[i] > '9') return NOT_A_LONG;
        long v = 0; // accumulated negatively: -Long.MIN_VALUE does not fit
        for (; i < end; i++) {
            int d = a[i] - '0';
            if (d < 0 || d > 9) return NOT_A_LONG;
            if (v < (Long.MIN_VALUE + d) / 10) return NOT_A_LONG;
            v = v * 10 - d;
        }
        if (negative) return v;
        return v == Long.MIN_VALUE ? NOT_A_LONG : -v;
    }

    static boolean isLongMinText(byte[] a, int off, int len) {
        return java.util.Arrays.equals(a, off, off + len, LONG_MIN, 0, LONG_MIN.length);
    }

    /**
     * The length of the longest prefix of the text that C's {@code strtod} reads (leading spaces
     * included), or 0 when it reads none. Reading stops at a NUL byte, as in a C string.
     */
    static int strtodLength(byte[] a, int off, int len) {
        int end = off + len;
        for (int k = off; k < end; k++) {
            if (a[k] == 0) {
                end = k;
                break;
            }
        }
        int i = off;
        while (i < end && isSpace(a[i])) i++;
        if (i < end && (a[i] == '+' || a[i] == '-')) i++;
        if (i >= end) return 0;
        int word = matchWord(a, i, end);
        if (word > 0) return i + word - off;
        if (a[i] == '0' && i + 1 < end && (a[i + 1] == 'x' || a[i + 1] == 'X')) {
            int h = hexMantissa(a, i + 2, end);
            if (h > 0) return exponent(a, i + 2 + h, end, 'p') - off;
            return i + 1 - off; // "0x" without hex digits reads as 0
        }
        int digits = 0;
        int j = i;
        while (j < end && isDigit(a[j])) {
            j++;
            digits++;
        }
        if (j < end && a[j] == '.') {
            j++;
            while (j < end && isDigit(a[j])) {
                j++;
                digits++;
            }
        }
        if (digits == 0) return 0;
        return exponent(a, j, end, 'e') - off;
    }

    /** The value C's {@code strtod} reads from the text: 0 when no prefix is a number. */
    static double strtod(byte[] a, int off, int len) {
        return strtod(a, off, len, null);
    }

    /** As {@link #strtod(byte[], int, int)}; {@code scratch} (may be null) holds the text for the decimal parser when it is long enough. */
    static double strtod(byte[] a, int off, int len, char[] scratch) {
        int n = strtodLength(a, off, len);
        if (n == 0) return 0;
        int i = off, end = off + n;
        while (isSpace(a[i])) i++;
        boolean negative = false;
        if (a[i] == '+' || a[i] == '-') negative = a[i++] == '-';
        double v;
        if (isLetter(a[i])) {
            v = (a[i] | 0x20) == 'n' ? Double.NaN : Double.POSITIVE_INFINITY;
        } else if (i + 1 < end && (a[i + 1] == 'x' || a[i + 1] == 'X')) {
            String hex = new String(a, i, end - i, StandardCharsets.US_ASCII);
            v = Double.parseDouble(hex.indexOf('p') < 0 && hex.indexOf('P') < 0 ? hex + "p0" : hex);
        } else {
            // Digits, point and exponent only (strtodLength stopped there): the same text for Java.
            int n2 = end - i;
            char[] text = scratch != null && scratch.length >= n2 ? scratch : new char[n2];
            for (int k = 0; k < n2; k++) text[k] = (char) a[i + k];
            v = NumberInput.parseDouble(text, 0, n2, true);
        }
        return negative ? -v : v;
    }

    private static int matchWord(byte[] a, int i, int end) {
        if (matches(a, i, end, "infinity")) return 8;
        if (matches(a, i, end, "inf")) return 3;
        if (!matches(a, i, end, "nan")) return 0;
        int j = i + 3;
        if (j < end && a[j] == '(') {
            int k = j + 1;
            while (k < end && (isLetter(a[k]) || isDigit(a[k]) || a[k] == '_')) k++;
            if (k < end && a[k] == ')') return k + 1 - i;
        }
        return 3;
    }

    private static boolean matches(byte[] a, int i, int end, String word) {
        if (end - i < word.length()) return false;
        for (int k = 0; k < word.length(); k++) {
            if ((a[i + k] | 0x20) != word.charAt(k)) return false;
        }
        return true;
    }

    private static int hexMantissa(byte[] a, int i, int end) {
        int j = i, digits = 0;
        while (j < end && isHex(a[j])) {
            j++;
            digits++;
        }
        if (j < end && a[j] == '.') {
            j++;
            while (j < end && isHex(a[j])) {
                j++;
                digits++;
            }
        }
        return digits == 0 ? 0 : j - i;
    }

    /** Past an exponent ({@code e} or {@code p}, optional sign, digits) at {@code j}, or {@code j} when there is none. */
    private static int exponent(byte[] a, int j, int end, char marker) {
        if (j >= end || (a[j] | 0x20) != marker) return j;
        int k = j + 1;
        if (k < end && (a[k] == '+' || a[k] == '-')) k++;
        if (k >= end || !isDigit(a[k])) return j;
        while (k < end && isDigit(a[k])) k++;
        return k;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || (b >= '\t' && b <= '\r');
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isHex(byte b) {
        return isDigit(b) || ((b | 0x20) >= 'a' && (b | 0x20) <= 'f');
    }

    private static boolean isLetter(byte b) {
        return (b | 0x20) >= 'a' && (b | 0x20) <= 'z';
    }
}
