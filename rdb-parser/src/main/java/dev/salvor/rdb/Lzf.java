package dev.salvor.rdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** LZF decompression (the format Redis uses for compressed RDB strings). */
final class Lzf {
    /** The most output one input byte can produce: a 3-byte back reference yields 264 bytes. */
    static final int MAX_EXPANSION = 88;
    /** Spare bytes the output buffer needs past the decompressed length (copies run 8 bytes at a time). */
    static final int SLACK = 8;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Lzf() {
    }

    /**
     * Decompresses {@code in[inOff, inOff+inLen)} into exactly {@code outLen} bytes of {@code out},
     * which must have {@link #SLACK} spare bytes after {@code outLen}.
     *
     * <p>Copies move eight bytes at a time and may write up to seven bytes past the current
     * token; the next token overwrites them, and nothing reads a position before it is final.
     *
     * @return null on success, else a description of what was wrong (the caller adds the offset)
     */
    static String decompress(byte[] in, int inOff, int inLen, byte[] out, int outLen) {
        int ip = inOff;
        final int inEnd = inOff + inLen;
        final int inSafe = in.length - SLACK;
        int op = 0;
        while (ip < inEnd) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int run = ctrl + 1;
                if (op + run > outLen) return "literal run overflows the declared length " + outLen;
                if (ip + run > inEnd) return "literal run of " + run + " bytes passes the end of the compressed data";
                if (ip + run <= inSafe) {
                    for (int k = 0; k < run; k += 8) LONG.set(out, op + k, (long) LONG.get(in, ip + k));
                } else {
                    System.arraycopy(in, ip, out, op, run);
                }
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
                if (op - ref >= 8) {
                    // Every byte a chunk reads lies before the chunk being written: safe to copy by 8.
                    for (int k = 0; k < len; k += 8) LONG.set(out, op + k, (long) LONG.get(out, ref + k));
                } else {
                    // A short distance repeats a pattern byte by byte, as LZF intends.
                    for (int k = 0; k < len; k++) out[op + k] = out[ref + k];
                }
                op += len;
            }
        }
        if (op != outLen) return "decompressed to " + op + " bytes, expected " + outLen;
        return null;
    }
}
