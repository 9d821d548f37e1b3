package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;

import java.io.IOException;

/**
 * The encoded container being read: a string holding a ziplist, listpack, intset or zipmap, and
 * the in-memory decoder walking it. A plain blob is decoded in place in the window (nothing else
 * is read until it is finished); an LZF one is decompressed first. Decoder errors, which know
 * only a position inside the blob, become located errors here: at the absolute offset of the bad
 * byte for a plain blob, at the blob's start for a compressed one.
 */
final class Blob {
    enum Kind { NONE, ZIPLIST, LISTPACK, INTSET, ZIPMAP }

    private final RdbInput input;
    private final RdbStrings strings;
    private final StringRef bytes = new StringRef();
    final ZiplistDecoder ziplist = new ZiplistDecoder();
    final ListpackDecoder listpack = new ListpackDecoder();
    final IntsetDecoder intset = new IntsetDecoder();
    final ZipmapDecoder zipmap = new ZipmapDecoder();

    Kind kind = Kind.NONE;
    /** Where the blob's string starts, and where its bytes start (plain blobs). */
    long offset;
    private long dataOffset;
    private boolean compressed;
    private String what;
    private int length;

    Blob(RdbInput input, RdbStrings strings) {
        this.input = input;
        this.strings = strings;
    }

    /** Reads the blob string; the returned view is valid until the next read. */
    StringRef read(String what) throws IOException {
        readHeader(what);
        return readBody();
    }

    /** Reads only the blob string's header (its framing); {@link #open} or {@link #skipBody} follows. */
    void readHeader(String what) throws IOException {
        offset = input.offset();
        this.what = what;
        strings.readHeader(what, input.constraints.maxStringSize());
        length = strings.headerLength();
    }

    private StringRef readBody() throws IOException {
        if (strings.lastInteger()) throw input.error(BAD_ENCODING, offset, what + ": expected an encoded blob, found an integer");
        strings.readBody(bytes);
        compressed = strings.lastCompressed();
        dataOffset = input.offset() - bytes.length();
        return bytes;
    }

    /** Skips the bytes of the blob whose header was read. */
    void skipBody() throws IOException {
        strings.skipBody();
    }

    /** Reads the blob string and opens the decoder for {@code kind} on it. */
    void open(Kind kind, String what) throws IOException {
        readHeader(what);
        open(kind);
    }

    /**
     * Reads a stream node's listpack and opens it without checking its header's element count,
     * which the server never checks there.
     */
    void openStreamNode(String what) throws IOException {
        readHeader(what);
        readBody();
        kind = Kind.LISTPACK;
        try {
            listpack.open(bytes.array(), bytes.offset(), bytes.length(), false);
        } catch (BlobException e) {
            throw error(e);
        }
    }

    /** Reads the bytes of the blob whose header was read and opens the decoder for {@code kind} on them. */
    void open(Kind kind) throws IOException {
        readBody();
        this.kind = kind;
        byte[] a = bytes.array();
        int off = bytes.offset(), len = bytes.length();
        try {
            switch (kind) {
                case ZIPLIST -> ziplist.open(a, off, len);
                case LISTPACK -> listpack.open(a, off, len);
                case INTSET -> intset.open(a, off, len);
                case ZIPMAP -> zipmap.open(a, off, len);
                default -> throw new IllegalArgumentException("blob kind " + kind);
            }
        } catch (BlobException e) {
            throw error(e);
        }
    }

    /** The container's decoded length, known from its header (before its bytes are read). */
    int length() {
        return length;
    }

    void close() {
        kind = Kind.NONE;
    }

    boolean isOpen() {
        return kind != Kind.NONE;
    }

    /** The next element of an open ziplist, listpack or intset; false at its end. */
    boolean next(StringRef out) throws RdbFormatException {
        try {
            switch (kind) {
                case ZIPLIST: return ziplist.next(out);
                case LISTPACK: return listpack.next(out);
                case INTSET: return intset.next(out);
                default: throw new IllegalStateException("blob kind " + kind);
            }
        } catch (BlobException e) {
            throw error(e);
        }
    }

    /** The next field and value of an open zipmap; false at its end. */
    boolean nextPair(StringRef field, StringRef value) throws RdbFormatException {
        try {
            return zipmap.next(field, value);
        } catch (BlobException e) {
            throw error(e);
        }
    }

    /** The next element, which must be there: the second half of a pair. */
    void nextRequired(StringRef out, String what) throws RdbFormatException {
        if (!next(out)) {
            throw input.error(kind == Kind.ZIPLIST ? RdbFormatException.Reason.INVALID_ZIPLIST : RdbFormatException.Reason.INVALID_LISTPACK,
                    offset, "odd number of elements: " + what + " missing at the end");
        }
    }

    RdbFormatException error(BlobException e) {
        String where = compressed ? " (byte " + e.position + " of the decompressed blob)" : "";
        long at = compressed ? offset : dataOffset + e.position;
        return input.error(e.reason, at, e.getMessage() + where);
    }
}
