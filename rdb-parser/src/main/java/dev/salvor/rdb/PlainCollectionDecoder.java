package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;
import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_VALUE;

import java.io.IOException;

/**
 * Collections stored element by element as RDB strings and numbers (older servers, and values
 * too large for a packed encoding): a count, then per element a member, a member and a score, or
 * a field and a value, with a field expiry where the encoding has one. Checked as the server
 * checks them: members and fields once each, no NaN score, field expiries in range.
 */
final class PlainCollectionDecoder extends ValueDecoder {
    private RdbEncoding encoding;
    private long remaining;
    private long hashMinExpire;

    PlainCollectionDecoder(RdbInput in, RdbStrings strings, ValueCursor v) {
        super(in, strings, v);
    }

    @Override
    void begin(RdbEncoding encoding, long typeOffset) throws IOException {
        this.encoding = encoding;
        if (encoding == RdbEncoding.HASH_METADATA) {
            long at = in.offset();
            hashMinExpire = in.le(8, "hash minimum field expiry");
            // A RESTORE only logs this; loading a file stops at it.
            if (!in.dumpPayload && Long.compareUnsigned(hashMinExpire, FieldTtlOrder.MAX + 1) > 0) {
                throw in.error(INVALID_VALUE, at, "hash minimum field expiry " + Long.toUnsignedString(hashMinExpire) + " is out of range");
            }
        }
        remaining = v.sizeHint = in.count("element count");
    }

    @Override
    boolean next() throws IOException {
        if (remaining == 0) return false;
        remaining--;
        ValueCursor v = this.v;
        v.fieldExpireAtMs = -1;
        int max = maxString();
        switch (encoding) {
            case LIST_LINKED -> {
                strings.read(v.item, "element", max);
                v.kind = ElementKind.LIST_ITEM;
            }
            case SET_PLAIN -> {
                strings.read(v.item, "element", max);
                v.kind = ElementKind.SET_MEMBER;
            }
            case ZSET_TEXT_SCORES, ZSET_2 -> {
                strings.read(v.item, "zset member", max);
                v.item.own();
                long scoreAt = in.offset();
                v.score = encoding == RdbEncoding.ZSET_2 ? in.binaryDouble("zset score") : in.textDouble("zset score");
                if (Double.isNaN(v.score)) throw in.error(INVALID_VALUE, scoreAt, "zset score of " + show(v.item) + " is NaN");
                v.kind = ElementKind.ZSET_ENTRY;
            }
            case HASH_PLAIN -> {
                strings.read(v.item, "hash field", max);
                v.item.own();
                hashValue(max);
                v.kind = ElementKind.HASH_ENTRY;
            }
            case HASH_2 -> {
                strings.read(v.item, "hash field", max);
                v.item.own();
                hashValue(max);
                v.hashValue.own();
                long ttl = in.le(8, "hash field expiry");
                v.fieldExpireAtMs = ttl < 0 ? -1 : ttl;
                v.kind = ElementKind.HASH_ENTRY;
            }
            case DF_HASH_WITH_EXPIRY -> {
                strings.read(v.item, "hash field", max);
                v.item.own();
                hashValue(max);
                v.hashValue.own();
                v.fieldExpireAtMs = dragonflyExpiry("hash field expiry");
                v.kind = ElementKind.HASH_ENTRY;
            }
            case DF_SET_WITH_EXPIRY -> {
                long at = in.offset();
                strings.read(v.item, "element", max);
                v.item.own();
                long expireAt = dragonflyExpiry("set member expiry");
                if (expireAt >= 0) v.memberExpiries.add(new MemberExpiry(v.item.toBytes(), expireAt, at));
                v.kind = ElementKind.SET_MEMBER;
            }
            case HASH_METADATA, HASH_METADATA_PRE_GA -> {
                long at = in.offset();
                long t = in.rawLength("hash field TTL");
                long expireAt = encoding == RdbEncoding.HASH_METADATA ? (t != 0 ? t + hashMinExpire - 1 : 0) : t;
                if (Long.compareUnsigned(expireAt, FieldTtlOrder.MAX) > 0) {
                    throw in.error(BAD_ENCODING, at, "hash field expiry " + Long.toUnsignedString(expireAt) + " is out of range");
                }
                v.fieldExpireAtMs = expireAt == 0 ? -1 : expireAt;
                strings.read(v.item, "hash field", max);
                v.item.own();
                hashValue(max);
                v.kind = ElementKind.HASH_ENTRY;
            }
            default -> throw new IllegalStateException("not a plain collection: " + encoding);
        }
        if (encoding != RdbEncoding.LIST_LINKED) unique(in.tokenOffset);
        return true;
    }

    /** A hash value: read, or only checked when nobody reads the element (it takes part in no rule). */
    private void hashValue(int max) throws IOException {
        if (v.unread) {
            strings.check("hash value", max);
            v.hashValue.setBytes(EMPTY, 0, 0);
        } else {
            strings.read(v.hashValue, "hash value", max);
        }
    }

    private static final byte[] EMPTY = new byte[0];

    /** Seconds from Dragonfly's member-expiry epoch (src/server/common.h kMemberExpiryBase). */
    static final long DRAGONFLY_MEMBER_EXPIRY_BASE = 1675209600L;

    /**
     * A Dragonfly member expiry: an RDB string of decimal seconds since its epoch, -1 for none,
     * as Unix ms (-1 for none). Its loader refuses a value that is not a number; so does this.
     */
    private long dragonflyExpiry(String what) throws IOException {
        long at = in.offset();
        strings.read(v.scratch, what, 32);
        long rel;
        try {
            rel = Long.parseLong(v.scratch.toString());
        } catch (NumberFormatException e) {
            throw in.error(BAD_ENCODING, at, what + " " + show(v.scratch) + " is not a number");
        }
        if (rel == -1) return -1;
        if (rel < 0 || rel > 0xffffffffL) throw in.error(BAD_ENCODING, at, what + " " + rel + " is out of range (seconds since 2023-02-01, or -1)");
        return (rel + DRAGONFLY_MEMBER_EXPIRY_BASE) * 1000;
    }

    @Override
    void skipFraming() throws IOException {
        int max = maxString();
        for (; remaining > 0; remaining--) {
            switch (encoding) {
                case LIST_LINKED, SET_PLAIN -> strings.skip("element", max);
                case ZSET_TEXT_SCORES -> {
                    strings.skip("zset member", max);
                    in.skipTextDouble("zset score");
                }
                case ZSET_2 -> {
                    strings.skip("zset member", max);
                    in.skip(8, "zset score");
                }
                case HASH_PLAIN -> {
                    strings.skip("hash field", max);
                    strings.skip("hash value", max);
                }
                case HASH_2 -> {
                    strings.skip("hash field", max);
                    strings.skip("hash value", max);
                    in.skip(8, "hash field expiry");
                }
                case DF_HASH_WITH_EXPIRY -> {
                    strings.skip("hash field", max);
                    strings.skip("hash value", max);
                    strings.skip("hash field expiry", max);
                }
                case DF_SET_WITH_EXPIRY -> {
                    strings.skip("element", max);
                    strings.skip("set member expiry", max);
                }
                case HASH_METADATA, HASH_METADATA_PRE_GA -> {
                    in.rawLength("hash field TTL");
                    strings.skip("hash field", max);
                    strings.skip("hash value", max);
                }
                default -> throw new IllegalStateException("not a plain collection: " + encoding);
            }
        }
    }
}
