package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;

import dev.salvor.format.ByteWindow;

import java.io.IOException;
import java.math.BigDecimal;

/**
 * Redis 8.8's sparse arrays (type 28, RDB 14), as redis/librdb's parser.c elementArray reads
 * them: the element count (never 0), an insert-cursor flag (0 or 1) and the cursor when set, then
 * per element its index (a plain length, never the special-encoding form nor 2^64 - 1), a tag and
 * the payload: 0 and 3 (SDS, small string) an RDB string, 1 a signed 64-bit integer and 2 a
 * binary double, each 8 bytes little-endian. Integers and doubles are delivered as their text.
 */
final class ArrayDecoder extends ValueDecoder {
    private long remaining;

    ArrayDecoder(RdbInput in, RdbStrings strings, ValueCursor v) {
        super(in, strings, v);
    }

    @Override
    void begin(RdbEncoding encoding, long typeOffset) throws IOException {
        long at = in.offset();
        remaining = v.sizeHint = in.count("array element count");
        if (remaining == 0) throw in.error(BAD_ENCODING, at, "an array of 0 elements is not saved");
        long flagAt = in.offset();
        long flag = in.rawLength("array insert-index flag");
        if (flag > 1 || flag < 0) throw in.error(BAD_ENCODING, flagAt, "array insert-index flag " + Long.toUnsignedString(flag) + " is neither 0 nor 1");
        v.arrayInsertIndex = flag == 1 ? in.rawLength("array insert index") : -1;
    }

    private long index() throws IOException {
        long at = in.offset();
        ByteWindow s = in.in;
        if (s.request(1) && (s.array()[s.position()] & 0xc0) == 0xc0) {
            throw in.error(BAD_ENCODING, at, "array index: expected a length, found special-encoding byte 0x" + Integer.toHexString(s.array()[s.position()] & 0xff));
        }
        long idx = in.rawLength("array index");
        if (idx == -1) throw in.error(BAD_ENCODING, at, "array index 2^64 - 1 is not a valid index");
        return idx;
    }

    @Override
    boolean next() throws IOException {
        if (remaining == 0) return false;
        remaining--;
        v.arrayIndex = index();
        long tagAt = in.offset();
        long tag = in.rawLength("array element tag");
        switch ((int) Math.min(tag, 4)) {
            case 0, 3 -> strings.read(v.item, "array element", maxString());
            case 1 -> text(Long.toString(in.le(8, "array integer")));
            case 2 -> text(doubleText(in.binaryDouble("array double")));
            default -> throw in.error(BAD_ENCODING, tagAt, "array element tag " + Long.toUnsignedString(tag) + " is none of 0 (string), 1 (integer), 2 (double), 3 (small string)");
        }
        v.kind = ElementKind.ARRAY_ELEMENT;
        return true;
    }

    private void text(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] buf = v.item.ownedBuffer(b.length);
        System.arraycopy(b, 0, buf, 0, b.length);
        v.item.setBytes(buf, 0, b.length);
    }

    /**
     * A double as Redis prints one (util.c d2string): integral values in the 64-bit range as
     * integers, others in their shortest round-trip digits, plain between 1e-4 and 1e17 and with
     * an exponent otherwise; inf, -inf, nan.
     */
    static String doubleText(double d) {
        if (Double.isNaN(d)) return "nan";
        if (Double.isInfinite(d)) return d > 0 ? "inf" : "-inf";
        if (d == 0) return (Double.doubleToRawLongBits(d) < 0) ? "-0" : "0";
        if (d == Math.rint(d) && Math.abs(d) < 9.2e18) return Long.toString((long) d);
        BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        int exp = b.precision() - b.scale() - 1;
        if (exp >= -4 && exp < 17) return b.toPlainString();
        String digits = b.unscaledValue().abs().toString();
        String mant = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
    }

    @Override
    void skipFraming() throws IOException {
        int max = maxString();
        for (; remaining > 0; remaining--) {
            index();
            long tagAt = in.offset();
            long tag = in.rawLength("array element tag");
            if (tag == 0 || tag == 3) strings.skip("array element", max);
            else if (tag == 1 || tag == 2) in.skip(8, "array number");
            else throw in.error(BAD_ENCODING, tagAt, "array element tag " + Long.toUnsignedString(tag) + " is none of 0, 1, 2, 3");
        }
    }
}
