package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_VALUE;

import java.io.IOException;

/**
 * Collections held in one encoded blob: lists, sets, zsets and hashes in a ziplist or listpack,
 * sets in an intset, hashes in a zipmap. The blob is read when the first element is asked for
 * (a framing walk skips it unread), then decoded in memory by its {@link Blob} decoder. Checked as
 * the server's deep integrity check does: set members, zset members and hash fields once each,
 * field TTLs in range and in order.
 */
final class PackedCollectionDecoder extends ValueDecoder {
    private final Blob blob;
    private RdbEncoding encoding;
    private boolean opened;
    /** Whether members or fields must be unique (every set, zset and hash encoding but the intset, which orders them). */
    private boolean uniqueMembers;
    private final FieldTtlOrder fieldTtls = new FieldTtlOrder();
    /** Text of a score for the decimal parser (the server reads at most 127 bytes of one). */
    private final char[] scoreText = new char[127];

    PackedCollectionDecoder(RdbInput in, RdbStrings strings, ValueCursor v, Blob blob) {
        super(in, strings, v);
        this.blob = blob;
    }

    @Override
    void begin(RdbEncoding encoding, long typeOffset) throws IOException {
        this.encoding = encoding;
        opened = false;
        fieldTtls.reset();
        RedisType t = encoding.type();
        uniqueMembers = encoding != RdbEncoding.SET_INTSET && (t == RedisType.SET || t == RedisType.ZSET || t == RedisType.HASH);
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
            // Literals, not put together per key.
            case LIST_ZIPLIST -> "list ziplist";
            case ZSET_ZIPLIST -> "zset ziplist";
            case HASH_ZIPLIST -> "hash ziplist";
            case SET_LISTPACK -> "set listpack";
            case ZSET_LISTPACK -> "zset listpack";
            case HASH_LISTPACK -> "hash listpack";
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
                v.fieldExpireAtMs = listpackFieldTtl(v.scratch);
                v.kind = ElementKind.HASH_ENTRY;
            }
            case HASH_ZIPMAP -> {
                if (!blob.nextPair(v.item, v.hashValue)) return false;
                v.kind = ElementKind.HASH_ENTRY;
            }
            default -> throw new IllegalStateException("not a packed collection: " + encoding);
        }
        if (uniqueMembers) unique(blob.offset);
        return true;
    }

    /**
     * A score stored in a ziplist or listpack, read as the server reads it: C's strtod of its first
     * 127 bytes (text that is no number reads as 0; the server never refuses one).
     */
    private double score(StringRef ref) {
        if (ref.isInteger()) return ref.integer();
        byte[] a = ref.array();
        int off = ref.offset(), len = ref.length();
        double fast = Scores.fastDecimal(a, off, len);
        if (!Double.isNaN(fast)) return fast;
        return CNumbers.strtod(a, off, Math.min(len, 127), scoreText);
    }

    /** A listpack hash's field TTL, checked as the server does ({@link FieldTtlOrder}); -1 for none. */
    private long listpackFieldTtl(StringRef ttl) throws RdbFormatException {
        String[] problem = new String[1];
        long t = fieldTtls.accept(ttl, problem);
        if (problem[0] != null) throw in.error(INVALID_VALUE, blob.offset, "hash field TTL of field " + show(v.item) + " " + problem[0]);
        return t == 0 ? -1 : t;
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
