package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_STREAM;

import java.io.IOException;
import java.util.Arrays;

/**
 * Streams (listpacks v1 to v3): nodes of entries, each a master id and a listpack checked as a
 * whole; then the stream's metadata; then its consumer groups, each with its pending list and its
 * consumers with theirs, checked as Redis checks them when it loads the file (names in order,
 * pending ids in order, a consumer's ids pending in its group).
 */
final class StreamDecoder extends ValueDecoder {
    private static final int FLAG_DELETED = 1;
    private static final int FLAG_SAMEFIELDS = 2;

    private enum Phase { NODES, META, GROUPS, GROUP_PEL, CONSUMERS, CONSUMER_PEL, DONE }

    private final Blob blob;
    private Phase phase;
    int encodingVersion;
    long nodesStart = -1;
    private long nodesRemaining;
    private long nodeEntriesLeft;

    // The current node.
    private StreamId masterId;
    private int masterFieldCount;
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
    /** The current group's pending ids as (ms, seq) pairs, in order, for the consumers' checks. */
    private long[] groupPel = new long[64];
    private int groupPelSize;
    private byte[] previousGroupName;
    private byte[] previousConsumerName;
    private StreamId consumerPelLast;

    StreamDecoder(RdbInput in, RdbStrings strings, ValueCursor v, Blob blob) {
        super(in, strings, v);
        this.blob = blob;
    }

    @Override
    void begin(RdbEncoding encoding, long typeOffset) throws IOException {
        encodingVersion = encoding == RdbEncoding.STREAM_LISTPACKS ? 1 : encoding == RdbEncoding.STREAM_LISTPACKS_2 ? 2 : 3;
        completedNodes = 0;
        completedNodesEnd = -1;
        blob.close();
        nodesRemaining = in.count("stream node count");
        nodeEntriesLeft = 0;
        nodesStart = in.offset();
        previousGroupName = null;
        groupPelSize = 0;
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
                        phase = Phase.DONE;
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
                        phase = Phase.GROUPS;
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
        strings.read(key, "stream node master id", 16);
        if (key.isInteger() || key.length() != 16) {
            throw in.error(INVALID_STREAM, at, "stream node key must be a 16-byte id, found " + (key.isInteger() ? "an integer" : key.length() + " bytes"));
        }
        byte[] a = key.array();
        int o = key.offset();
        long ms = 0, seq = 0;
        for (int i = 0; i < 8; i++) ms = ms << 8 | (a[o + i] & 0xffL);
        for (int i = 8; i < 16; i++) seq = seq << 8 | (a[o + i] & 0xffL);
        masterId = new StreamId(ms, seq);
        v.containersOpened++;
        blob.open(Blob.Kind.LISTPACK, "stream listpack");
        long count = lpInt("master entry count");
        long deleted = lpInt("master deleted count");
        long fields = lpInt("master field count");
        // Each field is a listpack element of at least two bytes: a count the blob cannot hold is refused before anything is sized by it.
        if (count < 0 || deleted < 0 || fields < 0 || fields > elementsRoom(1)) {
            throw in.error(INVALID_STREAM, blob.offset, "stream master entry has impossible counts " + count + "/" + deleted + "/" + fields);
        }
        checkFieldLimit(fields);
        masterFieldCount = (int) fields;
        for (int i = 0; i < masterFieldCount; i++) {
            masterFieldAt = grow(masterFieldAt, i + 1);
            masterFieldAt[i] = blob.listpack.position();
            nextRequired(v.scratch, "master field");
        }
        long terminator = lpInt("master entry terminator");
        if (terminator != 0) throw in.error(INVALID_STREAM, blob.offset, "stream master entry must end with 0, found " + terminator);
        nodeEntriesLeft = count + deleted;
        if (nodeEntriesLeft == 0) throw in.error(INVALID_STREAM, blob.offset, "stream node holds no entries");
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
            long declared = lpInt("entry field count");
            // A field and its value are two elements of at least two bytes each.
            if (declared < 0 || declared > elementsRoom(2)) throw in.error(INVALID_STREAM, blob.offset, "stream entry field count " + declared + " is impossible");
            checkFieldLimit(declared);
            n = (int) declared;
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
        long expected = (flags & FLAG_SAMEFIELDS) != 0 ? n + 3 : 2L * n + 4;
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
        String s = r.toString();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw in.error(INVALID_STREAM, blob.offset, "stream " + what + " is not an integer: " + StringRef.printable(r.array(), r.offset(), r.length(), 40));
        }
    }

    private void nextRequired(StringRef out, String what) throws RdbFormatException {
        if (!blob.next(out)) throw in.error(INVALID_STREAM, blob.offset, "stream listpack ends where the " + what + " was expected");
    }

    // ------------------------------------------------------------------ metadata and groups

    private void readMeta() throws IOException {
        length = in.length("stream length");
        lastId = in.lengthStreamId("stream last id");
        if (encodingVersion >= 2) {
            firstId = in.lengthStreamId("stream first id");
            maxDeletedId = in.lengthStreamId("stream max deleted id");
            entriesAdded = in.rawLength("stream entries added");
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
        previousGroupName = ascendingName(previousGroupName, groupName, at, "consumer group");
        previousConsumerName = null;
        groupPelSize = 0;
        groupLastId = in.lengthStreamId("consumer group last id");
        groupEntriesRead = encodingVersion >= 2 ? in.rawLength("consumer group entries read") : -1;
        pendingCount = pelLeft = in.count("consumer group pending count");
        phase = Phase.GROUP_PEL;
    }

    private void readGroupPending() throws IOException {
        long at = in.offset();
        pendingId = in.rawStreamId("pending entry id");
        // Servers write a pending list in id order; Redis refuses to load a repeated id.
        if (groupPelSize > 0 && compareId(pendingId, groupPel[2 * groupPelSize - 2], groupPel[2 * groupPelSize - 1]) <= 0) {
            throw in.error(INVALID_STREAM, at, "consumer group pending id " + pendingId + " repeats or is out of order");
        }
        if (2 * groupPelSize + 2 > groupPel.length) groupPel = Arrays.copyOf(groupPel, groupPel.length * 2);
        groupPel[2 * groupPelSize] = pendingId.ms();
        groupPel[2 * groupPelSize + 1] = pendingId.seq();
        groupPelSize++;
        deliveryTimeMs = in.le(8, "pending entry delivery time");
        deliveryCount = in.length("pending entry delivery count");
    }

    private void readConsumer() throws IOException {
        long at = in.offset();
        strings.read(consumerName, "consumer name", in.constraints.maxKeySize());
        consumerName.own();
        previousConsumerName = ascendingName(previousConsumerName, consumerName, at, "consumer");
        consumerPelLast = null;
        seenTimeMs = in.le(8, "consumer seen time");
        activeTimeMs = encodingVersion >= 3 ? in.le(8, "consumer active time") : -1;
        pendingCount = pelLeft = in.count("consumer pending count");
        phase = Phase.CONSUMER_PEL;
    }

    private void readConsumerPending() throws IOException {
        long at = in.offset();
        pendingId = in.rawStreamId("consumer pending id");
        // Each id a consumer holds must be pending in its group (Redis refuses the file otherwise).
        if (consumerPelLast != null && pendingId.compareTo(consumerPelLast) <= 0) {
            throw in.error(INVALID_STREAM, at, "consumer pending id " + pendingId + " repeats or is out of order");
        }
        if (!inGroupPel(pendingId)) throw in.error(INVALID_STREAM, at, "consumer pending id " + pendingId + " is not pending in its group");
        consumerPelLast = pendingId;
    }

    /** The name, kept, when it sorts after the previous one (servers write groups and consumers in name order). */
    private byte[] ascendingName(byte[] previous, StringRef name, long at, String what) throws RdbFormatException {
        byte[] b = name.toBytes();
        if (previous != null && Arrays.compareUnsigned(previous, b) >= 0) {
            throw in.error(INVALID_STREAM, at, what + " name " + StringRef.printable(b, 0, b.length, 40) + " repeats or is out of order");
        }
        return b;
    }

    private static int compareId(StreamId id, long ms, long seq) {
        int c = Long.compareUnsigned(id.ms(), ms);
        return c != 0 ? c : Long.compareUnsigned(id.seq(), seq);
    }

    private boolean inGroupPel(StreamId id) {
        int lo = 0, hi = groupPelSize - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareId(id, groupPel[2 * mid], groupPel[2 * mid + 1]);
            if (c == 0) return true;
            if (c > 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return false;
    }
}
