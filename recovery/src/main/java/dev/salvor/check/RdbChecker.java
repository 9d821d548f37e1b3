package dev.salvor.check;

import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Full validation of an RDB file: every length, encoding and element is decoded and checked, the
 * CRC64 trailer is compared, and bytes after the trailer are flagged.
 */
public final class RdbChecker {
    private RdbChecker() {
    }

    public static CheckReport check(RdbReader reader, LongConsumer progress) throws IOException {
        List<Problem> problems = new ArrayList<>();
        long keys = 0;
        boolean complete = false;
        try {
            RdbToken t;
            long nextReport = 0;
            while ((t = reader.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    keys++;
                    long elements = 0;
                    while (reader.next() == RdbToken.ELEMENT) elements++;
                    if (elements == 0) {
                        problems.add(new Problem(reader.tokenOffset(), reader.db(), reader.key(), "empty value",
                                "a " + reader.type().wireName() + " with no elements (Redis skips such keys when loading)"));
                    }
                } else if (t == RdbToken.EOF) {
                    if (reader.checksumStatus() == ChecksumStatus.MISMATCH) {
                        problems.add(new Problem(reader.offset() - 8, -1, null, "checksum mismatch",
                                "stored CRC64 " + hex(reader.storedChecksum()) + ", computed " + hex(reader.computedChecksum())));
                    }
                    if (reader.hasTrailingData()) {
                        problems.add(new Problem(reader.offset(), -1, null, "trailing data", "bytes follow the RDB checksum"));
                    }
                    complete = true;
                }
                if (progress != null && reader.offset() >= nextReport) {
                    progress.accept(reader.offset());
                    nextReport = reader.offset() + (4 << 20);
                }
            }
        } catch (RdbFormatException e) {
            problems.add(Problem.of(e));
        }
        if (progress != null) progress.accept(reader.offset());
        return new CheckReport(reader.source(), reader.size(), reader.version(), keys, reader.checksumStatus(), complete, problems);
    }

    static String hex(long v) {
        return String.format("%016x", v);
    }
}
