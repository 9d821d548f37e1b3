package dev.salvor.inspect;

import dev.salvor.repair.AofRegion;

import java.util.List;
import java.util.Map;

/**
 * What an AOF holds: its files, its RDB preambles, its commands by name and database, the time
 * range of its {@code #TS:} annotations and its transactions; {@code regions} are where it is damaged.
 *
 * @param firstTimestampMs the first {@code #TS:} time in Unix ms, or -1 when there is none
 */
public record AofInspection(String source, boolean multiPart, List<Segment> segments, long preambles, long preambleKeys,
                            long commands, long transactions, long firstTimestampMs, long lastTimestampMs,
                            Map<String, Long> commandsByName, Map<Integer, Long> commandsByDb, List<AofRegion> regions) {
    /** One file of the AOF: its name, kind (base, incr, history or a single file's) and sequence number. */
    public record Segment(String name, String kind, long seq, long sizeBytes) {
    }

    public boolean clean() {
        return regions.isEmpty();
    }
}
