package dev.salvor.rdb;

/**
 * Raised by the in-memory decoders (ziplist, listpack, intset, zipmap) with the position inside
 * the blob; the reader turns it into an {@link RdbFormatException} at an absolute file offset.
 */
final class BlobException extends Exception {
    private static final long serialVersionUID = 1L;
    final RdbFormatException.Reason reason;
    final int position;

    BlobException(RdbFormatException.Reason reason, int position, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
        this.position = position;
    }
}
