package dev.salvor.rdb;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * LZF decompression (the format Redis uses for compressed RDB strings), resumable: {@link #run}
 * decodes whole tokens until the input or the output room given to it runs out, so a caller can
 * feed compressed bytes as they arrive and take the output in pieces (a back reference reaches at
 * most {@link #MAX_DISTANCE} bytes back, so that much history is all a piecewise caller keeps).
 */
final class Lzf {
    /** The most output one input byte can produce: a 3-byte back reference yields 264 bytes. */
    static final int MAX_EXPANSION = 88;
    /** Spare bytes the output buffer needs past the decompressed length (copies run 8 bytes at a time). */
    static final int SLACK = 8;
    /** How far back a reference can reach: (0x1f << 8 | 0xff) + 1. */
    static final int MAX_DISTANCE = 8192;

    /** {@link #run} consumed the compressed data to its end and produced exactly the declared length. */
    static final int DONE = 0;
    /** The next token needs compressed bytes past the ones given (the data goes on). */
    static final int NEED_INPUT = 1;
    /** The next token's output does not fit the room given (the declared length goes on). */
    static final int NEED_OUTPUT = 2;
    /** The data is not valid LZF; {@link #problem()} says why. */
    static final int FAILED = 3;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Where the last {@link #run} stopped: the next token's first byte, and the next output position. */
    int ip;
    int op;
    private String problem;

    /**
     * Decompresses {@code in[inOff, inOff+inLen)} into exactly {@code outLen} bytes of {@code out},
     * which must have {@link #SLACK} spare bytes after {@code outLen}.
     *
     * @return null on success, else a description of what was wrong (the caller adds the offset)
     */
    static String decompress(byte[] in, int inOff, int inLen, byte[] out, int outLen) {
        Lzf lzf = new Lzf();
        return lzf.run(in, inOff, inOff + inLen, true, out, 0, outLen, outLen, outLen) == DONE ? null : lzf.problem;
    }

    /**
     * Decodes whole tokens from {@code in[ip, inLimit)} into {@code out[op, outLimit)}.
     *
     * <p>Copies move eight bytes at a time and may write up to seven bytes past the current token
     * (so {@code out} needs {@link #SLACK} bytes after {@code outLimit}); the next token overwrites
     * them, and nothing reads a position before it is final.
     *
     * @param inEnds   whether {@code inLimit} is the end of the compressed data
     * @param outEnd   where in {@code out} the declared length ends ({@code >= outLimit})
     * @param declared the declared uncompressed length, for messages
     * @return {@link #DONE}, {@link #NEED_INPUT}, {@link #NEED_OUTPUT} or {@link #FAILED}; {@link #ip}
     *         and {@link #op} say where it stopped (a token is consumed whole or not at all)
     */
    int run(byte[] in, int ip, int inLimit, boolean inEnds, byte[] out, int op, int outLimit, int outEnd, long declared) {
        final int inSafe = in.length - SLACK;
        int status;
        while (true) {
            if (ip >= inLimit) {
                if (!inEnds) {
                    status = NEED_INPUT;
                } else if (op != outEnd) {
                    status = fail("decompressed to " + (declared - (outEnd - op)) + " bytes, expected " + declared);
                } else {
                    status = DONE;
                }
                break;
            }
            final int token = ip;
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int run = ctrl + 1;
                if (op + run > outLimit) {
                    if (op + run > outEnd) {
                        status = fail("literal run overflows the declared length " + declared);
                    } else {
                        ip = token;
                        status = NEED_OUTPUT;
                    }
                    break;
                }
                if (ip + run > inLimit) {
                    if (inEnds) {
                        status = fail("literal run of " + run + " bytes passes the end of the compressed data");
                    } else {
                        ip = token;
                        status = NEED_INPUT;
                    }
                    break;
                }
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
                    if (ip >= inLimit) {
                        if (inEnds) {
                            status = fail("back reference length passes the end of the compressed data");
                        } else {
                            ip = token;
                            status = NEED_INPUT;
                        }
                        break;
                    }
                    len += in[ip++] & 0xff;
                }
                if (ip >= inLimit) {
                    if (inEnds) {
                        status = fail("back reference offset passes the end of the compressed data");
                    } else {
                        ip = token;
                        status = NEED_INPUT;
                    }
                    break;
                }
                int ref = op - ((ctrl & 0x1f) << 8) - 1 - (in[ip++] & 0xff);
                len += 2;
                if (ref < 0) {
                    status = fail("back reference points before the start of the output");
                    break;
                }
                if (op + len > outLimit) {
                    if (op + len > outEnd) {
                        status = fail("back reference overflows the declared length " + declared);
                    } else {
                        ip = token;
                        status = NEED_OUTPUT;
                    }
                    break;
                }
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
        this.ip = ip;
        this.op = op;
        return status;
    }

    /**
     * Checks {@code in[ip, inLimit)} as {@link #run} would decompress it into a buffer with room up
     * to {@code outEnd}, without writing any output: whether LZF data is valid depends only on its
     * tokens' lengths and distances, never on the bytes produced. Same statuses (never
     * {@link #NEED_OUTPUT}), same {@link #ip}, {@link #op} and {@link #problem()} as {@link #run}.
     */
    int validate(byte[] in, int ip, int inLimit, boolean inEnds, int op, int outEnd, long declared) {
        int status;
        while (true) {
            if (ip >= inLimit) {
                if (!inEnds) {
                    status = NEED_INPUT;
                } else if (op != outEnd) {
                    status = fail("decompressed to " + (declared - (outEnd - op)) + " bytes, expected " + declared);
                } else {
                    status = DONE;
                }
                break;
            }
            final int token = ip;
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                int run = ctrl + 1;
                if (op + run > outEnd) {
                    status = fail("literal run overflows the declared length " + declared);
                    break;
                }
                if (ip + run > inLimit) {
                    if (inEnds) {
                        status = fail("literal run of " + run + " bytes passes the end of the compressed data");
                    } else {
                        ip = token;
                        status = NEED_INPUT;
                    }
                    break;
                }
                ip += run;
                op += run;
            } else {
                int len = ctrl >>> 5;
                if (len == 7) {
                    if (ip >= inLimit) {
                        if (inEnds) {
                            status = fail("back reference length passes the end of the compressed data");
                        } else {
                            ip = token;
                            status = NEED_INPUT;
                        }
                        break;
                    }
                    len += in[ip++] & 0xff;
                }
                if (ip >= inLimit) {
                    if (inEnds) {
                        status = fail("back reference offset passes the end of the compressed data");
                    } else {
                        ip = token;
                        status = NEED_INPUT;
                    }
                    break;
                }
                int distance = ((ctrl & 0x1f) << 8) + 1 + (in[ip++] & 0xff);
                len += 2;
                if (distance > op) {
                    status = fail("back reference points before the start of the output");
                    break;
                }
                if (op + len > outEnd) {
                    status = fail("back reference overflows the declared length " + declared);
                    break;
                }
                op += len;
            }
        }
        this.ip = ip;
        this.op = op;
        return status;
    }

    private int fail(String why) {
        problem = why;
        return FAILED;
    }

    /** Why the last {@link #run} returned {@link #FAILED}. */
    String problem() {
        return problem;
    }
}
