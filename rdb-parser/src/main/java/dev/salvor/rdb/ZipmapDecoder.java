package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_ZIPMAP;

/** Walks a zipmap (hashes written by Redis before 2.6): field, value, free-space padding. */
final class ZipmapDecoder {
    private byte[] b;
    private int base;
    private int end;
    private int p;

    void open(byte[] blob, int offset, int length) throws BlobException {
        if (length < 2) throw new BlobException(INVALID_ZIPMAP, 0, "blob of " + length + " bytes is shorter than a zipmap");
        if ((blob[offset + length - 1] & 0xff) != 0xff) throw new BlobException(INVALID_ZIPMAP, length - 1, "expected end marker 0xff");
        this.b = blob;
        this.base = offset;
        this.end = offset + length;
        this.p = offset + 1;
    }

    private int length(int at) throws BlobException {
        int first = b[at] & 0xff;
        if (first < 254) return first;
        if (first == 254) {
            if (at + 5 > end) throw new BlobException(INVALID_ZIPMAP, at - base, "length passes the end");
            long v = (b[at + 1] & 0xffL) | (b[at + 2] & 0xffL) << 8 | (b[at + 3] & 0xffL) << 16 | (b[at + 4] & 0xffL) << 24;
            if (v > end - base) throw new BlobException(INVALID_ZIPMAP, at - base, "length " + v + " passes the end");
            return (int) v;
        }
        return -1;
    }

    private static int lengthSize(int len) {
        return len < 254 ? 1 : 5;
    }

    /** Decodes the next field and value; false at the end marker. */
    boolean next(StringRef field, StringRef value) throws BlobException {
        if (p >= end) throw new BlobException(INVALID_ZIPMAP, p - base, "missing end marker");
        int flen = length(p);
        if (flen < 0) {
            if (p != end - 1) throw new BlobException(INVALID_ZIPMAP, p - base, "end marker before the end of the blob");
            return false;
        }
        int q = p + lengthSize(flen);
        if (flen > end - 1 - q) throw new BlobException(INVALID_ZIPMAP, p - base, "field of " + flen + " bytes passes the end");
        field.setBytes(b, q, flen);
        q += flen;
        if (q >= end - 1) throw new BlobException(INVALID_ZIPMAP, q - base, "value length passes the end");
        int vlen = length(q);
        if (vlen < 0) throw new BlobException(INVALID_ZIPMAP, q - base, "end marker where a value length was expected");
        q += lengthSize(vlen);
        if (q >= end - 1) throw new BlobException(INVALID_ZIPMAP, q - base, "free-space byte passes the end");
        int free = b[q++] & 0xff;
        if ((long) vlen + free > end - 1 - q) throw new BlobException(INVALID_ZIPMAP, q - base, "value of " + vlen + " bytes passes the end");
        value.setBytes(b, q, vlen);
        p = q + vlen + free;
        return true;
    }
}
