package dev.salvor.rdb;

import java.io.IOException;

/**
 * What a visitor sees of one element of a value; {@link #elementKind()} says which accessors
 * apply. Strings are views valid until the walk moves on ({@link StringRef#toBytes()} keeps one).
 */
public interface ElementView {
    /** The Dragonfly compressed blob the element was read from, or null (see {@link RdbReader#compressedBlob()}). */
    default CompressedBlob compressedBlob() {
        return null;
    }

    ElementKind elementKind();

    /** String value, list item, set member, zset member or hash field (a chunked string value is gathered). */
    StringRef item() throws IOException;

    StringRef hashValue();

    double score();

    /** Hash field expiry in Unix ms, or -1. */
    long fieldExpireAtMs();

    /** At a string value: whether it comes in chunks (longer than the window). */
    boolean isChunked();

    long chunkedLength();

    /** Moves to the next piece of a chunked string value; false when all of it was read. */
    boolean nextChunk() throws IOException;

    StringRef chunk();

    StreamId streamId();

    int streamFieldCount();

    StringRef streamField(int i);

    StringRef streamValue(int i);

    long streamLength();

    StreamId streamLastId();

    StreamId streamFirstId();

    StreamId streamMaxDeletedId();

    long streamEntriesAdded();

    StringRef groupName();

    StreamId groupLastId();

    long groupEntriesRead();

    long pendingCount();

    StreamId pendingId();

    long deliveryTimeMs();

    long deliveryCount();

    StringRef consumerName();

    long seenTimeMs();

    long activeTimeMs();

    String moduleName();

    int moduleVersion();

    long moduleValueStart();

    long moduleValueEnd();

    /** The module value's items (at a MODULE_VALUE element); see {@link ModuleValue}. */
    ModuleValue moduleValue();

    /** Self-checking containers opened so far for this value. */
    int containersOpened();

    /** Elements delivered so far for this value, this one included. */
    long elementCount();

    /** At an {@link ElementKind#ARRAY_ELEMENT}: its index (unsigned 64-bit). */
    long arrayIndex();

    /** At a {@link ElementKind#CRON_JOB}: when it first runs, Unix ms. */
    long cronStartMs();

    /** At a {@link ElementKind#CRON_JOB}: its interval in ms. */
    long cronIntervalMs();

    long idmpDuration();

    long idmpMaxEntries();

    long idmpProducers();

    StringRef idmpProducer();

    long idmpProducerEntries();

    StringRef idmpIid();

    StreamId idmpStreamId();

    long idmpIidsAdded();

    long idmpIidsDuplicates();
}
