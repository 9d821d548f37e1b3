package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;
import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_LISTPACK;

import java.io.IOException;

/**
 * Collections held in one encoded blob: lists, sets, zsets and hashes in a ziplist or listpack,
 * sets in an intset, hashes in a zipmap. The blob is read when the first element is asked for
 * (a framing walk skips it unread), then decoded in memory by its {@link Blob} decoder.
 */
final class PackedCollectionDecoder extends ValueDecoder {
    private final Blob blob;
    private RdbEncoding encoding;
    private boolean opened;

    PackedCollectionDecoder(RdbInput in, RdbStrings strings, ValueCursor v, Blob blob) {
        super(in, strings, v);
        this.blob = blob;
    }

    @Override
    void begin(RdbEncoding encoding, long typeOffset) throws IOException {
        this.encoding = encoding;
        opened = false;
        // The minimum field expiry is stated before the listpack (the entries carry absolute times).
        if (encoding == RdbEncoding.HASH_LISTPACK_EX) in.le(8, "hash minimum field expiry");
        // The blob's framing (its lengths) is read with the key; its bytes when the first element is asked for.
        blob.readHeader(what());
    }

    private Blob.Kind kind() {
        return switch (encoding) {
            case LIST_ZIPLIST, ZSET_ZIPLIST, HASH_ZIPLIST -> Blob.Kind.ZIPLIST;
            case SET_INTSET -> Blob.Kind.INTSET;
            case HASH_ZIPMAP -> Blob.Kind.ZIPMAP;
            default -> Blob.Kind.LISTPACK;
        };
    }

    private String what() {
        return switch (encoding) {
            case HASH_LISTPACK_EX -> "hash listpack";
            case SET_INTSET -> "intset";
            case HASH_ZIPMAP -> "zipmap";
            case LIST_ZIPLIST, ZSET_ZIPLIST, HASH_ZIPLIST -> encoding.type().wireName() + " ziplist";
            default -> encoding.type().wireName() + " listpack";
        };
    }

    private void open() throws IOException {
        opened = true;
        v.containersOpened++;
        blob.open(kind());
        if (encoding == RdbEncoding.SET_INTSET) v.sizeHint = blob.intset.count();
    }

    @Override
    boolean next() throws IOException {
        if (!opened) open();
        ValueCursor v = this.v;
        v.fieldExpireAtMs = -1;
        switch (encoding) {
            case LIST_ZIPLIST -> {
                if (!blob.next(v.item)) return false;
                v.kind = ElementKind.LIST_ITEM;
            }
            case SET_INTSET, SET_LISTPACK -> {
                if (!blob.next(v.item)) return false;
                v.kind = ElementKind.SET_MEMBER;
            }
            case ZSET_ZIPLIST, ZSET_LISTPACK -> {
                if (!blob.next(v.item)) return false;
                blob.nextRequired(v.scratch, "score");
                v.score = score(v.scratch);
                v.kind = ElementKind.ZSET_ENTRY;
            }
            case HASH_ZIPLIST, HASH_LISTPACK -> {
                if (!blob.next(v.item)) return false;
                blob.nextRequired(v.hashValue, "value");
                v.kind = ElementKind.HASH_ENTRY;
            }
            case HASH_LISTPACK_EX, HASH_LISTPACK_EX_PRE_GA -> {
                if (!blob.next(v.item)) return false;
                blob.nextRequired(v.hashValue, "value");
                blob.nextRequired(v.scratch, "field TTL");
                if (!v.scratch.isInteger()) throw in.error(INVALID_LISTPACK, blob.offset, "hash field TTL is not an integer");
                v.fieldExpireAtMs = v.scratch.integer() == 0 ? -1 : v.scratch.integer();
                v.kind = ElementKind.HASH_ENTRY;
            }
            case HASH_ZIPMAP -> {
                if (!blob.nextPair(v.item, v.hashValue)) return false;
                v.kind = ElementKind.HASH_ENTRY;
            }
            default -> throw new IllegalStateException("not a packed collection: " + encoding);
        }
        return true;
    }

    private double score(StringRef ref) throws RdbFormatException {
        if (ref.isInteger()) return ref.integer();
        byte[] a = ref.array();
        int off = ref.offset(), len = ref.length();
        double fast = Scores.fastDecimal(a, off, len);
        if (!Double.isNaN(fast)) return fast;
        try {
            return Scores.parse(new String(a, off, len, java.nio.charset.StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw in.error(BAD_ENCODING, blob.offset, "zset score is not a number: " + StringRef.printable(a, off, len, 40));
        }
    }

    @Override
    void skipFraming() throws IOException {
        if (opened) {
            blob.close();
            return;
        }
        opened = true;
        blob.skipBody();
    }
}
