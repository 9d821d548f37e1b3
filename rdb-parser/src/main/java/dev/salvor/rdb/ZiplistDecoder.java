package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_ZIPLIST;

/**
 * Walks a ziplist (RDB types 10, 12, 13 and quicklist v1 nodes), validating it as the server's
 * deep integrity check does: the header's size, tail offset (within the ziplist, and at the last
 * entry) and count, each entry's prev-length and encoding, and the end marker.
 */
final class ZiplistDecoder {
    private static final int HEADER = 10;
    private byte[] b;
    private int base;
    private int end;
    private int p;
    private int prevEntryLen;
    private int declaredCount;
    private int seen;
    private long tail;
    private int lastEntry;

    void open(byte[] blob, int offset, int length) throws BlobException {
        if (length < HEADER + 1) throw new BlobException(INVALID_ZIPLIST, 0, "blob of " + length + " bytes is shorter than a ziplist header and end marker");
        this.b = blob;
        this.base = offset;
        this.end = offset + length;
        long zlbytes = u32(offset);
        long zltail = u32(offset + 4);
        if (zlbytes != length) throw new BlobException(INVALID_ZIPLIST, 0, "header says " + zlbytes + " bytes, blob has " + length);
        if (zltail > length - 1) throw new BlobException(INVALID_ZIPLIST, 4, "tail offset " + zltail + " outside the " + length + "-byte ziplist");
        if ((b[end - 1] & 0xff) != 0xff) throw new BlobException(INVALID_ZIPLIST, length - 1, "expected end marker 0xff, found 0x" + Integer.toHexString(b[end - 1] & 0xff));
        declaredCount = (b[offset + 8] & 0xff) | (b[offset + 9] & 0xff) << 8;
        p = offset + HEADER;
        prevEntryLen = 0;
        seen = 0;
        tail = zltail;
        lastEntry = -1;
    }

    private long u32(int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    /** Decodes the next entry into {@code out}; false at the end marker (after checking the count). */
    boolean next(StringRef out) throws BlobException {
        final int limit = end - 1; // the end marker
        if (p >= limit) {
            if (p != limit) throw new BlobException(INVALID_ZIPLIST, p - base, "entries run past the end marker");
            if (lastEntry >= 0 && lastEntry - base != tail) throw new BlobException(INVALID_ZIPLIST, 4, "tail offset " + tail + ", but the last entry is at " + (lastEntry - base));
            if (declaredCount != 0xffff && declaredCount != seen) throw new BlobException(INVALID_ZIPLIST, 8, "header counts " + declaredCount + " entries, found " + seen);
            return false;
        }
        final int entryStart = p;
        int q = p;
        int prevLen = b[q++] & 0xff;
        if (prevLen == 0xfe) {
            if (q + 4 > limit) throw new BlobException(INVALID_ZIPLIST, entryStart - base, "prev-length field passes the end");
            prevLen = (int) ((b[q] & 0xffL) | (b[q + 1] & 0xffL) << 8 | (b[q + 2] & 0xffL) << 16 | (b[q + 3] & 0xffL) << 24);
            q += 4;
        } else if (prevLen == 0xff) {
            throw new BlobException(INVALID_ZIPLIST, entryStart - base, "unexpected end marker inside the entries");
        }
        if (prevLen != prevEntryLen) throw new BlobException(INVALID_ZIPLIST, entryStart - base, "prev-length " + prevLen + " but the previous entry is " + prevEntryLen + " bytes");
        if (q >= limit) throw new BlobException(INVALID_ZIPLIST, q - base, "entry encoding passes the end");
        int enc = b[q] & 0xff;
        switch (enc >>> 6) {
            case 0: {
                int len = enc & 0x3f;
                q += 1;
                q = string(out, q, len, limit, entryStart);
                break;
            }
            case 1: {
                if (q + 2 > limit) throw new BlobException(INVALID_ZIPLIST, q - base, "14-bit length passes the end");
                int len = (enc & 0x3f) << 8 | (b[q + 1] & 0xff);
                q += 2;
                q = string(out, q, len, limit, entryStart);
                break;
            }
            case 2: {
                // Servers read any byte 0x80-0xbf as the 32-bit length form (the low bits are unused).
                if (q + 5 > limit) throw new BlobException(INVALID_ZIPLIST, q - base, "32-bit length passes the end");
                long len = (b[q + 1] & 0xffL) << 24 | (b[q + 2] & 0xffL) << 16 | (b[q + 3] & 0xffL) << 8 | (b[q + 4] & 0xffL);
                q += 5;
                if (len > limit - q) throw new BlobException(INVALID_ZIPLIST, q - base, "string of " + len + " bytes passes the end");
                q = string(out, q, (int) len, limit, entryStart);
                break;
            }
            default: {
                q += 1;
                long v;
                int need;
                switch (enc) {
                    case 0xc0: need = 2; break;
                    case 0xd0: need = 4; break;
                    case 0xe0: need = 8; break;
                    case 0xf0: need = 3; break;
                    case 0xfe: need = 1; break;
                    default:
                        if (enc >= 0xf1 && enc <= 0xfd) {
                            need = 0;
                            break;
                        }
                        throw new BlobException(INVALID_ZIPLIST, q - 1 - base, "bad integer encoding byte 0x" + Integer.toHexString(enc));
                }
                if (q + need > limit) throw new BlobException(INVALID_ZIPLIST, q - base, "integer passes the end");
                switch (enc) {
                    case 0xc0: v = (short) ((b[q] & 0xff) | (b[q + 1] & 0xff) << 8); break;
                    case 0xd0: v = (b[q] & 0xff) | (b[q + 1] & 0xff) << 8 | (b[q + 2] & 0xff) << 16 | (b[q + 3]) << 24; break;
                    case 0xe0: {
                        long x = 0;
                        for (int i = 7; i >= 0; i--) x = x << 8 | (b[q + i] & 0xffL);
                        v = x;
                        break;
                    }
                    case 0xf0: v = ((b[q] & 0xff) << 8 | (b[q + 1] & 0xff) << 16 | (b[q + 2]) << 24) >> 8; break;
                    case 0xfe: v = b[q]; break;
                    default: v = (enc & 0x0f) - 1;
                }
                q += need;
                out.setInteger(v);
            }
        }
        prevEntryLen = q - entryStart;
        lastEntry = entryStart;
        p = q;
        seen++;
        return true;
    }

    private int string(StringRef out, int q, int len, int limit, int entryStart) throws BlobException {
        if (len > limit - q) throw new BlobException(INVALID_ZIPLIST, entryStart - base, "string of " + len + " bytes passes the end");
        out.setBytes(b, q, len);
        return q + len;
    }

    /** Entries decoded so far. */
    int seen() {
        return seen;
    }
}
