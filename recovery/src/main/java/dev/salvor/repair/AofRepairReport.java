package dev.salvor.repair;

import dev.salvor.aof.AofManifest;
import dev.salvor.salvage.SalvageReport;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an AOF check or repair found and did.
 *
 * @param commandsRead      intact commands read
 * @param commandsKept      intact commands written (or that a repair would write)
 * @param commandsDropped   intact commands not kept: parts of broken or unterminated transactions,
 *                          {@code --drop}, after {@code --until}
 * @param droppedCommands   the commands {@code --drop} left out, each located (the first
 *                          {@link AofRepairer#MAX_LISTED} of them; {@code droppedByName} counts all)
 * @param until             the point-in-time cut, or null without {@code --until}
 * @param preambles         the RDB preamble or base of each segment that has one
 * @param manifestProblems  why the server would refuse the manifest
 * @param rebuild           how the files were chosen when the manifest could not be followed
 */
public record AofRepairReport(String source, boolean multiPart, List<String> segments, long commandsRead,
                              long commandsKept, long commandsDropped, long transactionsDropped,
                              Map<String, Long> droppedByName, List<DroppedCommand> droppedCommands, Until until,
                              List<Preamble> preambles, List<AofManifest.Problem> manifestProblems, List<String> rebuild,
                              List<AofRegion> regions) {
    /** The same report naming its input {@code name} (an AOF piped in or unpacked is read from a temporary copy). */
    public AofRepairReport withSource(String name) {
        return new AofRepairReport(name, multiPart, segments, commandsRead, commandsKept, commandsDropped, transactionsDropped, droppedByName,
                droppedCommands, until, preambles, manifestProblems, rebuild, regions);
    }

    /** A command {@code --drop} left out. */
    public record DroppedCommand(String segment, long offset, long line, String name, int db, long timeMs) {
    }

    /**
     * The point-in-time cut.
     *
     * @param untilMs          the TIME asked for
     * @param timestamps       {@code #TS:} annotations read
     * @param firstTimestampMs the first of them, or -1
     * @param stopped          an annotation after TIME was found; nothing after it is kept
     * @param stopSegment      where: segment, offset and the annotation's time (when stopped)
     * @param commandsAfter    intact commands left out because they come after the cut
     * @param keptBefore       commands and preamble keys kept before the cut
     * @param baseCtimeMs      the creation time the first RDB preamble or base records (its ctime), or -1
     */
    public record Until(long untilMs, long timestamps, long firstTimestampMs, boolean stopped, String stopSegment, long stopOffset,
                        long stopTimestampMs, long commandsAfter, long keptBefore, long baseCtimeMs) {
    }

    /**
     * The RDB part of a segment.
     *
     * @param keys    keys it holds when intact; keys recovered when salvaged
     * @param salvage the RDB salvager's report when it was damaged, else null
     * @param notes   what the repaired RDB part could not keep as it was (from the repair writer)
     */
    public record Preamble(String segment, long end, int version, long keys, SalvageReport salvage, List<String> notes) {
        public boolean damaged() {
            return salvage != null;
        }
    }

    /**
     * Why a {@code --until} cut cannot do what was asked, or null when it can: without any
     * {@code #TS:} annotation there is no time to cut at, and a time before everything the AOF
     * holds would leave it empty (redis-check-aof --truncate-to-timestamp aborts there too).
     */
    public String untilRefusal() {
        Until u = until;
        if (u == null) return null;
        if (u.timestamps() == 0) {
            return "the AOF holds no #TS: annotation, so there is no time to cut at: the server writes them only with "
                    + "aof-timestamp-enabled yes (Redis 7.0+, off by default); --drop can still leave out commands by name";
        }
        if (u.baseCtimeMs() > u.untilMs()) {
            return String.format(Locale.ROOT, "the RDB %s was written at %s, after %s: the AOF holds no state as early as that",
                    multiPart ? "base" : "preamble", Instant.ofEpochMilli(u.baseCtimeMs()), Instant.ofEpochMilli(u.untilMs()));
        }
        if (u.stopped() && u.keptBefore() == 0) {
            return String.format(Locale.ROOT, "the cut falls at the #TS: annotation of %s (byte offset %d of %s), and nothing before it would be kept"
                    + (u.firstTimestampMs() == u.stopTimestampMs() ? " (it is the first annotation: the AOF holds nothing as early as that)" : ""),
                    Instant.ofEpochMilli(u.stopTimestampMs()), u.stopOffset(), u.stopSegment());
        }
        return null;
    }

    public boolean clean() {
        return regions.isEmpty() && manifestProblems.isEmpty() && preambles.stream().noneMatch(Preamble::damaged);
    }

    /** Command headers among the skipped bytes, over every region: a lower bound of the commands destroyed. */
    public long commandsDamaged() {
        return regions.stream().mapToLong(AofRegion::commandsDamaged).sum();
    }

    /** Keys of every RDB preamble or base, read intact or salvaged. */
    public long preambleKeys() {
        return preambles.stream().mapToLong(Preamble::keys).sum();
    }

    /**
     * Where the first damaged file must be cut to keep only what precedes the damage, like
     * redis-check-aof's ok_up_to: before a transaction the damage hit, not inside it.
     */
    public long okUpTo() {
        return regions.isEmpty() ? -1 : regions.get(0).okUpTo();
    }

    public long okUpToLine() {
        return regions.isEmpty() ? 0 : regions.get(0).okUpToLine();
    }
}
