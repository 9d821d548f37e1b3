package dev.salvor.repair;

import java.util.List;
import java.util.Map;

/** What an AOF check or repair found and did. */
public record AofRepairReport(String source, boolean multiPart, List<String> segments, long commandsRead,
                              long commandsKept, long commandsDropped, long transactionsDropped,
                              Map<String, Long> droppedByName, long untilMs, boolean stoppedAtUntil,
                              List<AofRegion> regions) {
    public boolean clean() {
        return regions.isEmpty();
    }

    /** Offset up to which the first damaged file is intact, like redis-check-aof's ok_up_to. */
    public long okUpTo() {
        return regions.isEmpty() ? -1 : regions.get(0).start();
    }
}
