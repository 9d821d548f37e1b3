package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_STREAM;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Streams (listpacks v1 to v5): nodes of entries, each a master id and a listpack checked as a
 * whole; then the stream's metadata; then its consumer groups, each with its pending list and its
 * consumers with theirs, checked as the server checks them when it loads the file
 * ({@link StreamGroupCheck}: node ids, group and consumer names, pending ids unique; a consumer's
 * ids pending in its group; every pending id held by a consumer). Redis 8.8's v5 (type 27) adds per
 * group, after its consumers, the ids nacked back to it (a count, then 16-byte ids); Redis 8.6's v4
 * (type 26, and v5) adds after the groups the idempotent-producer state: duration, maximum
 * entries, the producers each with its id and its entries (an id string and a stream id), then the
 * counts of ids added and of duplicates (layouts as redis/librdb's parser.c elementStreamLP reads
 * them).
 */
final class StreamDecoder extends ValueDecoder {
    private static final int FLAG_DELETED = 1;
    private static final int FLAG_SAMEFIELDS = 2;

    private enum Phase { NODES, META, GROUPS, GROUP_PEL, CONSUMERS, CONSUMER_PEL, NACKED, IDMP, IDMP_PRODUCERS, IDMP_ENTRIES, DONE }

    private final Blob blob;
    private Phase phase;
    int encodingVersion;
    long nodesStart = -1;
    private long nodesRemaining;
    /** The node count the stream states. */
    private long nodes;
    private long nodeEntriesLeft;

    // The current node.
    private StreamId masterId;
    private int masterFieldCount;
    /** The master entry's field count as written (negative counts read no fields, but count). */
    private long masterFieldsDeclared;
    /** Where the master entry's fields are in the node's listpack. */
    private int[] masterFieldAt = new int[0];
    private long lastSeenMs;
    private long lastSeenSeq;

    // Nodes read whole so far (the intact prefix of a damaged stream).
    int completedNodes;
    long completedNodesEnd = -1;
    long completedLastMs;
    long completedLastSeq;

    // The current entry: where its fields and values are in the node's listpack (8 bytes per
    // pair, grown as pairs are read: a declared count sizes nothing).
    StreamId id;
    int fieldCount;
    private int[] fieldAt = new int[0];
    private int[] valueAt = new int[0];
    private final StringRef field = new StringRef();
    private final StringRef value = new StringRef();

    // Metadata.
    long length;
    StreamId lastId;
    StreamId firstId;
    StreamId maxDeletedId;
    long entriesAdded;

    // Consumer groups.
    private long groupsLeft;
    private long pelLeft;
    private long consumersLeft;
    final StringRef groupName = new StringRef();
    StreamId groupLastId;
    long groupEntriesRead;
    long pendingCount;
    StreamId pendingId;
    long deliveryTimeMs;
    long deliveryCount;
    final StringRef consumerName = new StringRef();
    long seenTimeMs;
    long activeTimeMs;
    private final StreamGroupCheck groupCheck = new StreamGroupCheck();

    // Redis 8.8 (type 27): per group, the ids nacked back to it.
    private long nackedLeft;
    long nackedCount;
    // Redis 8.6 (type 26 and up): idempotent-producer state after the groups.
    long idmpDuration;
    long idmpMaxEntries;
    long idmpProducers;
    private long idmpProducersLeft;
    private long idmpEntriesLeft;
    final StringRef idmpProducer = new StringRef();
    long idmpProducerEntries;
    final StringRef idmpIid = new StringRef();
    StreamId idmpStreamId;
    long idmpIidsAdded;
    long idmpIidsDuplicates;

    StreamDecoder(RdbInput in, RdbStrings strings, ValueCursor v, Blob blob) {
        super(in, strings, v);
        this.blob = blob;
    }

    @Override
    void begin(RdbEncoding encoding, long typeOffset) throws IOException {
        encodingVersion = switch (encoding) {
            case STREAM_LISTPACKS -> 1;
            case STREAM_LISTPACKS_2 -> 2;
            case STREAM_LISTPACKS_4 -> 4;
            case STREAM_LISTPACKS_5 -> 5;
            default -> 3;
        };
        completedNodes = 0;
        completedNodesEnd = -1;
        blob.close();
        nodesRemaining = nodes = in.count("stream node count");
        nodeEntriesLeft = 0;
        nodesStart = in.offset();
        groupCheck.stream();
        phase = Phase.NODES;
    }

    @Override
    boolean next() throws IOException {
        v.fieldExpireAtMs = -1;
        while (true) {
            switch (phase) {
                case NODES:
                    if (nodeEntriesLeft > 0) {
                        if (readEntry()) return true;
                        continue;
                    }
                    if (blob.isOpen()) {
                        // All entries of the node read: the listpack must end here.
                        if (blob.next(v.scratch)) throw in.error(INVALID_STREAM, blob.offset, "stream listpack has elements after its last entry");
                        blob.close();
                        completedNodes++;
                        completedNodesEnd = in.offset();
                        completedLastMs = lastSeenMs;
                        completedLastSeq = lastSeenSeq;
                    }
                    if (nodesRemaining == 0) {
                        phase = Phase.META;
                        continue;
                    }
                    nodesRemaining--;
                    openNode();
                    continue;
                case META:
                    readMeta();
                    v.kind = ElementKind.STREAM_META;
                    return true;
                case GROUPS:
                    if (groupsLeft == 0) {
                        phase = encodingVersion >= 4 ? Phase.IDMP : Phase.DONE;
                        continue;
                    }
                    groupsLeft--;
                    readGroup();
                    v.kind = ElementKind.STREAM_GROUP;
                    return true;
                case GROUP_PEL:
                    if (pelLeft == 0) {
                        consumersLeft = in.count("consumer count");
                        phase = Phase.CONSUMERS;
                        continue;
                    }
                    pelLeft--;
                    readGroupPending();
                    v.kind = ElementKind.STREAM_GROUP_PENDING;
                    return true;
                case CONSUMERS:
                    if (consumersLeft == 0) {
                        if (encodingVersion < 5) checkEveryPendingIdHeld();
                        if (encodingVersion >= 5) {
                            // librdb parser.c ST_LOAD_NACK_ZONE_COUNT: the group's nacked ids follow its consumers.
                            nackedCount = nackedLeft = in.count("consumer group nacked count");
                            phase = Phase.NACKED;
                        } else {
                            phase = Phase.GROUPS;
                        }
                        continue;
                    }
                    consumersLeft--;
                    readConsumer();
                    v.kind = ElementKind.STREAM_CONSUMER;
                    return true;
                case CONSUMER_PEL:
                    if (pelLeft == 0) {
                        phase = Phase.CONSUMERS;
                        continue;
                    }
                    pelLeft--;
                    readConsumerPending();
                    v.kind = ElementKind.STREAM_CONSUMER_PENDING;
                    return true;
                case NACKED:
                    if (nackedLeft == 0) {
                        checkEveryPendingIdHeld();
                        phase = Phase.GROUPS;
                        continue;
                    }
                    nackedLeft--;
                    pendingId = in.rawStreamId("nacked id");
                    groupCheck.nacked(pendingId);
                    v.kind = ElementKind.STREAM_NACKED;
                    return true;
                case IDMP:
                    // librdb parser.c ST_LOAD_IDMP_CONFIG: duration, maximum entries, producer count.
                    idmpDuration = in.rawLength("stream IDMP duration");
                    idmpMaxEntries = in.rawLength("stream IDMP maximum entries");
                    idmpProducers = idmpProducersLeft = in.count("stream IDMP producer count");
                    phase = Phase.IDMP_PRODUCERS;
                    v.kind = ElementKind.STREAM_IDMP;
                    return true;
                case IDMP_PRODUCERS:
                    if (idmpProducersLeft == 0) {
                        // ST_LOAD_IDMP_STATS: the counts of ids added and of duplicates end the value.
                        idmpIidsAdded = in.rawLength("stream IDMP ids added");
                        idmpIidsDuplicates = in.rawLength("stream IDMP duplicate ids");
                        phase = Phase.DONE;
                        v.kind = ElementKind.STREAM_IDMP_STATS;
                        return true;
                    }
                    idmpProducersLeft--;
                    strings.read(idmpProducer, "stream IDMP producer id", in.constraints.maxKeySize());
                    idmpProducer.own();
                    idmpProducerEntries = idmpEntriesLeft = in.count("stream IDMP producer entry count");
                    phase = Phase.IDMP_ENTRIES;
                    v.kind = ElementKind.STREAM_IDMP_PRODUCER;
                    return true;
                case IDMP_ENTRIES:
                    if (idmpEntriesLeft == 0) {
                        phase = Phase.IDMP_PRODUCERS;
                        continue;
                    }
                    idmpEntriesLeft--;
                    strings.read(idmpIid, "stream IDMP entry id", maxString());
                    idmpStreamId = in.lengthStreamId("stream IDMP entry stream id");
                    v.kind = ElementKind.STREAM_IDMP_ENTRY;
                    return true;
                default:
                    return false;
            }
        }
    }

    @Override
    void skipFraming() throws IOException {
        if (phase == Phase.NODES) {
            blob.close();
            nodeEntriesLeft = 0;
            int max = maxString();
            for (; nodesRemaining > 0; nodesRemaining--) {
                strings.skip("stream node master id", max);
                strings.skip("stream listpack", max);
            }
            phase = Phase.META;
        }
        while (next()) {
            // metadata, groups, pending entries and consumers are read (and checked) as usual
        }
    }

    // ------------------------------------------------------------------ nodes and entries

    private void openNode() throws IOException {
        long at = in.offset();
        StringRef key = v.scratch;
        strings.read(key, "stream node master id", 20);
        // The server reads the node key as text: an integer-encoded key is its decimal form.
        byte[] a;
        int o, keyLength;
        if (key.isInteger()) {
            a = Long.toString(key.integer()).getBytes(StandardCharsets.US_ASCII);
            o = 0;
            keyLength = a.length;
        } else {
            a = key.array();
            o = key.offset();
            keyLength = key.length();
        }
        if (keyLength != 16) throw in.error(INVALID_STREAM, at, "stream node key must be a 16-byte id, found " + keyLength + " bytes");
        long ms = 0, seq = 0;
        for (int i = 0; i < 8; i++) ms = ms << 8 | (a[o + i] & 0xffL);
        for (int i = 8; i < 16; i++) seq = seq << 8 | (a[o + i] & 0xffL);
        masterId = new StreamId(ms, seq);
        if (!groupCheck.node(masterId)) throw in.error(INVALID_STREAM, at, "stream node key " + masterId + " repeats");
        v.containersOpened++;
        blob.openStreamNode("stream listpack");
        long count = lpInt("master entry count");
        long deleted = lpInt("master deleted count");
        long fields = lpInt("master field count");
        // As the server reads a node: the entry total must be a count; a negative field count reads
        // no fields. Each field is a listpack element of at least two bytes: a count the blob cannot
        // hold is refused before anything is sized by it.
        if (count + deleted < 0 || fields > elementsRoom(1)) {
            throw in.error(INVALID_STREAM, blob.offset, "stream master entry has impossible counts " + count + "/" + deleted + "/" + fields);
        }
        checkFieldLimit(fields);
        masterFieldsDeclared = fields;
        masterFieldCount = (int) Math.max(0, fields);
        for (int i = 0; i < masterFieldCount; i++) {
            masterFieldAt = grow(masterFieldAt, i + 1);
            masterFieldAt[i] = blob.listpack.position();
            nextRequired(v.scratch, "master field");
        }
        long terminator = lpInt("master entry terminator");
        if (terminator != 0) throw in.error(INVALID_STREAM, blob.offset, "stream master entry must end with 0, found " + terminator);
        nodeEntriesLeft = count + deleted;
    }

    /** How many groups of {@code perGroup} elements the rest of the node's listpack could hold at most. */
    private long elementsRoom(int perGroup) {
        return (blob.length() - blob.listpack.position()) / (2L * perGroup);
    }

    private void checkFieldLimit(long fields) throws RdbFormatException {
        if (fields > in.constraints.maxFields()) {
            throw in.error(RdbFormatException.Reason.LIMIT_EXCEEDED, blob.offset, "stream entry of " + fields + " fields exceeds the limit of "
                    + in.constraints.maxFields());
        }
    }

    /** Reads one entry of the current node; false when it was a deleted one (skipped). */
    private boolean readEntry() throws IOException {
        nodeEntriesLeft--;
        long flags = lpInt("entry flags");
        long msDiff = lpInt("entry ms delta");
        long seqDiff = lpInt("entry seq delta");
        int n;
        long declared = 0;
        if ((flags & FLAG_SAMEFIELDS) != 0) {
            n = masterFieldCount;
            for (int i = 0; i < n; i++) {
                fieldAt = grow(fieldAt, i + 1);
                valueAt = grow(valueAt, i + 1);
                fieldAt[i] = masterFieldAt[i];
                valueAt[i] = blob.listpack.position();
                nextRequired(v.scratch, "entry value");
            }
        } else {
            declared = lpInt("entry field count");
            // A field and its value are two elements of at least two bytes each; a negative count reads no fields.
            if (declared > elementsRoom(2)) throw in.error(INVALID_STREAM, blob.offset, "stream entry field count " + declared + " is impossible");
            checkFieldLimit(declared);
            n = (int) Math.max(0, declared);
            for (int i = 0; i < n; i++) {
                fieldAt = grow(fieldAt, i + 1);
                valueAt = grow(valueAt, i + 1);
                fieldAt[i] = blob.listpack.position();
                nextRequired(v.scratch, "entry field");
                valueAt[i] = blob.listpack.position();
                nextRequired(v.scratch, "entry value");
            }
        }
        long lpCount = lpInt("entry element count");
        long expected = (flags & FLAG_SAMEFIELDS) != 0 ? masterFieldsDeclared + 3 : 2 * declared + 4;
        if (lpCount != expected) throw in.error(INVALID_STREAM, blob.offset, "stream entry back-count " + lpCount + ", expected " + expected);
        lastSeenMs = masterId.ms() + msDiff;
        lastSeenSeq = masterId.seq() + seqDiff;
        if ((flags & FLAG_DELETED) != 0) return false;
        fieldCount = n;
        id = new StreamId(lastSeenMs, lastSeenSeq);
        v.kind = ElementKind.STREAM_ENTRY;
        return true;
    }

    /** Room for at least {@code n} positions, grown (by doubling) only as elements are actually read. */
    private static int[] grow(int[] at, int n) {
        if (at.length >= n) return at;
        return Arrays.copyOf(at, (int) Math.max(n, Math.min(at.length * 2L, Integer.MAX_VALUE - 8)));
    }

    /** Field {@code i} of the current entry: a view valid until the next call (or the next read). */
    StringRef field(int i) {
        if (i < 0 || i >= fieldCount) throw new IndexOutOfBoundsException("field " + i + " of " + fieldCount);
        blob.listpack.elementAt(fieldAt[i], field);
        return field;
    }

    /** Value {@code i} of the current entry: a view valid until the next call (or the next read). */
    StringRef value(int i) {
        if (i < 0 || i >= fieldCount) throw new IndexOutOfBoundsException("value " + i + " of " + fieldCount);
        blob.listpack.elementAt(valueAt[i], value);
        return value;
    }

    private long lpInt(String what) throws IOException {
        StringRef r = v.scratch;
        nextRequired(r, what);
        if (r.isInteger()) return r.integer();
        byte[] a = r.array();
        int off = r.offset(), len = r.length();
        long n = CNumbers.string2ll(a, off, len);
        if (n == CNumbers.NOT_A_LONG && !CNumbers.isLongMinText(a, off, len)) {
            throw in.error(INVALID_STREAM, blob.offset, "stream " + what + " is not an integer: " + StringRef.printable(a, off, len, 40));
        }
        return n;
    }

    private void nextRequired(StringRef out, String what) throws RdbFormatException {
        if (!blob.next(out)) throw in.error(INVALID_STREAM, blob.offset, "stream listpack ends where the " + what + " was expected");
    }

    // ------------------------------------------------------------------ metadata and groups

    private void readMeta() throws IOException {
        long lengthAt = in.offset();
        length = in.rawLength("stream length", true);
        if (length != 0 && nodes == 0) throw in.error(INVALID_STREAM, lengthAt, "stream length " + Long.toUnsignedString(length) + " but no nodes");
        lastId = in.lengthStreamId("stream last id");
        if (encodingVersion >= 2) {
            firstId = in.lengthStreamId("stream first id");
            maxDeletedId = in.lengthStreamId("stream max deleted id");
            entriesAdded = in.rawLength("stream entries added", true);
        } else {
            firstId = null;
            maxDeletedId = null;
            entriesAdded = -1;
        }
        groupsLeft = in.count("stream consumer group count");
        phase = Phase.GROUPS;
    }

    private void readGroup() throws IOException {
        long at = in.offset();
        strings.read(groupName, "consumer group name", in.constraints.maxKeySize());
        groupName.own();
        if (!groupCheck.group(groupName)) throw in.error(INVALID_STREAM, at, "consumer group name " + show(groupName) + " repeats");
        groupLastId = in.lengthStreamId("consumer group last id");
        groupEntriesRead = encodingVersion >= 2 ? in.rawLength("consumer group entries read", true) : -1;
        pendingCount = pelLeft = in.count("consumer group pending count");
        phase = Phase.GROUP_PEL;
    }

    private void readGroupPending() throws IOException {
        long at = in.offset();
        pendingId = in.rawStreamId("pending entry id");
        if (!groupCheck.pending(pendingId)) throw in.error(INVALID_STREAM, at, "consumer group pending id " + pendingId + " repeats");
        deliveryTimeMs = in.le(8, "pending entry delivery time");
        deliveryCount = in.rawLength("pending entry delivery count", true);
    }

    private void readConsumer() throws IOException {
        long at = in.offset();
        strings.read(consumerName, "consumer name", in.constraints.maxKeySize());
        consumerName.own();
        if (!groupCheck.consumer(consumerName)) throw in.error(INVALID_STREAM, at, "consumer name " + show(consumerName) + " repeats in its group");
        seenTimeMs = in.le(8, "consumer seen time");
        activeTimeMs = encodingVersion >= 3 ? in.le(8, "consumer active time") : -1;
        pendingCount = pelLeft = in.count("consumer pending count");
        phase = Phase.CONSUMER_PEL;
    }

    /** The server's deep check: every pending id of the group is held by a consumer (or, in v5, nacked back to the group). */
    private void checkEveryPendingIdHeld() throws RdbFormatException {
        StreamId unowned = groupCheck.unowned();
        if (unowned != null) {
            throw in.error(INVALID_STREAM, in.offset(), "consumer group " + show(groupName) + ": pending id " + unowned + " is held by no consumer");
        }
    }

    private void readConsumerPending() throws IOException {
        long at = in.offset();
        pendingId = in.rawStreamId("consumer pending id");
        switch (groupCheck.consumerPending(pendingId)) {
            case NOT_PENDING -> throw in.error(INVALID_STREAM, at, "consumer pending id " + pendingId + " is not pending in its group");
            case REPEATED -> throw in.error(INVALID_STREAM, at, "consumer pending id " + pendingId + " repeats");
            default -> { }
        }
    }
}
