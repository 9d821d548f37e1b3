package dev.salvor.rdb;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A Redis string as the reader saw it: a view of bytes, or an integer (int-encoded strings and
 * ziplist/listpack/intset integers) whose decimal text is produced only when asked for.
 *
 * <p>A view is valid until the reader moves on; call {@link #toBytes()} to keep it.
 */
public final class StringRef {
    private byte[] array;
    private int offset;
    private int length;
    private boolean integer;
    private long intValue;
    private boolean textReady;
    /** Storage owned by this ref, made when first needed (a ref that only ever views costs no buffer). */
    private byte[] scratch;

    void setBytes(byte[] array, int offset, int length) {
        this.array = array;
        this.offset = offset;
        this.length = length;
        this.integer = false;
        this.textReady = true;
    }

    void setInteger(long value) {
        this.integer = true;
        this.intValue = value;
        this.textReady = false;
    }

    /** Copies the bytes into storage owned by this ref, so the view survives reader movement. */
    void own() {
        if (integer) return;
        materialize();
        if (array == scratch) return;
        if (scratch == null || scratch.length < length) scratch = new byte[Math.max(length, scratch == null ? 32 : scratch.length * 2)];
        System.arraycopy(array, offset, scratch, 0, length);
        array = scratch;
        offset = 0;
    }

    /** Storage owned by this ref of at least {@code n} bytes, for decoders that fill it. */
    byte[] ownedBuffer(int n) {
        return ownedBuffer(n, 0);
    }

    /**
     * As {@link #ownedBuffer(int)}, keeping the first {@code keep} bytes of the current storage
     * (for decoders that grow their output as it is produced).
     */
    byte[] ownedBuffer(int n, int keep) {
        if (scratch == null || scratch.length < n) {
            long grown = scratch == null ? 32 : Math.min((long) scratch.length * 2, Integer.MAX_VALUE - 8);
            byte[] b = new byte[(int) Math.max(n, grown)];
            if (keep > 0) System.arraycopy(scratch, 0, b, 0, keep);
            scratch = b;
        }
        return scratch;
    }

    public boolean isInteger() {
        return integer;
    }

    /** The integer value; only meaningful when {@link #isInteger()}. */
    public long integer() {
        return intValue;
    }

    private void materialize() {
        if (textReady) return;
        byte[] buf = scratchFor(20);
        int n = writeDecimal(intValue, buf);
        array = buf;
        offset = 0;
        length = n;
        textReady = true;
    }

    private byte[] scratchFor(int n) {
        if (scratch == null || scratch.length < n) scratch = new byte[32];
        return scratch;
    }

    private static final byte[] DIGIT_PAIRS = new byte[200];

    private static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < 19; i++) POW10[i] = POW10[i - 1] * 10;
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    /** Writes the decimal text of {@code v} at the start of {@code buf} (at least 20 bytes). */
    static int writeDecimal(long v, byte[] buf) {
        if (v == Long.MIN_VALUE) {
            byte[] s = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(s, 0, buf, 0, s.length);
            return s.length;
        }
        boolean neg = v < 0;
        long u = neg ? -v : v;
        int digits = 1;
        while (digits < 19 && u >= POW10[digits]) digits++;
        int len = digits + (neg ? 1 : 0);
        int pos = len;
        // Two digits per division.
        while (u >= 100) {
            int pair = (int) (u % 100);
            u /= 100;
            buf[--pos] = DIGIT_PAIRS[2 * pair + 1];
            buf[--pos] = DIGIT_PAIRS[2 * pair];
        }
        if (u >= 10) {
            int pair = (int) u;
            buf[--pos] = DIGIT_PAIRS[2 * pair + 1];
            buf[--pos] = DIGIT_PAIRS[2 * pair];
        } else {
            buf[--pos] = (byte) ('0' + u);
        }
        if (neg) buf[0] = '-';
        return len;
    }

    public byte[] array() {
        materialize();
        return array;
    }

    public int offset() {
        materialize();
        return offset;
    }

    public int length() {
        materialize();
        return length;
    }

    public byte byteAt(int i) {
        materialize();
        return array[offset + i];
    }

    /** A fresh copy of the bytes (integers as their decimal text). */
    public byte[] toBytes() {
        materialize();
        return Arrays.copyOfRange(array, offset, offset + length);
    }

    /** Decodes as UTF-8 (lossy); for messages and tests. */
    @Override
    public String toString() {
        materialize();
        return new String(array, offset, length, StandardCharsets.UTF_8);
    }

    public boolean contentEquals(byte[] other) {
        materialize();
        return Arrays.equals(array, offset, offset + length, other, 0, other.length);
    }

    /** A short printable rendering of raw bytes for one-line messages. */
    public static String printable(byte[] b, int off, int len, int max) {
        StringBuilder sb = new StringBuilder(Math.min(len, max) + 8).append('"');
        int n = Math.min(len, max);
        for (int i = 0; i < n; i++) {
            int c = b[off + i] & 0xff;
            if (c == '"' || c == '\\') sb.append('\\').append((char) c);
            else if (c >= 0x20 && c < 0x7f) sb.append((char) c);
            else sb.append(String.format("\\x%02x", c));
        }
        sb.append('"');
        if (len > max) sb.append("...(").append(len).append(" bytes)");
        return sb.toString();
    }
}
