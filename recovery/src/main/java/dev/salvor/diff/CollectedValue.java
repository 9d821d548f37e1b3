package dev.salvor.diff;

import dev.salvor.export.RedisStrings;
import dev.salvor.rdb.ElementKind;
import dev.salvor.rdb.ElementView;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RedisType;
import dev.salvor.rdb.walk.RdbVisitor;
import dev.salvor.rdb.walk.RdbWalker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A whole value held in memory for element-level comparison: each element as a comparable text
 * (members, fields with values, entries with fields), in stored order.
 */
public record CollectedValue(RedisType type, long expireAtMs, List<String[]> elements) {
    /** At a KEY token: reads the value to KEY_END. */
    public static CollectedValue of(RdbReader r) throws IOException {
        Collector c = new Collector();
        RdbWalker.key(r, c);
        return new CollectedValue(c.type, c.expireAtMs, c.out);
    }

    /** Gathers one key's elements as comparable texts. */
    private static final class Collector implements RdbVisitor {
        RedisType type;
        long expireAtMs;
        final List<String[]> out = new ArrayList<>();
        private String group;

        @Override
        public Value beginKey(KeyHeader key) {
            type = key.type();
            expireAtMs = key.expireAtMs();
            return Value.ELEMENTS;
        }

        @Override
        public void element(ElementView r) throws IOException {
            ElementKind k = r.elementKind();
            switch (k) {
                case ZSET_ENTRY -> out.add(new String[] {text(r.item().toBytes()), Double.toString(r.score())});
                case HASH_ENTRY -> out.add(new String[] {text(r.item().toBytes()), text(r.hashValue().toBytes()),
                        r.fieldExpireAtMs() >= 0 ? Long.toString(r.fieldExpireAtMs()) : ""});
                case STREAM_ENTRY -> {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < r.streamFieldCount(); i++) {
                        sb.append(text(r.streamField(i).toBytes())).append('=').append(text(r.streamValue(i).toBytes())).append(' ');
                    }
                    out.add(new String[] {"entry " + r.streamId(), sb.toString().trim()});
                }
                case STREAM_META -> out.add(new String[] {"meta", "length " + r.streamLength() + ", last id " + r.streamLastId()});
                case STREAM_GROUP -> {
                    group = text(r.groupName().toBytes());
                    out.add(new String[] {"group " + group, "last delivered " + r.groupLastId()});
                }
                case STREAM_GROUP_PENDING -> out.add(new String[] {"group " + group + " pending " + r.pendingId(), ""});
                case STREAM_CONSUMER -> out.add(new String[] {"group " + group + " consumer " + text(r.consumerName().toBytes()), ""});
                case STREAM_CONSUMER_PENDING -> {
                }
                case STREAM_NACKED -> out.add(new String[] {"group " + group + " nacked " + r.pendingId(), ""});
                case STREAM_IDMP -> out.add(new String[] {"idmp", "duration " + r.idmpDuration() + ", max entries " + r.idmpMaxEntries()});
                case STREAM_IDMP_PRODUCER -> out.add(new String[] {"idmp producer " + text(r.idmpProducer().toBytes()), r.idmpProducerEntries() + " entries"});
                case STREAM_IDMP_ENTRY -> out.add(new String[] {"idmp " + text(r.idmpProducer().toBytes()) + " " + text(r.idmpIid().toBytes()),
                        r.idmpStreamId().toString()});
                case STREAM_IDMP_STATS -> out.add(new String[] {"idmp stats", "added " + r.idmpIidsAdded() + ", duplicates " + r.idmpIidsDuplicates()});
                case CRON_JOB -> out.add(new String[] {"script " + text(r.item().toBytes()), "start " + r.cronStartMs() + ", interval " + r.cronIntervalMs()});
                case CRON_KEY -> out.add(new String[] {"key " + text(r.item().toBytes())});
                case CRON_ARG -> out.add(new String[] {"arg " + text(r.item().toBytes())});
                case ARRAY_ELEMENT -> out.add(new String[] {Long.toUnsignedString(r.arrayIndex()), text(r.item().toBytes())});
                default -> out.add(new String[] {text(r.item().toBytes())});
            }
        }

        /** KeyDB's member expiries after the value, compared like elements. */
        @Override
        public void endKey(KeyHeader key) {
            for (dev.salvor.rdb.MemberExpiry m : key.memberExpiries()) {
                out.add(new String[] {"member expiry " + text(m.member()), m.expireAtMs() >= 0 ? Long.toString(m.expireAtMs()) : "none"});
            }
        }
    }

    /** Text for reports: the string itself when it is UTF-8, else base64 marked as such. */
    static String text(byte[] b) {
        return RedisStrings.isText(b, 0, b.length) ? new String(b, StandardCharsets.UTF_8) : "base64:" + Base64.getEncoder().encodeToString(b);
    }
}
