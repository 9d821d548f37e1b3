package dev.salvor.check;

import dev.salvor.rdb.ChecksumStatus;

import java.util.List;

/** Outcome of checking one file. */
public record CheckReport(String source, long sizeBytes, int version, long keys, ChecksumStatus checksum,
                          boolean complete, List<Problem> problems) {
    public boolean clean() {
        return problems.isEmpty();
    }
}
