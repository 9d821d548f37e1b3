package dev.salvor.diff;

import dev.salvor.rdb.ElementView;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RedisType;
import dev.salvor.rdb.StringRef;
import dev.salvor.rdb.walk.RdbVisitor;
import dev.salvor.rdb.walk.RdbWalker;

import java.io.IOException;

/**
 * A 128-bit fingerprint of a value, computed from the same element stream the exporter reads,
 * so a file, a DUMP payload from a live server and anything else the reader reads compare
 * alike. Lists and streams are hashed in order; sets, zsets and hashes as a sum of per-element
 * hashes, so their storage order does not matter. A value that could not be read (a corrupt DUMP
 * payload) has no fingerprint: {@link #damaged()} marks it, and its type may be unknown (null).
 */
public record ValueDigest(RedisType type, long h1, long h2, long elements) {
    /** The mark of a value that could not be read; {@code type} is null when not even the type byte was readable. */
    public static ValueDigest unreadable(RedisType type) {
        return new ValueDigest(type, 0, 0, -1);
    }

    /** Whether the value could not be read (so it equals nothing, not even another unreadable value). */
    public boolean damaged() {
        return elements < 0;
    }

    /** The type's name for reports: "unknown" when it could not be read. */
    public String typeName() {
        return type == null ? "unknown" : type.wireName();
    }

    private static final long P1 = 0x9e3779b97f4a7c15L;
    private static final long P2 = 0xc2b2ae3d27d4eb4fL;

    /** At a KEY token: consumes the value to KEY_END and fingerprints it. */
    public static ValueDigest of(RdbReader r) throws IOException {
        Builder b = new Builder();
        RdbWalker.key(r, b);
        return b.result();
    }

    /** Fingerprints the value of the key it is shown (one key per builder). */
    public static final class Builder implements RdbVisitor {
        private RedisType type;
        private boolean ordered;
        private long a;
        private long b;
        private long n;
        private final long[] e = new long[2];

        @Override
        public Value beginKey(KeyHeader key) {
            begin(key.type());
            return Value.ELEMENTS;
        }

        /** Starts a value of {@code t} given element by element (a value held in memory, not read). */
        public Builder begin(RedisType t) {
            type = t;
            ordered = type == RedisType.LIST || type == RedisType.STREAM || type == RedisType.STRING || type == RedisType.MODULE || type == RedisType.CRON;
            a = 0;
            b = 0;
            n = 0;
            return this;
        }

        /** A string's value, a list element or a set member, as the reader would show it. */
        public Builder item(byte[] item) {
            seed();
            mix(e, item, 0, item.length);
            add();
            return this;
        }

        /** A sorted-set member with its score. */
        public Builder zsetEntry(byte[] member, double score) {
            seed();
            mix(e, member, 0, member.length);
            mixLong(e, Double.doubleToLongBits(score == 0.0 ? 0.0 : score));
            add();
            return this;
        }

        /** A hash field with its value and its expiry (-1: none). */
        public Builder hashEntry(byte[] field, byte[] value, long fieldExpireAtMs) {
            seed();
            mix(e, field, 0, field.length);
            mix(e, value, 0, value.length);
            mixLong(e, fieldExpireAtMs);
            add();
            return this;
        }

        private void seed() {
            e[0] = 0x243f6a8885a308d3L;
            e[1] = 0x13198a2e03707344L;
        }

        private void add() {
            if (ordered) {
                a = (a ^ e[0]) * P1 + n;
                b = (b ^ e[1]) * P2 + n;
            } else {
                a += fmix(e[0]);
                b += fmix(e[1]);
            }
            n++;
        }

        @Override
        public void element(ElementView r) throws IOException {
            long[] e = this.e;
            seed();
            switch (r.elementKind()) {
                case ZSET_ENTRY -> {
                    mix(e, r.item());
                    mixLong(e, Double.doubleToLongBits(r.score() == 0.0 ? 0.0 : r.score()));
                }
                case HASH_ENTRY -> {
                    mix(e, r.item());
                    mix(e, r.hashValue());
                    mixLong(e, r.fieldExpireAtMs());
                }
                case STREAM_ENTRY -> {
                    mixLong(e, r.streamId().ms());
                    mixLong(e, r.streamId().seq());
                    for (int i = 0; i < r.streamFieldCount(); i++) {
                        mix(e, r.streamField(i));
                        mix(e, r.streamValue(i));
                    }
                }
                case STREAM_META -> {
                    mixLong(e, r.streamLength());
                    mixLong(e, r.streamLastId().ms());
                    mixLong(e, r.streamLastId().seq());
                }
                case STREAM_GROUP -> {
                    mix(e, r.groupName());
                    mixLong(e, r.groupLastId().ms());
                    mixLong(e, r.groupLastId().seq());
                }
                case STREAM_GROUP_PENDING, STREAM_CONSUMER_PENDING -> {
                    mixLong(e, r.pendingId().ms());
                    mixLong(e, r.pendingId().seq());
                }
                case STREAM_CONSUMER -> mix(e, r.consumerName());
                case MODULE_VALUE -> mixModule(e, r.moduleValue(), r.moduleValueEnd() - r.moduleValueStart());
                case STREAM_NACKED -> {
                    mixLong(e, 0x4e41434bL);
                    mixLong(e, r.pendingId().ms());
                    mixLong(e, r.pendingId().seq());
                }
                case STREAM_IDMP -> {
                    mixLong(e, r.idmpDuration());
                    mixLong(e, r.idmpMaxEntries());
                }
                case STREAM_IDMP_PRODUCER -> mix(e, r.idmpProducer());
                case STREAM_IDMP_ENTRY -> {
                    mix(e, r.idmpIid());
                    mixLong(e, r.idmpStreamId().ms());
                    mixLong(e, r.idmpStreamId().seq());
                }
                case STREAM_IDMP_STATS -> {
                    mixLong(e, r.idmpIidsAdded());
                    mixLong(e, r.idmpIidsDuplicates());
                }
                case CRON_JOB -> {
                    mix(e, r.item());
                    mixLong(e, r.cronStartMs());
                    mixLong(e, r.cronIntervalMs());
                }
                case CRON_KEY -> {
                    mixLong(e, 0x4b4559L);
                    mix(e, r.item());
                }
                case ARRAY_ELEMENT -> {
                    mixLong(e, r.arrayIndex());
                    mix(e, r.item());
                }
                default -> mix(e, r.item());
            }
            add();
        }

        /**
         * KeyDB's member expiries (after the value) are part of what a key holds: each is summed in
         * like a set element, so two files that differ only in a member's expiry differ.
         */
        @Override
        public void endKey(KeyHeader key) {
            for (dev.salvor.rdb.MemberExpiry m : key.memberExpiries()) {
                long[] e = this.e;
                e[0] = 0x5355424558504952L; // a seed of its own, apart from every element's
                e[1] = 0x452d4b455944424cL;
                mix(e, m.member(), 0, m.member().length);
                mixLong(e, m.expireAtMs());
                a += fmix(e[0]);
                b += fmix(e[1]);
            }
        }

        /** The fingerprint of the value read. */
        public ValueDigest result() {
            return new ValueDigest(type, a, b, n);
        }
    }

    /** A module value by its items (the payload, not its length), so two values compare byte for byte. */
    private static void mixModule(long[] e, dev.salvor.rdb.ModuleValue m, long framedLength) {
        mixLong(e, m.moduleId());
        if (!m.captured()) {
            // Larger than what is kept: its framed length is all that is compared.
            mixLong(e, framedLength);
            return;
        }
        for (dev.salvor.rdb.ModuleValue.Item i : m.items()) {
            mixLong(e, i.kind().ordinal());
            if (i.string() != null) mix(e, i.string(), 0, i.string().length);
            else mixLong(e, i.bits());
        }
    }

    private static void mix(long[] e, StringRef s) {
        mix(e, s.array(), s.offset(), s.length());
    }

    private static void mix(long[] e, byte[] b, int off, int len) {
        long x = e[0], y = e[1];
        for (int i = 0; i < len; i++) {
            x = (x ^ (b[off + i] & 0xff)) * 0x100000001b3L;
            y = (y + (b[off + i] & 0xff)) * P2;
        }
        e[0] = fmix(x ^ len);
        e[1] = fmix(y + len);
    }

    private static void mixLong(long[] e, long v) {
        e[0] = fmix(e[0] ^ v);
        e[1] = fmix(e[1] + v * P1);
    }

    private static long fmix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
