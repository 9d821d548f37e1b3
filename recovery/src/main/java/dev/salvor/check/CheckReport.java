package dev.salvor.check;

import dev.salvor.rdb.ChecksumStatus;

import java.util.List;

/**
 * Outcome of checking one file.
 *
 * @param complete        the whole file was read (after damage, by the salvage scan)
 * @param valuesChecked   every value was decoded and validated; false for a quick check, which
 *                        vouches for the framing and the checksum only
 * @param problemsOmitted problems found beyond the ones listed
 */
public record CheckReport(String source, long sizeBytes, int version, long keys, ChecksumStatus checksum,
                          boolean complete, boolean valuesChecked, List<Problem> problems, long problemsOmitted) {
    public boolean clean() {
        return problems.isEmpty() && problemsOmitted == 0;
    }
}
