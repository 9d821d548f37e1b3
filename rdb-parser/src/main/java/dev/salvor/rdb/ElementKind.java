package dev.salvor.rdb;

/** What an {@link RdbToken#ELEMENT} holds, and so which accessors of the reader apply. */
public enum ElementKind {
    /** A string key's value: {@code item()}. */
    STRING_VALUE,
    /** A list element, head to tail: {@code item()}. */
    LIST_ITEM,
    /** A set member: {@code item()}. */
    SET_MEMBER,
    /** A sorted-set member: {@code item()}, {@code score()}. */
    ZSET_ENTRY,
    /** A hash field: {@code item()} is the field, {@code hashValue()} the value, {@code fieldExpireAtMs()}. */
    HASH_ENTRY,
    /** A stream entry: {@code streamId()}, {@code streamFieldCount()}, {@code streamField(i)}, {@code streamValue(i)}. */
    STREAM_ENTRY,
    /** Stream metadata after the entries: length, last id, first id, max deleted id, entries added. */
    STREAM_META,
    /** A consumer group: {@code groupName()}, {@code groupLastId()}, {@code groupEntriesRead()}, {@code pendingCount()}. */
    STREAM_GROUP,
    /** One entry of the current group's pending list: {@code pendingId()}, delivery time and count. */
    STREAM_GROUP_PENDING,
    /** A consumer of the current group: {@code consumerName()}, seen/active time, {@code pendingCount()}. */
    STREAM_CONSUMER,
    /** One pending id owned by the current consumer: {@code pendingId()}. */
    STREAM_CONSUMER_PENDING,
    /** A module value, framed but opaque: {@code moduleName()}, {@code moduleValueStart()}, {@code moduleValueEnd()}. */
    MODULE_VALUE,
    /** One id nacked back to the current group (Redis 8.8 streams v5): {@code pendingId()}. */
    STREAM_NACKED,
    /** The idempotent-producer state of a stream (Redis 8.6, v4+): {@code idmpDuration()}, {@code idmpMaxEntries()}, {@code idmpProducers()}. */
    STREAM_IDMP,
    /** One idempotent producer: {@code idmpProducer()}, {@code idmpProducerEntries()}. */
    STREAM_IDMP_PRODUCER,
    /** One entry of the current producer: {@code idmpIid()}, {@code idmpStreamId()}. */
    STREAM_IDMP_ENTRY,
    /** The end of the idempotent-producer state: {@code idmpIidsAdded()}, {@code idmpIidsDuplicates()}. */
    STREAM_IDMP_STATS,
    /** An element of a sparse array: {@code arrayIndex()} (unsigned) and {@code item()}. */
    ARRAY_ELEMENT,
    /** A KeyDB cron job: {@code item()} is its script, with {@code cronStartMs()} and {@code cronIntervalMs()}. */
    CRON_JOB,
    /** One key a KeyDB cron job names: {@code item()}. */
    CRON_KEY,
    /** One argument of a KeyDB cron job: {@code item()}. */
    CRON_ARG
}
