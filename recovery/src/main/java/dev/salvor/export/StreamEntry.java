package dev.salvor.export;

import dev.salvor.rdb.StreamId;

import java.util.List;

/** One stream entry held in memory (the intact part of a damaged stream): its id and field/value pairs. */
public record StreamEntry(StreamId id, List<byte[]> fields, List<byte[]> values) {
}
