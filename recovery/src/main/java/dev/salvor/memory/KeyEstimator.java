package dev.salvor.memory;

import dev.salvor.rdb.RdbEncoding;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RedisType;
import dev.salvor.rdb.StringRef;

import java.io.IOException;

/**
 * Estimates one key at a time from the reader's tokens: {@link #begin} at KEY, {@link #element}
 * for each ELEMENT, {@link #finish} at KEY_END (or where damage cut the value). The value is
 * followed through the load path of the modelled server: an encoding the server converts on load
 * (a ziplist into a listpack, a small hashtable set into an intset, ...) is estimated as converted.
 * State per key is a few counters, so a value of any size is estimated in constant memory.
 */
public final class KeyEstimator {
    private final MemoryModel m;
    private final ValueModel string;
    private final ValueModel list;
    private final ValueModel set;
    private final ValueModel zset;
    private final ValueModel hash;
    private final ValueModel stream;
    private final ValueModel module;
    private final ValueModel array;

    private ValueModel value;
    private int db;
    private byte[] key;
    private long expireAtMs;
    private RdbEncoding fileEncoding;

    public KeyEstimator(MemoryModel model) {
        this.m = model;
        this.string = new StringModel();
        this.list = new ListModel();
        this.set = new SetModel();
        this.zset = new ZsetModel();
        this.hash = new HashModel();
        this.stream = new StreamModel();
        this.module = new ModuleModel();
        this.array = new ArrayModel();
    }

    public MemoryModel model() {
        return m;
    }

    /** Reads the current key (the reader is at its KEY token) to KEY_END and estimates it. */
    public KeyMemory read(RdbReader r) throws IOException {
        begin(r);
        while (r.next() == RdbToken.ELEMENT) element(r);
        return finish(false);
    }

    /** At a KEY token. */
    public void begin(RdbReader r) {
        db = r.db();
        key = r.key();
        expireAtMs = r.expireAtMs();
        fileEncoding = r.encoding();
        value = switch (fileEncoding.type()) {
            case STRING -> string;
            case LIST -> list;
            case SET -> set;
            case ZSET -> zset;
            case HASH -> hash;
            case STREAM -> stream;
            case MODULE -> module;
            case ARRAY, CRON -> array;
        };
        value.begin(r, fileEncoding);
    }

    /** At each ELEMENT token of the key. */
    public void element(RdbReader r) throws IOException {
        value.element(r);
    }

    /** At KEY_END, or with {@code partial} where damage cut the value. */
    public KeyMemory finish(boolean partial) {
        Estimate e = new Estimate();
        value.finish(e);
        int keyLen = key == null ? 0 : key.length;
        long keyUsage;
        long keyAlloc;
        if (m.family().keyEmbeddedInEntry()) {
            keyUsage = m.u(ServerFamily.EMBEDDED_ENTRY_HEADER + m.family().sdsHeader(keyLen) + keyLen + 1);
            keyAlloc = keyUsage;
        } else {
            keyUsage = m.sds(keyLen) + ServerFamily.DICT_ENTRY;
            keyAlloc = m.sds(keyLen) + m.u(ServerFamily.DICT_ENTRY);
        }
        double dataset = keyAlloc + e.alloc - ServerFamily.DICT_ENTRY - ServerFamily.ROBJ;
        if (expireAtMs >= 0) dataset += m.u(ServerFamily.DICT_ENTRY) - ServerFamily.DICT_ENTRY;
        return new KeyMemory(db, key, fileEncoding.type(), e.encoding, Math.round(e.usage) + keyUsage, Math.round(dataset),
                value.count, value.largest, expireAtMs, partial);
    }

    /** A value's figures: MEMORY USAGE's view and the real allocations, both with its object header. */
    static final class Estimate {
        String encoding;
        double usage;
        double alloc;

        void set(String encoding, double usage, double alloc) {
            this.encoding = encoding;
            this.usage = usage;
            this.alloc = alloc;
        }
    }

    /** One value family's load path. */
    abstract class ValueModel {
        long count;
        long largest;
        RdbEncoding enc;

        void begin(RdbReader r, RdbEncoding encoding) {
            enc = encoding;
            count = 0;
            largest = 0;
        }

        abstract void element(RdbReader r) throws IOException;

        abstract void finish(Estimate e);

        void seen(long elementBytes) {
            count++;
            if (elementBytes > largest) largest = elementBytes;
        }

        long robj() {
            return m.u(ServerFamily.ROBJ);
        }

        /** A hashtable of {@code n} entries in {@code buckets} buckets: dict header and bucket array, usage and allocation. */
        double dictUsage(long buckets) {
            return ServerFamily.DICT + 8.0 * buckets;
        }

        double dictAlloc(long buckets) {
            return m.u(ServerFamily.DICT) + (buckets > 0 ? m.u(8 * buckets) : 0);
        }
    }

    // ------------------------------------------------------------------ strings

    final class StringModel extends ValueModel {
        private boolean integer;
        private long intValue;
        private long length;
        private final long[] parsed = new long[1];

        @Override
        void begin(RdbReader r, RdbEncoding encoding) {
            super.begin(r, encoding);
            integer = false;
            length = 0;
        }

        @Override
        void element(RdbReader r) throws IOException {
            StringRef s = r.item();
            if (s.isInteger()) {
                integer = true;
                intValue = s.integer();
                length = Listpacks.decimalLength(intValue);
            } else {
                length = s.length();
                integer = length <= 20 && Listpacks.parseCanonical(s.array(), s.offset(), s.length(), parsed);
                intValue = parsed[0];
            }
            seen(length);
        }

        @Override
        void finish(Estimate e) {
            if (integer) {
                boolean shared = intValue >= 0 && intValue < ServerFamily.SHARED_INTEGERS;
                e.set("int", ServerFamily.ROBJ, shared ? 0 : robj());
            } else if (length <= ServerFamily.EMBSTR_LIMIT) {
                long emb = m.u(ServerFamily.ROBJ + 3 + length + 1);
                e.set("embstr", emb, emb);
            } else {
                long sds = m.sds(length);
                e.set("raw", ServerFamily.ROBJ + sds, robj() + sds);
            }
        }
    }

    // ------------------------------------------------------------------ lists

    final class ListModel extends ValueModel {
        private long nodes;
        private double nodeBytes;      // sum of usable sizes of the nodes' listpacks or plain blocks
        private boolean onlyPacked;
        private long lastContainer;
        private long nodeLength;       // current node: listpack bytes (for nodes the server builds)
        private long nodeCount;
        private boolean nodeFromFile;  // current node taken from the file as it is
        private long firstNodeBytes;

        @Override
        void begin(RdbReader r, RdbEncoding encoding) {
            super.begin(r, encoding);
            nodes = 0;
            nodeBytes = 0;
            onlyPacked = true;
            lastContainer = r.containersOpened();
            nodeLength = 0;
            nodeCount = 0;
            nodeFromFile = false;
        }

        @Override
        void element(RdbReader r) throws IOException {
            StringRef s = r.item();
            int text = Listpacks.textLength(s);
            seen(text);
            switch (enc) {
                case LIST_QUICKLIST_2 -> {
                    if (r.containersOpened() != lastContainer) {
                        closeNode();
                        lastContainer = r.containersOpened();
                        nodeLength = r.containerLength();
                        nodeFromFile = true;
                        boolean plain = !s.isInteger() && nodeLength == s.length();
                        if (plain) onlyPacked = false;
                    }
                    nodeCount++;
                }
                case LIST_QUICKLIST -> {
                    // ziplist nodes become listpacks of the same elements
                    if (r.containersOpened() != lastContainer) {
                        closeNode();
                        lastContainer = r.containersOpened();
                        nodeLength = Listpacks.OVERHEAD;
                        nodeFromFile = false;
                    }
                    nodeLength += Listpacks.entry(s);
                    nodeCount++;
                }
                default -> {
                    // a linked list or a single ziplist: pushed element by element
                    long limit = m.config().listNodeBytes();
                    boolean fits = nodeCount > 0 && (limit >= 0
                            ? nodeLength + text + 8 <= limit
                            : nodeLength + text + 8 <= 8192 && nodeCount < m.config().listNodeCount());
                    if (!fits) {
                        closeNode();
                        nodeLength = Listpacks.OVERHEAD;
                        nodeFromFile = false;
                    }
                    nodeLength += Listpacks.entry(s);
                    nodeCount++;
                }
            }
        }

        private void closeNode() {
            if (nodeCount == 0) return;
            long bytes = m.u(nodeLength);
            if (nodes == 0) firstNodeBytes = nodeLength;
            nodeBytes += bytes;
            nodes++;
            nodeCount = 0;
        }

        @Override
        void finish(Estimate e) {
            closeNode();
            long limit = m.config().listNodeBytes();
            boolean small = limit >= 0 ? firstNodeBytes <= limit : count <= m.config().listNodeCount();
            if (m.family().listListpack() && nodes == 1 && onlyPacked && small) {
                e.set("listpack", ServerFamily.ROBJ + nodeBytes, robj() + nodeBytes);
                return;
            }
            int node = m.family().quicklistNodeSize();
            double usage = ServerFamily.ROBJ + ServerFamily.QUICKLIST + nodes * node + nodeBytes;
            double alloc = robj() + m.u(ServerFamily.QUICKLIST) + nodes * m.u(node) + nodeBytes;
            e.set("quicklist", usage, alloc);
        }
    }

    // ------------------------------------------------------------------ sets

    final class SetModel extends ValueModel {
        private static final int INTSET = 0;
        private static final int LISTPACK = 1;
        private static final int HASHTABLE = 2;

        private int state;
        private long min;
        private long max;
        private double sdsBytes;
        private long lpBytes;
        private long lpCapacity;
        private long maxLen;
        private long fileBlob;
        private final long[] parsed = new long[1];

        @Override
        void begin(RdbReader r, RdbEncoding encoding) {
            super.begin(r, encoding);
            min = Long.MAX_VALUE;
            max = Long.MIN_VALUE;
            sdsBytes = 0;
            lpBytes = Listpacks.OVERHEAD;
            lpCapacity = 0;
            maxLen = 0;
            fileBlob = encoding == RdbEncoding.SET_PLAIN ? -1 : r.containerLength();
            long declared = r.sizeHint();
            state = encoding == RdbEncoding.SET_PLAIN && declared > m.config().setMaxIntsetEntries() ? HASHTABLE : INTSET;
        }

        @Override
        void element(RdbReader r) throws IOException {
            StringRef s = r.item();
            int len = Listpacks.textLength(s);
            long index = count;
            seen(len);
            sdsBytes += m.sds(len);
            if (len > maxLen) maxLen = len;
            if (enc != RdbEncoding.SET_PLAIN || state == HASHTABLE) return; // the file's blob, or a hashtable already
            boolean isInt;
            long v;
            if (s.isInteger()) {
                isInt = true;
                v = s.integer();
            } else {
                isInt = len <= 20 && Listpacks.parseCanonical(s.array(), s.offset(), s.length(), parsed);
                v = parsed[0];
            }
            long entry = isInt ? Listpacks.intEntry(v) : Listpacks.stringEntry(len);
            // A plain set is loaded member by member (rdbLoadObject, RDB_TYPE_SET).
            if (state == INTSET) {
                if (isInt) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    lpBytes += entry;
                    return;
                }
                if (m.family().setListpack() && index < m.config().setMaxListpackEntries() && maxLen <= m.config().setMaxListpackValue()) {
                    state = LISTPACK;
                    long estimate = index > 0
                            ? Math.max(repeated(min, index), repeated(max, index))
                            : 0;
                    lpCapacity = m.u(Math.max(estimate, Listpacks.OVERHEAD));
                } else {
                    state = HASHTABLE;
                    return;
                }
            }
            if (state == LISTPACK) {
                if (index < m.config().setMaxListpackEntries() && len <= m.config().setMaxListpackValue()) {
                    lpBytes += entry;
                    if (lpBytes > lpCapacity) lpCapacity = m.u(lpBytes);
                } else {
                    state = HASHTABLE;
                }
            }
        }

        private long repeated(long v, long n) {
            return 6 + Listpacks.intEntry(v) * n + 1;
        }

        @Override
        void finish(Estimate e) {
            ServerConfig c = m.config();
            switch (enc) {
                case SET_INTSET -> {
                    if (count > c.setMaxIntsetEntries()) hashtable(e);
                    else blob(e, "intset");
                }
                case SET_LISTPACK -> {
                    if (!m.family().setListpack() || count > c.setMaxListpackEntries()) hashtable(e);
                    else blob(e, "listpack");
                }
                default -> {
                    if (state == HASHTABLE) {
                        hashtable(e);
                    } else if (state == INTSET) {
                        long bytes = m.u(8 + count * intsetWidth());
                        e.set("intset", ServerFamily.ROBJ + bytes, robj() + bytes);
                    } else {
                        e.set("listpack", ServerFamily.ROBJ + lpCapacity, robj() + lpCapacity);
                    }
                }
            }
        }

        private int intsetWidth() {
            if (count == 0) return 2;
            if (min >= Short.MIN_VALUE && max <= Short.MAX_VALUE) return 2;
            if (min >= Integer.MIN_VALUE && max <= Integer.MAX_VALUE) return 4;
            return 8;
        }

        private void blob(Estimate e, String encoding) {
            long bytes = m.u(fileBlob);
            e.set(encoding, ServerFamily.ROBJ + bytes, robj() + bytes);
        }

        private void hashtable(Estimate e) {
            long buckets = MemoryModel.buckets(count);
            double chained = count - MemoryModel.occupied(count, buckets);
            double entryUsage;
            double entryAlloc;
            if (!m.family().setDictWithoutValues()) {
                entryUsage = count * (double) ServerFamily.DICT_ENTRY;
                entryAlloc = count * (double) m.u(ServerFamily.DICT_ENTRY);
            } else {
                entryUsage = m.family().setEntryUsageByKind() ? chained * ServerFamily.DICT_ENTRY_NO_VALUE : count * (double) ServerFamily.DICT_ENTRY;
                entryAlloc = chained * m.u(ServerFamily.DICT_ENTRY_NO_VALUE);
            }
            double usage = ServerFamily.ROBJ + dictUsage(buckets) + entryUsage + sdsBytes;
            double alloc = robj() + dictAlloc(buckets) + entryAlloc + sdsBytes;
            e.set("hashtable", usage, alloc);
        }
    }

    // ------------------------------------------------------------------ sorted sets

    final class ZsetModel extends ValueModel {
        private double sdsBytes;
        private long lpBytes;
        private long maxLen;
        private long totalLen;
        private long fileBlob;
        private long declared;

        @Override
        void begin(RdbReader r, RdbEncoding encoding) {
            super.begin(r, encoding);
            sdsBytes = 0;
            lpBytes = Listpacks.OVERHEAD;
            maxLen = 0;
            totalLen = 0;
            // a skiplist in the file says its length up front; a ziplist only as it is read
            declared = encoding == RdbEncoding.ZSET_2 || encoding == RdbEncoding.ZSET_TEXT_SCORES ? r.sizeHint() : 0;
            fileBlob = encoding == RdbEncoding.ZSET_LISTPACK ? r.containerLength() : -1;
        }

        @Override
        void element(RdbReader r) throws IOException {
            StringRef s = r.item();
            int len = Listpacks.textLength(s);
            seen(len);
            sdsBytes += m.sds(len);
            maxLen = Math.max(maxLen, len);
            totalLen += len;
            if (enc != RdbEncoding.ZSET_LISTPACK && count <= m.config().zsetMaxListpackEntries() && declared <= m.config().zsetMaxListpackEntries()) {
                // only a listpack the server builds itself needs its entries sized (scores as it prints them)
                boolean shortest = enc != RdbEncoding.ZSET_ZIPLIST && m.family() != ServerFamily.REDIS_7_0;
                lpBytes += Listpacks.entry(s) + Listpacks.scoreEntry(r.score(), shortest);
            }
        }

        @Override
        void finish(Estimate e) {
            ServerConfig c = m.config();
            boolean fits = count <= c.zsetMaxListpackEntries();
            switch (enc) {
                case ZSET_LISTPACK -> {
                    if (fits) {
                        long bytes = m.u(fileBlob);
                        e.set("listpack", ServerFamily.ROBJ + bytes, robj() + bytes);
                    } else {
                        skiplist(e);
                    }
                }
                case ZSET_ZIPLIST -> {
                    if (fits) listpack(e);
                    else skiplist(e);
                }
                default -> {
                    if (fits && maxLen <= c.zsetMaxListpackValue()) listpack(e);
                    else skiplist(e);
                }
            }
        }

        private void listpack(Estimate e) {
            long bytes = m.u(lpBytes);
            e.set("listpack", ServerFamily.ROBJ + bytes, robj() + bytes);
        }

        private void skiplist(Estimate e) {
            long buckets = MemoryModel.buckets(count);
            double nodes = count * m.skiplistNode();
            double usage = ServerFamily.ROBJ + ServerFamily.ZSET + ServerFamily.ZSKIPLIST + dictUsage(buckets) + m.skiplistHeader()
                    + sdsBytes + count * (double) ServerFamily.DICT_ENTRY + nodes;
            double alloc = robj() + m.u(ServerFamily.ZSET) + m.u(ServerFamily.ZSKIPLIST) + dictAlloc(buckets) + m.skiplistHeader()
                    + sdsBytes + count * (double) m.u(ServerFamily.DICT_ENTRY) + nodes;
            e.set("skiplist", usage, alloc);
        }
    }

    // ------------------------------------------------------------------ hashes

    final class HashModel extends ValueModel {
        private double fieldBytes;     // fields and values as hashtable strings
        private long lpBytes;          // as a listpack the server builds
        private long fileBlob;
        private long convertedAt;      // plain hash: index of the pair that turned it into a hashtable, or -1
        private boolean anyTtl;

        @Override
        void begin(RdbReader r, RdbEncoding encoding) {
            super.begin(r, encoding);
            fieldBytes = 0;
            lpBytes = Listpacks.OVERHEAD;
            convertedAt = -1;
            anyTtl = false;
            fileBlob = switch (encoding) {
                case HASH_LISTPACK, HASH_LISTPACK_EX, HASH_LISTPACK_EX_PRE_GA -> r.containerLength();
                default -> -1;
            };
        }

        @Override
        void element(RdbReader r) throws IOException {
            StringRef f = r.item();
            StringRef v = r.hashValue();
            int fl = Listpacks.textLength(f);
            int vl = Listpacks.textLength(v);
            long index = count;
            seen((long) fl + vl);
            long ttl = r.fieldExpireAtMs();
            boolean hasTtl = ttl >= 0;
            anyTtl |= hasTtl;
            fieldBytes += (m.family().hashFieldMstr() ? m.hashField(fl, hasTtl) : m.sds(fl)) + m.sds(vl);
            if (fileBlob < 0 && count <= m.config().hashMaxListpackEntries()) {
                // only a listpack the server builds itself needs its entries sized
                lpBytes += Listpacks.entry(f) + Listpacks.entry(v);
                if (hasTtlTuples()) lpBytes += Listpacks.intEntry(hasTtl ? ttl : 0);
            }
            ServerConfig c = m.config();
            if (convertedAt < 0 && (fl > c.hashMaxListpackValue() || vl > c.hashMaxListpackValue())) convertedAt = index;
        }

        /** Whether the server keeps this hash as (field, value, TTL) triples while it is a listpack. */
        private boolean hasTtlTuples() {
            return m.family().hashFieldMstr() && switch (enc) {
                case HASH_LISTPACK_EX, HASH_LISTPACK_EX_PRE_GA, HASH_METADATA, HASH_METADATA_PRE_GA -> true;
                default -> false;
            };
        }

        @Override
        void finish(Estimate e) {
            ServerConfig c = m.config();
            boolean tooMany = count > c.hashMaxListpackEntries();
            switch (enc) {
                case HASH_LISTPACK -> {
                    if (tooMany) hashtable(e, MemoryModel.buckets(count));
                    else listpack(e, fileBlob, false);
                }
                case HASH_LISTPACK_EX, HASH_LISTPACK_EX_PRE_GA -> {
                    if (tooMany) hashtable(e, MemoryModel.buckets(count));
                    else listpack(e, fileBlob, m.family().hashFieldMstr());
                }
                case HASH_ZIPLIST -> {
                    if (tooMany) hashtable(e, MemoryModel.buckets(count));
                    else listpack(e, lpBytes, false);
                }
                case HASH_ZIPMAP -> {
                    if (tooMany || convertedAt >= 0) hashtable(e, MemoryModel.buckets(count));
                    else listpack(e, lpBytes, false);
                }
                case HASH_PLAIN, HASH_METADATA, HASH_METADATA_PRE_GA -> {
                    boolean metadata = enc != RdbEncoding.HASH_PLAIN;
                    if (tooMany) {
                        // a plain hash is presized; a hash with field TTLs grows entry by entry
                        if (!metadata) {
                            hashtable(e, MemoryModel.buckets(count));
                        } else {
                            DictSim d = new DictSim();
                            d.add(count);
                            hashtable(e, d.buckets());
                        }
                    } else if (convertedAt >= 0) {
                        hashtable(e, convertedBuckets(metadata));
                    } else {
                        listpack(e, lpBytes, hasTtlTuples());
                    }
                }
                default -> hashtable(e, MemoryModel.buckets(count));
            }
        }

        /**
         * Buckets of a small hash that became a hashtable at pair {@code convertedAt}: presized for
         * the pairs before it, the pair added, then expanded for the pairs still to come (a plain
         * hash adds the pair first, one with field TTLs expands first), then grown as they come.
         */
        private long convertedBuckets(boolean metadata) {
            DictSim d = new DictSim();
            d.expand(convertedAt);
            d.add(convertedAt); // the pairs so far move over from the listpack
            long remaining = count - convertedAt - 1;
            if (metadata) {
                if (remaining > 4) d.expand(remaining);
                d.add(remaining + 1);
            } else {
                d.add(1);
                if (remaining > 4) d.expand(remaining);
                d.add(remaining);
            }
            return d.buckets();
        }

        /** A listpack of {@code listpackBytes} as the server holds it (the file's blob, or one rebuilt from a ziplist/zipmap). */
        private void listpack(Estimate e, long listpackBytes, boolean withTtl) {
            long bytes = m.u(listpackBytes);
            if (withTtl) {
                long ex = m.u(ServerFamily.LISTPACK_EX);
                e.set("listpackex", ServerFamily.ROBJ + ex + bytes, robj() + ex + bytes);
            } else {
                e.set("listpack", ServerFamily.ROBJ + bytes, robj() + bytes);
            }
        }

        private void hashtable(Estimate e, long buckets) {
            double usage = ServerFamily.ROBJ + dictUsage(buckets) + fieldBytes + count * (double) ServerFamily.DICT_ENTRY;
            double alloc = robj() + dictAlloc(buckets) + fieldBytes + count * (double) m.u(ServerFamily.DICT_ENTRY);
            e.set("hashtable", usage, alloc);
        }
    }

    // ------------------------------------------------------------------ streams

    final class StreamModel extends ValueModel {
        private final RaxCounter nodeKeys;
        private final RaxCounter pel;
        private final RaxCounter consumerPel;
        private long lastContainer;
        private long lastNodeLength;
        private double listpacks;
        private double groupsUsage;
        private double groupsAlloc;
        private final byte[] id = new byte[16];
        private boolean grouped;
        private boolean consumer;
        private long groupCount;

        StreamModel() {
            nodeKeys = new RaxCounter(16, m.allocator());
            pel = new RaxCounter(16, m.allocator());
            consumerPel = new RaxCounter(16, m.allocator());
        }

        @Override
        void begin(RdbReader r, RdbEncoding encoding) {
            super.begin(r, encoding);
            nodeKeys.reset();
            lastContainer = r.containersOpened();
            lastNodeLength = 0;
            listpacks = 0;
            groupsUsage = 0;
            groupsAlloc = 0;
            grouped = false;
            consumer = false;
            groupCount = 0;
        }

        @Override
        void element(RdbReader r) throws IOException {
            switch (r.elementKind()) {
                case STREAM_ENTRY -> {
                    long bytes = 0;
                    for (int i = 0; i < r.streamFieldCount(); i++) {
                        bytes += Listpacks.textLength(r.streamField(i)) + Listpacks.textLength(r.streamValue(i));
                    }
                    seen(bytes);
                    int opened = r.containersOpened();
                    if (opened != lastContainer) {
                        // nodes holding only deleted entries show no entry: count them at this size too
                        long nodes = opened - lastContainer;
                        lastNodeLength = r.containerLength();
                        listpacks += nodes * (double) m.u(lastNodeLength);
                        lastContainer = opened;
                        idBytes(r.streamId().ms(), r.streamId().seq());
                        for (long i = 0; i < nodes; i++) nodeKeys.add(id);
                    }
                }
                case STREAM_META -> {
                    int opened = r.containersOpened();
                    if (opened != lastContainer) {
                        listpacks += (opened - lastContainer) * (double) m.u(Math.max(lastNodeLength, Listpacks.OVERHEAD));
                        lastContainer = opened;
                    }
                }
                case STREAM_GROUP -> {
                    closeGroup();
                    grouped = true;
                    groupCount++;
                    pel.reset();
                    groupsAlloc += nameInRax(r.groupName().length());
                }
                case STREAM_GROUP_PENDING -> {
                    idBytes(r.pendingId().ms(), r.pendingId().seq());
                    pel.add(id);
                }
                case STREAM_CONSUMER -> {
                    closeConsumer();
                    consumer = true;
                    consumerPel.reset();
                    int name = r.consumerName().length();
                    groupsUsage += m.family().consumerSize() + name;
                    groupsAlloc += m.u(m.family().consumerSize()) + m.sds(name) + nameInRax(name);
                }
                case STREAM_CONSUMER_PENDING -> {
                    idBytes(r.pendingId().ms(), r.pendingId().seq());
                    consumerPel.add(id);
                }
                default -> {
                    // nothing else costs memory of its own
                }
            }
        }

        /** A name's share of a rax keyed by names (groups of a stream, consumers of a group): its node and leaf. */
        private long nameInRax(int len) {
            int padding = (8 - ((len + 4) % 8)) & 7;
            return m.u(4 + len + padding + 8) + m.u(16);
        }

        private void idBytes(long ms, long seq) {
            for (int i = 0; i < 8; i++) id[i] = (byte) (ms >>> (56 - 8 * i));
            for (int i = 0; i < 8; i++) id[8 + i] = (byte) (seq >>> (56 - 8 * i));
        }

        private void closeConsumer() {
            if (!consumer) return;
            groupsUsage += consumerPel.streamUsage();
            groupsAlloc += consumerPel.allocated();
            consumer = false;
        }

        private void closeGroup() {
            closeConsumer();
            if (!grouped) return;
            groupsUsage += ServerFamily.STREAM_CG + pel.streamUsage() + ServerFamily.STREAM_NACK * (double) pel.elements();
            // the group, its PEL, its NACKs and the (consumer-name) rax of its consumers
            groupsAlloc += m.u(ServerFamily.STREAM_CG) + pel.allocated() + pel.elements() * (double) m.u(ServerFamily.STREAM_NACK) + m.u(24) + m.u(8);
            grouped = false;
        }

        @Override
        void finish(Estimate e) {
            closeGroup();
            double usage = ServerFamily.ROBJ + ServerFamily.STREAM + nodeKeys.streamUsage() + listpacks + groupsUsage;
            double alloc = robj() + m.u(ServerFamily.STREAM) + nodeKeys.allocated() + listpacks + groupsAlloc
                    + (groupCount > 0 ? m.u(24) + m.u(8) : 0);
            e.set("stream", usage, alloc);
        }
    }

    // ------------------------------------------------------------------ module values

    final class ModuleModel extends ValueModel {
        private long bytes;

        @Override
        void begin(RdbReader r, RdbEncoding encoding) {
            super.begin(r, encoding);
            bytes = 0;
        }

        @Override
        void element(RdbReader r) throws IOException {
            bytes = r.moduleValueEnd() - r.moduleValueStart();
            seen(bytes);
        }

        @Override
        void finish(Estimate e) {
            // A module reports its own memory; without the module, its serialized size is the only measure.
            e.set("module", ServerFamily.ROBJ + bytes, robj() + bytes);
        }
    }

    // ------------------------------------------------------------------ sparse arrays

    /** Redis 8.8's sparse arrays and KeyDB's cron jobs: no model of their in-memory layout, so their elements' bytes as saved. */
    final class ArrayModel extends ValueModel {
        private long bytes;

        @Override
        void begin(RdbReader r, RdbEncoding encoding) {
            super.begin(r, encoding);
            bytes = 0;
        }

        @Override
        void element(RdbReader r) throws IOException {
            long n = r.item().length();
            bytes += 8 + n;
            seen(n);
        }

        @Override
        void finish(Estimate e) {
            e.set(enc.type().wireName(), ServerFamily.ROBJ + bytes, robj() + bytes);
        }
    }
}
