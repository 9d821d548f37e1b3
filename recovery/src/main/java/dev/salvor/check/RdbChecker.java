package dev.salvor.check;

import dev.salvor.format.InputFile;
import dev.salvor.io.Progress;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RecordView;
import dev.salvor.rdb.RedisType;
import dev.salvor.rdb.walk.RdbVisitor;
import dev.salvor.rdb.walk.RdbWalker;
import dev.salvor.salvage.CheckProof;
import dev.salvor.salvage.CorruptRegion;
import dev.salvor.salvage.KeyLedger;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.SalvageReport;
import dev.salvor.salvage.SalvageVisitor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Validation of an RDB file as the server that loads it would validate it.
 *
 * <p>A matching CRC64 proves the bytes are the ones that were written, not that they are valid:
 * the default ({@link Mode#FULL}) decodes every value with every rule the server applies when it
 * loads with {@code sanitize-dump-payload yes}, on several threads, and reports a key written
 * twice. {@link Mode#QUICK} walks the framing and the checksum only, and says so.
 */
public final class RdbChecker {
    /** How much is checked. */
    public enum Mode {
        /** Every value decoded and validated, keys checked for repeats, framing and checksum. */
        FULL,
        /** Framing, checksum and repeated keys only: the values' contents are not validated. */
        QUICK
    }

    /** Opens the input afresh for another pass. */
    @FunctionalInterface
    public interface Reopener {
        RdbReader open() throws IOException;
    }

    private RdbChecker() {
    }

    /** The worker threads a full check uses by default: every processor, at most 8. */
    public static int defaultThreads() {
        return Math.max(1, Math.min(8, Runtime.getRuntime().availableProcessors()));
    }

    /** Full check of a plain file (see {@link #checkFile(Path, Mode, int, LongConsumer)}). */
    public static CheckReport checkFile(Path file, LongConsumer progress) throws IOException {
        return checkFile(file, Mode.FULL, defaultThreads(), progress);
    }

    /**
     * Checks a plain file and reports every damaged region, not only the first: when the framing
     * breaks, the salvage scan reads on past each region to the end.
     */
    public static CheckReport checkFile(Path file, Mode mode, int threads, LongConsumer progress) throws IOException {
        // Opened once: every pass below reads the file that was opened, never the name again.
        try (InputFile in = InputFile.open(file)) {
            return checkFile(in, mode, threads, progress);
        }
    }

    private static CheckReport checkFile(InputFile file, Mode mode, int threads, LongConsumer progress) throws IOException {
        ParallelCheck.Result walk;
        if (mode == Mode.QUICK) {
            SeenKeys seen = new SeenKeys();
            ParallelCheck.Result quick = quickWalk(file, seen, progress);
            if (quick.complete() && quick.problems().isEmpty() && quick.checksum() != ChecksumStatus.MISMATCH && !quick.trailingData()) {
                return report(quick, duplicates(file, seen), false);
            }
            // Damage: locate it with the full check.
        }
        Progress.phase(progress, "decoding every value", file.size(), Progress.Unit.BYTES);
        walk = ParallelCheck.run(file, threads, progress);
        List<Problem> dups = walk.duplicates();
        if (walk.complete()) return report(walk, dups, true);
        Progress.phase(progress, "reading past the damage", walk.size(), Progress.Unit.BYTES);
        SalvageReport salvage = RdbSalvager.salvage(file, proof(walk, dups), prover(file, threads), SalvageVisitor.NONE, progress);
        List<Problem> problems = new ArrayList<>();
        Map<Long, Problem> found = new HashMap<>();
        for (Problem p : walk.problems()) found.putIfAbsent(p.offset(), p);
        for (CorruptRegion c : salvage.regions()) {
            Problem.Region region = new Problem.Region(c.start(), c.end(), c.lastGoodKey(), c.firstGoodKey(), c.truncation());
            // The key is the one being read where the damage was detected (the region may begin
            // earlier, at a key whose unchecked end could have run into it).
            Problem detected = found.get(c.errorOffset());
            byte[] key = detected != null && detected.key() != null ? detected.key() : c.lostKey();
            int db = detected != null && detected.db() >= 0 ? detected.db() : c.db();
            problems.add(new Problem(c.errorOffset(), db, key, c.reason(), c.detail(), region));
        }
        if (salvage.checksum() == ChecksumStatus.MISMATCH) {
            problems.add(new Problem(walk.size() - 8, -1, null, "checksum mismatch", "stored CRC64 differs from the computed one"));
        }
        problems.addAll(dups);
        problems.sort(Comparator.comparingLong(Problem::offset));
        return new CheckReport(walk.source(), walk.size(), walk.version(), salvage.keysRecovered() + salvage.keysPartial(),
                walk.checksum(), true, true, problems, 0);
    }

    /**
     * The full check of a plain file ({@link Mode#FULL}) that a salvage run of the same input starts
     * with: what it proves lets the salvager skip the decoding of every record proven (all of them
     * in a clean file), see {@link RdbSalvager#salvage(InputFile, CheckProof, SalvageVisitor, LongConsumer)}.
     */
    public static CheckProof prove(InputFile file, int threads, LongConsumer progress) throws IOException {
        Progress.phase(progress, "decoding every value", file.size(), Progress.Unit.BYTES);
        ParallelCheck.Result walk = ParallelCheck.run(file, threads, progress);
        return proof(walk, walk.duplicates());
    }

    /**
     * What proves the rest of a file after a damaged region, for the salvage run that follows
     * {@link #prove}: a full check of the records from there, on {@code threads} threads. Under
     * {@code minBytes} left nothing is proven (starting the workers costs more than decoding).
     */
    public static CheckProof.Prover prover(InputFile file, int threads, long minBytes) {
        return (offset, context) -> {
            if (file.size() - offset < minBytes) return CheckProof.NONE;
            ParallelCheck.Result walk = ParallelCheck.runFrom(file, offset, context, threads, null);
            return proof(walk, walk.duplicates());
        };
    }

    /** As {@link #prover(InputFile, int, long)}, for the rest of a file of more than a few ranges. */
    public static CheckProof.Prover prover(InputFile file, int threads) {
        return prover(file, threads, 4 * ParallelCheck.RANGE_BYTES);
    }

    private static final String EMPTY_VALUE = "empty value";

    /**
     * What a full check proved for the salvage scan, which stops at every record that fails to
     * decode and at every key it has read before (by its fingerprint; a repeated key is confirmed
     * here by its bytes, so two keys whose fingerprints collide are both kept in a clean file).
     */
    static CheckProof proof(ParallelCheck.Result walk, List<Problem> dups) {
        long first = Long.MAX_VALUE;
        // An empty value is a problem for the server, not for reading: salvage keeps such a key.
        for (Problem p : walk.problems()) {
            if (!EMPTY_VALUE.equals(p.reason())) first = Math.min(first, p.offset());
        }
        for (Problem p : dups) first = Math.min(first, p.offset());
        if (walk.problemsOmitted() > 0 && first == Long.MAX_VALUE) first = 0;
        boolean trailerMatches = walk.complete() && walk.checksum() == ChecksumStatus.OK && !walk.trailingData();
        boolean clean = walk.complete() && walk.problems().isEmpty() && walk.problemsOmitted() == 0 && dups.isEmpty()
                && walk.checksum() != ChecksumStatus.MISMATCH && !walk.trailingData();
        return new CheckProof(clean, first, walk.checksum(), trailerMatches);
    }

    /** Full check, on one thread, of an input that can be reopened (no damage location beyond the first). */
    public static CheckReport check(Reopener input, LongConsumer progress) throws IOException {
        try (RdbReader r = input.open()) {
            return check(r, progress);
        }
    }

    /**
     * Full check in one pass, for inputs that can be read only once: every value validated, the
     * checksum verified; the first damage ends the pass. Keys written twice are found by
     * fingerprint (they cannot be confirmed by a second read).
     */
    public static CheckReport check(RdbReader reader, LongConsumer progress) throws IOException {
        FullWalk w = new FullWalk();
        try {
            RdbWalker.walk(reader, w, Long.MAX_VALUE, progress);
        } catch (RdbFormatException e) {
            w.problems.add(Problem.of(e));
        }
        List<Problem> problems = w.problems;
        for (SeenKeys.Suspect s : w.seen.suspects()) {
            problems.add(new Problem(s.offset(), s.db(), s.key(), "duplicate key",
                    "the key's fingerprint repeats one read before in this database (the input cannot be read again to compare the bytes); "
                            + "the server refuses to load a file with a key twice"));
        }
        problems.sort(Comparator.comparingLong(Problem::offset));
        return new CheckReport(reader.source(), reader.size(), reader.version(), w.keys, reader.checksumStatus(), w.complete, true, problems, 0);
    }

    /** The one-pass check: every value decoded, keys noted, empty values and the trailer reported. */
    private static final class FullWalk implements RdbVisitor {
        final List<Problem> problems = new ArrayList<>();
        final SeenKeys seen = new SeenKeys();
        long keys;
        boolean complete;

        @Override
        public Value beginKey(KeyHeader key) {
            keys++;
            seen.add(key.db(), key.key(), key.recordOffset());
            return Value.DECODE;
        }

        @Override
        public void endKey(KeyHeader key) {
            Problem empty = emptyValue(key);
            if (empty != null) problems.add(empty);
        }

        @Override
        public void record(RdbToken token, RecordView r) throws IOException {
            if (token != RdbToken.EOF) return;
            problems.addAll(trailerProblems(r.checksumStatus(), r.storedChecksum(), r.computedChecksum(), r.offset(), r.hasTrailingData()));
            complete = true;
        }
    }

    /** A key of a collection type with no elements: loading skips it (a DUMP payload is refused outright). */
    static Problem emptyValue(KeyHeader k) {
        RedisType type = k.type();
        if (k.elementCount() != 0 || !(type == RedisType.LIST || type == RedisType.SET || type == RedisType.ZSET || type == RedisType.HASH)) return null;
        return new Problem(k.recordOffset(), k.db(), k.key(), EMPTY_VALUE,
                "a " + type.wireName() + " with no elements (the server skips such a key when loading)");
    }

    private static List<Problem> trailerProblems(ChecksumStatus status, long stored, long computed, long endOffset, boolean trailing) {
        List<Problem> out = new ArrayList<>();
        if (status == ChecksumStatus.MISMATCH) {
            out.add(new Problem(endOffset - 8, -1, null, "checksum mismatch", "stored CRC64 " + hex(stored) + ", computed " + hex(computed)));
        }
        if (trailing) out.add(new Problem(endOffset, -1, null, "trailing data", "bytes follow the RDB checksum"));
        return out;
    }

    private static CheckReport report(ParallelCheck.Result walk, List<Problem> dups, boolean valuesChecked) {
        List<Problem> problems = new ArrayList<>(walk.problems());
        problems.addAll(trailerProblems(walk.checksum(), walk.storedChecksum(), walk.computedChecksum(),
                walk.trailingData() ? walk.trailingAt() : walk.size(), walk.trailingData()));
        problems.addAll(dups);
        problems.sort(Comparator.comparingLong(Problem::offset));
        return new CheckReport(walk.source(), walk.size(), walk.version(), walk.keys(), walk.checksum(), walk.complete(), valuesChecked,
                problems, walk.problemsOmitted());
    }

    /** The framing and checksum walk alone (the planner of a full check, without its workers). */
    private static ParallelCheck.Result quickWalk(InputFile file, SeenKeys seen, LongConsumer progress) throws IOException {
        QuickWalk w = new QuickWalk(seen);
        List<Problem> problems = new ArrayList<>();
        try (RdbReader r = RdbReader.open(file)) {
            Progress.phase(progress, "checking framing and checksum", r.size(), Progress.Unit.BYTES);
            try {
                RdbWalker.walk(r, w, Long.MAX_VALUE, progress);
            } catch (RdbFormatException e) {
                problems.add(Problem.of(e));
            }
            return new ParallelCheck.Result(r.source(), r.size(), r.version(), w.keys, r.checksumStatus(), r.storedChecksum(),
                    r.computedChecksum(), w.complete, w.trailingAt >= 0, w.trailingAt, problems, 0, null, false);
        }
    }

    /** Framing and checksum: keys noted by their fingerprint, values stepped over. */
    private static final class QuickWalk implements RdbVisitor {
        final SeenKeys seen;
        long keys;
        boolean complete;
        long trailingAt = -1;

        QuickWalk(SeenKeys seen) {
            this.seen = seen;
        }

        @Override
        public Value beginKey(KeyHeader key) {
            keys++;
            seen.add(key.db(), key.key(), key.recordOffset());
            return Value.FRAMING;
        }

        @Override
        public void record(RdbToken token, RecordView r) throws IOException {
            if (token != RdbToken.EOF) return;
            complete = true;
            if (r.hasTrailingData()) trailingAt = r.offset();
        }
    }

    /**
     * Confirms the keys whose fingerprints repeated by reading the file's keys again and comparing
     * bytes: a duplicate is reported at each later copy, with the offset of the first.
     */
    static List<Problem> duplicates(InputFile file, SeenKeys seen) throws IOException {
        if (seen.suspects().isEmpty()) return List.of();
        Set<Long> hashes = new HashSet<>();
        for (SeenKeys.Suspect s : seen.suspects()) hashes.add(KeyLedger.hash(s.db(), s.key()));
        List<DuplicateKeys.Occurrence> found = new ArrayList<>();
        try (RdbReader r = RdbReader.open(file)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t != RdbToken.KEY) continue;
                long h = KeyLedger.hash(r.db(), r.key());
                if (hashes.contains(h)) found.add(new DuplicateKeys.Occurrence(r.db(), r.key(), r.tokenOffset(), h));
                r.skipValue(RdbReader.Skip.FRAMING);
            }
        } catch (RdbFormatException e) {
            // The keys up to the damage were compared; the damage itself is reported by the check.
        }
        return DuplicateKeys.problems(found, seen.suspectsOmitted() > 0);
    }

    static String hex(long v) {
        return String.format("%016x", v);
    }
}
