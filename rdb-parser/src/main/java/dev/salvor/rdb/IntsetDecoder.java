package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_INTSET;

/** Walks an intset: 16/32/64-bit little-endian integers, which must be strictly increasing. */
final class IntsetDecoder {
    private byte[] b;
    private int base;
    private int width;
    private long count;
    private long index;
    private long previous;

    void open(byte[] blob, int offset, int length) throws BlobException {
        if (length < 8) throw new BlobException(INVALID_INTSET, 0, "blob of " + length + " bytes is shorter than an intset header");
        this.b = blob;
        this.base = offset;
        width = (int) u32(0);
        if (width != 2 && width != 4 && width != 8) throw new BlobException(INVALID_INTSET, 0, "element width " + width + ", expected 2, 4 or 8");
        count = u32(4);
        if (count == 0) throw new BlobException(INVALID_INTSET, 4, "empty intset");
        if (8 + count * width != length) throw new BlobException(INVALID_INTSET, 4, count + " elements of " + width + " bytes do not fill the " + length + "-byte blob");
        index = 0;
    }

    private long u32(int rel) {
        int at = base + rel;
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    boolean next(StringRef out) throws BlobException {
        if (index >= count) return false;
        int rel = (int) (8 + index * width);
        int at = base + rel;
        long v;
        switch (width) {
            case 2: v = (short) ((b[at] & 0xff) | (b[at + 1] & 0xff) << 8); break;
            case 4: v = (b[at] & 0xff) | (b[at + 1] & 0xff) << 8 | (b[at + 2] & 0xff) << 16 | (b[at + 3]) << 24; break;
            default: {
                long x = 0;
                for (int i = 7; i >= 0; i--) x = x << 8 | (b[at + i] & 0xffL);
                v = x;
            }
        }
        if (index > 0 && v <= previous) throw new BlobException(INVALID_INTSET, rel, "element " + v + " is not greater than the previous " + previous);
        previous = v;
        index++;
        out.setInteger(v);
        return true;
    }

    long count() {
        return count;
    }
}
