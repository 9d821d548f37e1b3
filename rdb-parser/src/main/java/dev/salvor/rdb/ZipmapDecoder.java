package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_ZIPMAP;

/**
 * Walks a zipmap (hashes written by Redis before 2.6): a count byte, then field, value and
 * free-space padding per entry, and an end marker. Checked as the server checks it on load: every
 * length inside the blob, at least one entry, and the count byte (unless it says 254, "many").
 */
final class ZipmapDecoder {
    private static final int BIGLEN = 254;
    private static final int END = 255;
    private byte[] b;
    private int base;
    private int last;
    private int p;
    private int count;

    void open(byte[] blob, int offset, int length) throws BlobException {
        if (length < 2) throw new BlobException(INVALID_ZIPMAP, 0, "blob of " + length + " bytes is shorter than a zipmap");
        if ((blob[offset + length - 1] & 0xff) != END) throw new BlobException(INVALID_ZIPMAP, length - 1, "expected end marker 0xff");
        this.b = blob;
        this.base = offset;
        this.last = offset + length - 1;
        this.p = offset + 1;
        this.count = 0;
    }

    /** Bytes of the length field at {@code at}: one below 254, else five (254 or 255, then 4 bytes). */
    private int lengthSize(int at) {
        return (b[at] & 0xff) < BIGLEN ? 1 : 5;
    }

    private long length(int at) {
        int first = b[at] & 0xff;
        if (first < BIGLEN) return first;
        return (b[at + 1] & 0xffL) | (b[at + 2] & 0xffL) << 8 | (b[at + 3] & 0xffL) << 16 | (b[at + 4] & 0xffL) << 24;
    }

    /** Decodes the next field and value; false at the end marker (after checking the count). */
    boolean next(StringRef field, StringRef value) throws BlobException {
        if ((b[p] & 0xff) == END) {
            if (p != last) throw new BlobException(INVALID_ZIPMAP, p - base, "end marker before the end of the blob");
            if (count == 0) throw new BlobException(INVALID_ZIPMAP, 0, "empty zipmap");
            int declared = b[base] & 0xff;
            if (declared != BIGLEN && declared != count) throw new BlobException(INVALID_ZIPMAP, 0, "count byte says " + declared + ", found " + count);
            return false;
        }
        int s = lengthSize(p);
        if (p + s > last) throw new BlobException(INVALID_ZIPMAP, p - base, "field length passes the end");
        long flen = length(p);
        long q = (long) p + s + flen;
        if (q > last) throw new BlobException(INVALID_ZIPMAP, p - base, "field of " + flen + " bytes passes the end");
        field.setBytes(b, p + s, (int) flen);
        int at = (int) q;
        s = lengthSize(at);
        if (at + s > last) throw new BlobException(INVALID_ZIPMAP, at - base, "value length passes the end");
        long vlen = length(at);
        int free = b[at + s] & 0xff;
        long next = (long) at + s + 1 + vlen + free;
        if (next > last) throw new BlobException(INVALID_ZIPMAP, at - base, "value of " + vlen + " bytes and " + free + " free passes the end");
        value.setBytes(b, at + s + 1, (int) vlen);
        p = (int) next;
        count++;
        return true;
    }
}
