package dev.salvor.bench.peer;

import static com.moilioncircle.redis.replicator.Constants.RDB_TYPE_STREAM_LISTPACKS_2;
import static com.moilioncircle.redis.replicator.Constants.RDB_TYPE_STREAM_LISTPACKS_3;
import static com.moilioncircle.redis.replicator.Constants.STREAM_ITEM_FLAG_DELETED;
import static com.moilioncircle.redis.replicator.Constants.STREAM_ITEM_FLAG_SAMEFIELDS;
import static com.moilioncircle.redis.replicator.rdb.BaseRdbParser.StringHelper.listPackEntry;
import static com.moilioncircle.redis.replicator.rdb.BaseRdbParser.StringHelper.zipListEntry;

import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.io.RedisInputStream;
import com.moilioncircle.redis.replicator.rdb.BaseRdbParser;
import com.moilioncircle.redis.replicator.rdb.DefaultRdbValueVisitor;
import com.moilioncircle.redis.replicator.rdb.datatype.Stream;
import com.moilioncircle.redis.replicator.rdb.datatype.ZSetEntry;
import com.moilioncircle.redis.replicator.util.ByteArrayMap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * redis-replicator 3.8.1's value decoding with its two faults on real server files fixed, so the
 * peer reads the benchmark datasets to the end (unpatched, it stops with a
 * {@code NumberFormatException} on both):
 * <ul>
 *   <li>a small zset (ziplist or listpack) holding a score of {@code inf} or {@code -inf}, which
 *       Redis writes as that text: the library parses scores with {@code Double.valueOf};</li>
 *   <li>a stream node whose entries do not all carry the node's master fields: the library lets
 *       such an entry's own field count replace the master field count, so the next entry that
 *       uses the master fields is misread.</li>
 * </ul>
 * Each replacement reads with the library's own helpers, element by element as it does, so the
 * cost per element stays the library's.
 */
final class PatchedValueVisitor extends DefaultRdbValueVisitor {
    PatchedValueVisitor(Replicator replicator) {
        super(replicator);
    }

    /** A score as Redis writes it in a ziplist or listpack: a decimal, or inf / -inf. */
    static double score(byte[] text) {
        String s = new String(text, StandardCharsets.US_ASCII);
        return switch (s) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T applyZSetZipList(RedisInputStream in, int version) throws IOException {
        RedisInputStream ziplist = new RedisInputStream(new BaseRdbParser(in).rdbLoadPlainStringObject());
        Set<ZSetEntry> zset = new LinkedHashSet<>();
        BaseRdbParser.LenHelper.zlbytes(ziplist);
        BaseRdbParser.LenHelper.zltail(ziplist);
        int n = BaseRdbParser.LenHelper.zllen(ziplist);
        for (int i = 0; i + 1 < n; i += 2) {
            byte[] member = zipListEntry(ziplist);
            zset.add(new ZSetEntry(member, score(zipListEntry(ziplist))));
        }
        if (BaseRdbParser.LenHelper.zlend(ziplist) != 255) throw new IOException("ziplist end marker missing");
        return (T) zset;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T applyZSetListPack(RedisInputStream in, int version) throws IOException {
        RedisInputStream listpack = new RedisInputStream(new BaseRdbParser(in).rdbLoadPlainStringObject());
        Set<ZSetEntry> zset = new LinkedHashSet<>();
        listpack.skip(4);
        int n = listpack.readInt(2);
        for (int i = 0; i + 1 < n; i += 2) {
            byte[] member = listPackEntry(listpack);
            zset.add(new ZSetEntry(member, score(listPackEntry(listpack))));
        }
        if (listpack.read() != 255) throw new IOException("listpack end marker missing");
        return (T) zset;
    }

    private static long number(byte[] text) {
        return Long.parseLong(new String(text, StandardCharsets.US_ASCII));
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> T applyStreamListPacks(RedisInputStream in, int version, int type) throws IOException {
        BaseRdbParser parser = new BaseRdbParser(in);
        NavigableMap<Stream.ID, Stream.Entry> entries = new TreeMap<>(Stream.ID.COMPARATOR);
        for (long nodes = parser.rdbLoadLen().len; nodes > 0; nodes--) {
            RedisInputStream nodeKey = new RedisInputStream(parser.rdbLoadPlainStringObject());
            Stream.ID base = new Stream.ID(nodeKey.readLong(8, false), nodeKey.readLong(8, false));
            RedisInputStream listpack = new RedisInputStream(parser.rdbLoadPlainStringObject());
            listpack.skip(6); // total bytes, element count
            long live = number(listPackEntry(listpack));
            long deleted = number(listPackEntry(listpack));
            byte[][] masterFields = new byte[(int) number(listPackEntry(listpack))][];
            for (int i = 0; i < masterFields.length; i++) masterFields[i] = listPackEntry(listpack);
            listPackEntry(listpack); // master entry terminator
            for (long e = live + deleted; e > 0; e--) {
                int flags = (int) number(listPackEntry(listpack));
                long ms = number(listPackEntry(listpack));
                long seq = number(listPackEntry(listpack));
                Stream.ID id = base.delta(ms, seq);
                Map<byte[], byte[]> fields = new ByteArrayMap();
                if ((flags & STREAM_ITEM_FLAG_SAMEFIELDS) != 0) {
                    for (byte[] field : masterFields) fields.put(field, listPackEntry(listpack));
                } else {
                    for (long own = number(listPackEntry(listpack)); own > 0; own--) {
                        byte[] field = listPackEntry(listpack);
                        fields.put(field, listPackEntry(listpack));
                    }
                }
                entries.put(id, new Stream.Entry(id, (flags & STREAM_ITEM_FLAG_DELETED) != 0, fields));
                listPackEntry(listpack); // back-pointer count
            }
            if (listpack.read() != 255) throw new IOException("listpack end marker missing");
        }
        Stream stream = new Stream();
        stream.setLength(parser.rdbLoadLen().len);
        stream.setLastId(new Stream.ID(parser.rdbLoadLen().len, parser.rdbLoadLen().len));
        if (type >= RDB_TYPE_STREAM_LISTPACKS_2) {
            stream.setFirstId(new Stream.ID(parser.rdbLoadLen().len, parser.rdbLoadLen().len));
            stream.setMaxDeletedEntryId(new Stream.ID(parser.rdbLoadLen().len, parser.rdbLoadLen().len));
            stream.setEntriesAdded(parser.rdbLoadLen().len);
        }
        List<Stream.Group> groups = new ArrayList<>();
        for (long g = parser.rdbLoadLen().len; g > 0; g--) {
            Stream.Group group = new Stream.Group();
            group.setName(parser.rdbLoadPlainStringObject().first());
            group.setLastId(new Stream.ID(parser.rdbLoadLen().len, parser.rdbLoadLen().len));
            if (type >= RDB_TYPE_STREAM_LISTPACKS_2) group.setEntriesRead(parser.rdbLoadLen().len);
            NavigableMap<Stream.ID, Stream.Nack> pending = new TreeMap<>(Stream.ID.COMPARATOR);
            for (long p = parser.rdbLoadLen().len; p > 0; p--) {
                Stream.ID id = new Stream.ID(in.readLong(8, false), in.readLong(8, false));
                long deliveryTime = parser.rdbLoadMillisecondTime();
                pending.put(id, new Stream.Nack(id, null, deliveryTime, parser.rdbLoadLen().len));
            }
            List<Stream.Consumer> consumers = new ArrayList<>();
            for (long c = parser.rdbLoadLen().len; c > 0; c--) {
                Stream.Consumer consumer = new Stream.Consumer();
                consumer.setName(parser.rdbLoadPlainStringObject().first());
                consumer.setSeenTime(parser.rdbLoadMillisecondTime());
                if (type >= RDB_TYPE_STREAM_LISTPACKS_3) consumer.setActiveTime(parser.rdbLoadMillisecondTime());
                NavigableMap<Stream.ID, Stream.Nack> own = new TreeMap<>(Stream.ID.COMPARATOR);
                for (long p = parser.rdbLoadLen().len; p > 0; p--) {
                    Stream.ID id = new Stream.ID(in.readLong(8, false), in.readLong(8, false));
                    Stream.Nack nack = pending.get(id);
                    if (nack == null) throw new IOException("consumer pending id " + id + " is not pending in its group");
                    nack.setConsumer(consumer);
                    own.put(id, nack);
                }
                consumer.setPendingEntries(own);
                consumers.add(consumer);
            }
            group.setPendingEntries(pending);
            group.setConsumers(consumers);
            groups.add(group);
        }
        stream.setEntries(entries);
        stream.setGroups(groups);
        return (T) stream;
    }
}
