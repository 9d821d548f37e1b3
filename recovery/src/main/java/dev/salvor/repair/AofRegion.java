package dev.salvor.repair;

/**
 * A damaged byte range of one AOF file.
 *
 * @param startLine        1-based line of {@code start}
 * @param endLine          1-based line of {@code end} (where intact commands resume, or the end of the file)
 * @param lastGoodCommand  index (from 1, over the whole AOF) of the last intact command before it, 0 if none
 * @param truncatedTail    the damage runs to the end of the file
 * @param commandsLost     intact-looking commands dropped with it (a broken transaction's other parts)
 */
public record AofRegion(String segment, long start, long end, long startLine, long endLine, String reason, String detail,
                        long lastGoodCommand, boolean truncatedTail, long commandsLost) {
    public long length() {
        return end - start;
    }
}
