package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_LISTPACK;

/**
 * Walks a listpack (Redis 7+ small collections, quicklist v2 nodes, stream nodes), checking it as
 * the server's deep integrity check does: the header's size, every entry's encoding and
 * back-length, the terminator, and the element count (except in stream nodes, whose count the
 * server never checks).
 */
final class ListpackDecoder {
    private static final int HEADER = 6;
    private byte[] b;
    private int base;
    private int end;
    private int p;
    private int declaredCount;
    private int seen;
    private boolean checkCount;

    void open(byte[] blob, int offset, int length) throws BlobException {
        open(blob, offset, length, true);
    }

    /** Opens a listpack; {@code checkCount} false skips the header count (stream nodes). */
    void open(byte[] blob, int offset, int length, boolean checkCount) throws BlobException {
        if (length < HEADER + 1) throw new BlobException(INVALID_LISTPACK, 0, "blob of " + length + " bytes is shorter than a listpack header and terminator");
        this.b = blob;
        this.base = offset;
        this.end = offset + length;
        int o = offset;
        long total = (b[o] & 0xffL) | (b[o + 1] & 0xffL) << 8 | (b[o + 2] & 0xffL) << 16 | (b[o + 3] & 0xffL) << 24;
        if (total != length) throw new BlobException(INVALID_LISTPACK, 0, "header says " + total + " bytes, blob has " + length);
        if ((b[end - 1] & 0xff) != 0xff) throw new BlobException(INVALID_LISTPACK, length - 1, "expected terminator 0xff, found 0x" + Integer.toHexString(b[end - 1] & 0xff));
        declaredCount = (b[o + 4] & 0xff) | (b[o + 5] & 0xff) << 8;
        p = o + HEADER;
        seen = 0;
        this.checkCount = checkCount;
    }

    /** Decodes the next element; false at the terminator (after checking the count). */
    boolean next(StringRef out) throws BlobException {
        final int limit = end - 1;
        if (p >= limit) {
            if (p != limit) throw new BlobException(INVALID_LISTPACK, p - base, "elements run past the terminator");
            if (checkCount && declaredCount != 0xffff && declaredCount != seen) throw new BlobException(INVALID_LISTPACK, 4, "header counts " + declaredCount + " elements, found " + seen);
            return false;
        }
        final int start = p;
        int q = p;
        int enc = b[q] & 0xff;
        int entryLen;
        if (enc < 0x80) {
            out.setInteger(enc);
            entryLen = 1;
        } else if (enc < 0xc0) {
            int len = enc & 0x3f;
            entryLen = 1 + len;
            checkRoom(start, entryLen, limit);
            out.setBytes(b, q + 1, len);
        } else if (enc < 0xe0) {
            checkRoom(start, 2, limit);
            int v = (enc & 0x1f) << 8 | (b[q + 1] & 0xff);
            if (v >= 1 << 12) v -= 1 << 13;
            out.setInteger(v);
            entryLen = 2;
        } else if (enc < 0xf0) {
            checkRoom(start, 2, limit);
            int len = (enc & 0x0f) << 8 | (b[q + 1] & 0xff);
            entryLen = 2 + len;
            checkRoom(start, entryLen, limit);
            out.setBytes(b, q + 2, len);
        } else {
            switch (enc) {
                case 0xf0: {
                    checkRoom(start, 5, limit);
                    long len = (b[q + 1] & 0xffL) | (b[q + 2] & 0xffL) << 8 | (b[q + 3] & 0xffL) << 16 | (b[q + 4] & 0xffL) << 24;
                    if (len > limit - q - 5) throw new BlobException(INVALID_LISTPACK, start - base, "string of " + len + " bytes passes the end");
                    entryLen = 5 + (int) len;
                    out.setBytes(b, q + 5, (int) len);
                    break;
                }
                case 0xf1:
                    checkRoom(start, 3, limit);
                    out.setInteger((short) ((b[q + 1] & 0xff) | (b[q + 2] & 0xff) << 8));
                    entryLen = 3;
                    break;
                case 0xf2:
                    checkRoom(start, 4, limit);
                    out.setInteger(((b[q + 1] & 0xff) << 8 | (b[q + 2] & 0xff) << 16 | (b[q + 3]) << 24) >> 8);
                    entryLen = 4;
                    break;
                case 0xf3:
                    checkRoom(start, 5, limit);
                    out.setInteger((b[q + 1] & 0xff) | (b[q + 2] & 0xff) << 8 | (b[q + 3] & 0xff) << 16 | (b[q + 4]) << 24);
                    entryLen = 5;
                    break;
                case 0xf4: {
                    checkRoom(start, 9, limit);
                    long x = 0;
                    for (int i = 8; i >= 1; i--) x = x << 8 | (b[q + i] & 0xffL);
                    out.setInteger(x);
                    entryLen = 9;
                    break;
                }
                case 0xff:
                    throw new BlobException(INVALID_LISTPACK, start - base, "terminator before the end of the listpack");
                default:
                    throw new BlobException(INVALID_LISTPACK, start - base, "bad encoding byte 0x" + Integer.toHexString(enc));
            }
        }
        q += entryLen;
        int backLenSize = backLenSize(entryLen);
        if (q + backLenSize > limit) throw new BlobException(INVALID_LISTPACK, q - base, "back-length passes the end");
        long back = backLength(q + backLenSize - 1);
        if (back != entryLen) throw new BlobException(INVALID_LISTPACK, q - base, "back-length says " + back + ", element is " + entryLen + " bytes");
        p = q + backLenSize;
        seen++;
        return true;
    }

    /**
     * Decodes again the element at {@code position} (as {@link #position()} said before
     * {@link #next} read it) into {@code out}, for callers that keep where elements are rather
     * than a view of each; the walk itself goes on where it was.
     */
    void elementAt(int position, StringRef out) {
        int savedP = p, savedSeen = seen;
        p = base + position;
        try {
            next(out);
        } catch (BlobException e) {
            throw new IllegalStateException("element at " + position + " was read before", e);
        } finally {
            p = savedP;
            seen = savedSeen;
        }
    }

    /**
     * The back-length read backwards from its last byte {@code at}, as servers read it: 7 bits a
     * byte while the high bit says more follow (which may run into the entry itself); -1 when it
     * would take more than 5 bytes.
     */
    private long backLength(int at) {
        long v = 0;
        int shift = 0;
        while (true) {
            int c = b[at] & 0xff;
            v |= (long) (c & 127) << shift;
            if ((c & 128) == 0) return v;
            shift += 7;
            if (shift > 28 || --at < base) return -1;
        }
    }

    private void checkRoom(int start, int len, int limit) throws BlobException {
        if (len > limit - start) throw new BlobException(INVALID_LISTPACK, start - base, "element of " + len + " bytes passes the end");
    }

    static int backLenSize(int len) {
        if (len <= 127) return 1;
        if (len < 16383) return 2;
        if (len < 2097151) return 3;
        if (len < 268435455) return 4;
        return 5;
    }

    /** Position of the next element inside the blob (for error reports). */
    int position() {
        return p - base;
    }

    int seen() {
        return seen;
    }
}
