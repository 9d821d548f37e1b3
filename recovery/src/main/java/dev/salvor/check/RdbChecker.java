package dev.salvor.check;

import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RecordView;
import dev.salvor.rdb.walk.RdbVisitor;
import dev.salvor.rdb.walk.RdbWalker;

import dev.salvor.io.Progress;
import dev.salvor.salvage.CorruptRegion;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.SalvageReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Full validation of an RDB file.
 *
 * <p>When the input can be read twice, a first pass walks only the framing while the CRC64 runs
 * over every byte: a matching checksum proves the bytes are exactly what the server wrote, which
 * is the common case and costs little more than reading the file. Only when the checksum does not
 * match (or the file has none) is every value fully decoded and validated, to locate the damage.
 */
public final class RdbChecker {
    /** Opens the input afresh for another pass. */
    @FunctionalInterface
    public interface Reopener {
        RdbReader open() throws IOException;
    }

    private RdbChecker() {
    }

    /** Two-phase check of an input that can be reopened (a plain file). */
    public static CheckReport check(Reopener input, LongConsumer progress) throws IOException {
        CheckReport fast;
        try (RdbReader r = input.open()) {
            Progress.phase(progress, "checking framing and checksum", r.size(), Progress.Unit.BYTES);
            fast = walk(r, progress, false);
        }
        if (fast.clean() && fast.checksum() == ChecksumStatus.OK) return fast;
        try (RdbReader r = input.open()) {
            Progress.phase(progress, "decoding every value", r.size(), Progress.Unit.BYTES);
            return walk(r, progress, true);
        }
    }

    /**
     * Check of a plain file that reports every damaged region, not only the first: when the
     * full pass stops at damage, the salvage scan reads on past each region to the end.
     */
    public static CheckReport checkFile(Path file, LongConsumer progress) throws IOException {
        CheckReport first = check(() -> RdbReader.open(file), progress);
        if (first.complete() || first.problems().isEmpty()) return first;
        Progress.phase(progress, "reading past the damage", first.sizeBytes(), Progress.Unit.BYTES);
        SalvageReport salvage = RdbSalvager.salvage(file, reader -> reader.skipValue(), progress);
        List<Problem> problems = new ArrayList<>();
        for (CorruptRegion c : salvage.regions()) {
            Problem.Region region = new Problem.Region(c.start(), c.end(), c.lastGoodKey(), c.firstGoodKey(), c.truncation());
            problems.add(new Problem(c.errorOffset(), -1, c.lostKey(), c.reason(), c.detail(), region));
        }
        if (salvage.checksum() == ChecksumStatus.MISMATCH) {
            problems.add(new Problem(first.sizeBytes() - 8, -1, null, "checksum mismatch", "stored CRC64 differs from the computed one"));
        }
        return new CheckReport(first.source(), first.sizeBytes(), first.version(), salvage.keysRecovered() + salvage.keysPartial(),
                first.checksum(), true, problems);
    }

    /** Single full pass (for inputs that can be read only once). */
    public static CheckReport check(RdbReader reader, LongConsumer progress) throws IOException {
        return walk(reader, progress, true);
    }

    private static CheckReport walk(RdbReader reader, LongConsumer progress, boolean deep) throws IOException {
        Walk w = new Walk(deep);
        try {
            RdbWalker.walk(reader, w, Long.MAX_VALUE, progress);
        } catch (RdbFormatException e) {
            w.problems.add(Problem.of(e));
        }
        return new CheckReport(reader.source(), reader.size(), reader.version(), w.keys, reader.checksumStatus(), w.complete, w.problems);
    }

    /** Counts keys and collects problems; a deep walk decodes every element, a quick one the framing only. */
    private static final class Walk implements RdbVisitor {
        private final boolean deep;
        final List<Problem> problems = new ArrayList<>();
        long keys;
        boolean complete;

        Walk(boolean deep) {
            this.deep = deep;
        }

        @Override
        public Value beginKey(KeyHeader key) {
            keys++;
            return deep ? Value.DECODE : Value.FRAMING;
        }

        @Override
        public void endKey(KeyHeader key) {
            if (deep && key.elementCount() == 0) {
                problems.add(new Problem(key.keyEndOffset(), key.db(), key.key(), "empty value",
                        "a " + key.type().wireName() + " with no elements (Redis skips such keys when loading)"));
            }
        }

        @Override
        public void record(RdbToken token, RecordView r) throws IOException {
            if (token != RdbToken.EOF) return;
            if (r.checksumStatus() == ChecksumStatus.MISMATCH) {
                problems.add(new Problem(r.offset() - 8, -1, null, "checksum mismatch",
                        "stored CRC64 " + hex(r.storedChecksum()) + ", computed " + hex(r.computedChecksum())));
            }
            if (r.hasTrailingData()) {
                problems.add(new Problem(r.offset(), -1, null, "trailing data", "bytes follow the RDB checksum"));
            }
            complete = true;
        }
    }

    static String hex(long v) {
        return String.format("%016x", v);
    }
}
