package dev.salvor.rdb;

/** LZF decompression (the format Redis uses for compressed RDB strings). */
final class Lzf {
    /** The most output one input byte can produce: a 3-byte back reference yields 264 bytes. */
    static final int MAX_EXPANSION = 88;

    private Lzf() {
    }

    /**
     * Decompresses {@code in[inOff, inOff+inLen)} into exactly {@code outLen} bytes of {@code out}.
     *
     * @return null on success, else a description of what was wrong (the caller adds the offset)
     */
    static String decompress(byte[] in, int inOff, int inLen, byte[] out, int outLen) {
        int ip = inOff;
        final int inEnd = inOff + inLen;
        int op = 0;
        while (ip < inEnd) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int run = ctrl + 1;
                if (op + run > outLen) return "literal run overflows the declared length " + outLen;
                if (ip + run > inEnd) return "literal run of " + run + " bytes passes the end of the compressed data";
                System.arraycopy(in, ip, out, op, run);
                ip += run;
                op += run;
            } else {
                int len = ctrl >>> 5;
                if (len == 7) {
                    if (ip >= inEnd) return "back reference length passes the end of the compressed data";
                    len += in[ip++] & 0xff;
                }
                if (ip >= inEnd) return "back reference offset passes the end of the compressed data";
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                len += 2;
                if (ref < 0) return "back reference points before the start of the output";
                if (op + len > outLen) return "back reference overflows the declared length " + outLen;
                if (ref + len <= op) {
                    System.arraycopy(out, ref, out, op, len);
                    op += len;
                } else {
                    // Overlapping copy: byte by byte, which repeats the pattern as LZF intends.
                    for (int k = 0; k < len; k++) out[op + k] = out[ref + k];
                    op += len;
                }
            }
        }
        if (op != outLen) return "decompressed to " + op + " bytes, expected " + outLen;
        return null;
    }
}
