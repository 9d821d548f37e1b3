package dev.salvor.export;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation (no overlong forms, no surrogates, nothing above U+10FFFF), fused with
 * the check for characters JSON must escape, so each exported string is scanned once.
 */
final class Utf8 {
    /** Not valid UTF-8: export as base64. */
    static final int INVALID = 0;
    /** Valid, and no byte needs a JSON escape: can be copied as is. */
    static final int PLAIN = 1;
    /** Valid, but holds control characters, quotes or backslashes. */
    static final int NEEDS_ESCAPE = 2;

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH = 0x8080808080808080L;
    private static final long ONES = 0x0101010101010101L;

    private Utf8() {
    }

    /** Bytes of {@code x} that are zero get their high bit set (exact for 7-bit input). */
    private static long zeroBytes(long x) {
        return (x - ONES) & ~x & HIGH;
    }

    static boolean isValid(byte[] b, int off, int len) {
        return classify(b, off, len) != INVALID;
    }

    static int classify(byte[] b, int off, int len) {
        int i = off;
        final int end = off + len;
        boolean escape = false;
        // Eight ASCII bytes at a time: no high bit, and look for control characters, '"' and '\\'.
        while (end - i >= 8) {
            long w = (long) LONG_LE.get(b, i);
            if ((w & HIGH) != 0) break;
            long control = (w - 0x2020202020202020L) & ~w & HIGH;
            i += 8;
            if ((control | zeroBytes(w ^ 0x2222222222222222L) | zeroBytes(w ^ 0x5c5c5c5c5c5c5c5cL)) != 0) {
                escape = true;
                // Escaping is settled: from here only validity is left to check.
                while (end - i >= 8 && ((long) LONG_LE.get(b, i) & HIGH) == 0) i += 8;
                break;
            }
        }
        while (i < end) {
            int c = b[i];
            if (c >= 0) {
                if (c < 0x20 || c == '"' || c == '\\') escape = true;
                i++;
                continue;
            }
            c &= 0xff;
            if (c < 0xc2) return INVALID; // continuation byte or overlong 2-byte lead
            if (c < 0xe0) {
                if (i + 1 >= end || (b[i + 1] & 0xc0) != 0x80) return INVALID;
                i += 2;
            } else if (c < 0xf0) {
                if (i + 2 >= end) return INVALID;
                int c1 = b[i + 1] & 0xff;
                if ((c1 & 0xc0) != 0x80 || (b[i + 2] & 0xc0) != 0x80) return INVALID;
                if (c == 0xe0 && c1 < 0xa0) return INVALID; // overlong
                if (c == 0xed && c1 >= 0xa0) return INVALID; // surrogate
                i += 3;
            } else if (c < 0xf5) {
                if (i + 3 >= end) return INVALID;
                int c1 = b[i + 1] & 0xff;
                if ((c1 & 0xc0) != 0x80 || (b[i + 2] & 0xc0) != 0x80 || (b[i + 3] & 0xc0) != 0x80) return INVALID;
                if (c == 0xf0 && c1 < 0x90) return INVALID; // overlong
                if (c == 0xf4 && c1 >= 0x90) return INVALID; // above U+10FFFF
                i += 4;
            } else {
                return INVALID;
            }
        }
        return escape ? NEEDS_ESCAPE : PLAIN;
    }
}
