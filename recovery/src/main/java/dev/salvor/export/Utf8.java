package dev.salvor.export;

/** Strict UTF-8 validation: no overlong forms, no surrogates, nothing above U+10FFFF. */
final class Utf8 {
    private Utf8() {
    }

    static boolean isValid(byte[] b, int off, int len) {
        int i = off;
        final int end = off + len;
        // ASCII fast path, eight bytes at a time.
        while (i + 8 <= end) {
            if (((b[i] | b[i + 1] | b[i + 2] | b[i + 3] | b[i + 4] | b[i + 5] | b[i + 6] | b[i + 7]) & 0x80) != 0) break;
            i += 8;
        }
        while (i < end) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                i++;
                continue;
            }
            if (c < 0xc2) return false; // continuation byte or overlong 2-byte lead
            if (c < 0xe0) {
                if (i + 1 >= end || (b[i + 1] & 0xc0) != 0x80) return false;
                i += 2;
            } else if (c < 0xf0) {
                if (i + 2 >= end) return false;
                int c1 = b[i + 1] & 0xff;
                if ((c1 & 0xc0) != 0x80 || (b[i + 2] & 0xc0) != 0x80) return false;
                if (c == 0xe0 && c1 < 0xa0) return false; // overlong
                if (c == 0xed && c1 >= 0xa0) return false; // surrogate
                i += 3;
            } else if (c < 0xf5) {
                if (i + 3 >= end) return false;
                int c1 = b[i + 1] & 0xff;
                if ((c1 & 0xc0) != 0x80 || (b[i + 2] & 0xc0) != 0x80 || (b[i + 3] & 0xc0) != 0x80) return false;
                if (c == 0xf0 && c1 < 0x90) return false; // overlong
                if (c == 0xf4 && c1 >= 0x90) return false; // above U+10FFFF
                i += 4;
            } else {
                return false;
            }
        }
        return true;
    }
}
