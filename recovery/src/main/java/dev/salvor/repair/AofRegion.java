package dev.salvor.repair;

/**
 * A damaged byte range of one AOF file.
 *
 * @param startLine        1-based line of {@code start}
 * @param endLine          1-based line of {@code end} (where intact commands resume, or the end of the file)
 * @param lastGoodCommand  index (from 1, over the whole AOF) of the last intact command before it, 0 if none
 * @param truncatedTail    the damage runs to the end of the file (a cut-off tail, or a transaction left open at the end)
 * @param commandsLost     intact commands dropped with it (the other parts of a broken transaction)
 * @param commandsDamaged  command headers ({@code *N} at the start of a line, their framing followed
 *                         where it holds) among the skipped bytes: a lower bound of the commands the
 *                         damage destroyed, since a command whose header was itself overwritten leaves none
 * @param openMulti        offset of the MULTI of the transaction the damage hit, or -1: a truncation
 *                         must cut there (as redis-check-aof's ok_up_to does), not inside the transaction
 * @param openMultiLine    1-based line of {@code openMulti}, or 0
 */
public record AofRegion(String segment, long start, long end, long startLine, long endLine, String reason, String detail,
                        long lastGoodCommand, boolean truncatedTail, long commandsLost, long commandsDamaged,
                        long openMulti, long openMultiLine) {
    public long length() {
        return end - start;
    }

    /** Where a truncation that keeps only intact, whole transactions must cut. */
    public long okUpTo() {
        return openMulti >= 0 ? openMulti : start;
    }

    /** The line of {@link #okUpTo()}. */
    public long okUpToLine() {
        return openMulti >= 0 ? openMultiLine : startLine;
    }

    AofRegion withCommandsLost(long lost) {
        return new AofRegion(segment, start, end, startLine, endLine, reason, detail, lastGoodCommand, truncatedTail, lost, commandsDamaged,
                openMulti, openMultiLine);
    }
}
