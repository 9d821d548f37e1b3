package dev.salvor.salvage;

import dev.salvor.format.FileRanges;
import dev.salvor.format.InputFile;
import dev.salvor.io.LostBlock;
import dev.salvor.io.Progress;
import dev.salvor.io.TempFiles;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.ElementView;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.ReadProgress;
import dev.salvor.rdb.walk.RdbVisitor;
import dev.salvor.rdb.walk.ParallelRanges;
import dev.salvor.rdb.walk.RdbWalker;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Reads an RDB file past its damage, in two passes over a seekable file.
 *
 * <p>The scan reads records normally until one fails (a format error, or a key that repeats one
 * already read, which a zeroed page produces); the failing record's bytes start a
 * {@link CorruptRegion}; the {@link Resynchronizer} finds where intact records resume; the scan
 * goes on from there to the end of the file. When a record fails at its very first bytes for a
 * reason other than truncation, the key just before it most likely absorbed the damage (its
 * length ran into foreign bytes), so that key is moved into the region too: precision first.
 *
 * <p>The replay then feeds the visitor only the intact segments, so nothing that was later found
 * suspect has been written anywhere.
 */
public final class RdbSalvager {
    private static final int MAX_NAMES = 10_000;

    /** The input, opened once: every reader of this run reads through it, never by its name again. */
    private final InputFile file;
    /** The name reports give the input (the original file when a part of it is salvaged from a copy). */
    private final String source;
    private final LongConsumer progress;
    /** What a full check of this input proved before this run (nothing, for most callers). */
    private final CheckProof proof;
    /** Proves the rest of the file where the scan reads on after a damaged region. */
    private final CheckProof.Prover prover;
    /** What is proven of the records the scan's reader reads now (it read none that failed since it started). */
    private CheckProof chainProof;
    /** Bytes of key records the scan decoded (read in full with every check), for tests of what a proof spares. */
    private long keyBytesDecoded;
    /** Where the key being decoded by the scan starts, or -1. */
    private long decodingFrom = -1;
    /** The scan's reader has read from the file's start (a key read again from its start was not: see scan). */
    private boolean crcFromStart = true;

    private final KeyLedger ledger = new KeyLedger();
    private final List<CorruptRegion> regions = new ArrayList<>();
    private final List<Segment> segments = new ArrayList<>();
    private final List<byte[]> lostKeys = new ArrayList<>();
    private final List<byte[]> expiryUnknown = new ArrayList<>();
    private final List<SalvageReport.AssumedDb> assumedDbs = new ArrayList<>();
    private final List<byte[]> doubtfulKeys = new ArrayList<>();
    private final java.util.Set<Long> unverifiedStarts = new java.util.HashSet<>();
    private final List<byte[]> unverifiedKeys = new ArrayList<>();
    private long recovered;
    private long lost;
    private long partial;
    private final List<byte[]> partialKeys = new ArrayList<>();
    /** Keys read so far from the Dragonfly compressed blob being read: damage in the blob takes them all. */
    private final List<DamageAttribution.RecentKey> blobKeys = new ArrayList<>();
    /** Per database: what RESIZEDB announced and what was recovered, partial or named lost. */
    private final java.util.TreeMap<Integer, DbTally> tallies = new java.util.TreeMap<>();
    private final List<String> auxRecovered = new ArrayList<>();
    private final List<String> functionsRecovered = new ArrayList<>();
    /** The context in effect at the start of each region (its db), in region order. */
    private final List<RdbReader.Context> regionContexts = new ArrayList<>();
    private final java.util.Set<KeyLedger.KeyId> namedLost = new java.util.HashSet<>();
    /** Where the first database or key was read (aux fields and functions come before it), or -1. */
    private long keyspaceStart = -1;

    /** Counts of one database; {@code announcedKeys} is -1 until its RESIZEDB is read. */
    private static final class DbTally {
        long announcedKeys = -1;
        long announcedExpires = -1;
        long recovered;
        long recoveredExpiring;
        long partial;
        long partialExpiring;
        long namedLost;
        long expiryUnknown;
    }

    private DbTally tally(int db) {
        return tallies.computeIfAbsent(db, d -> new DbTally());
    }

    /** A key counted recovered that damage took back after all. */
    private void unrecover(DamageAttribution.RecentKey k) {
        ledger.remove(k.id());
        recovered--;
        DbTally tally = tally(k.db());
        tally.recovered--;
        if (k.expiring()) tally.recoveredExpiring--;
    }

    /** A key known lost by name. */
    private void lose(int db, byte[] key) {
        lost++;
        tally(db).namedLost++;
        namedLost.add(KeyLedger.KeyId.of(db, key));
        if (lostKeys.size() < MAX_NAMES) lostKeys.add(key);
    }

    private static final int RECENT_KEYS = 8;

    /**
     * Intact records from {@code start} (a record boundary, db {@code db} in effect) to {@code end};
     * when {@code cut} is set, the key starting at {@code end} was cut by that error and only its
     * intact part can be kept.
     */
    private record Segment(long start, long end, int db, RdbFormatException cut, boolean cutAtTail, RdbReader.Context context) {
        boolean endsInPartialKey() {
            return cut != null;
        }
    }

    private RdbSalvager(InputFile file, String source, CheckProof proof, CheckProof.Prover prover, LongConsumer progress) {
        this.file = file;
        this.source = source;
        this.proof = proof;
        this.prover = prover;
        this.chainProof = proof;
        this.progress = progress;
    }

    /**
     * Salvages the file the user named. It is opened once ({@link InputFile#open}: a link named on
     * the command line is resolved there, and no link is followed after); a visitor that copies
     * record bytes itself must read them through the same {@link InputFile}, see
     * {@link #salvage(InputFile, SalvageVisitor, LongConsumer)}.
     */
    public static SalvageReport salvage(Path file, SalvageVisitor visitor, LongConsumer progress) throws IOException {
        try (InputFile in = InputFile.open(file)) {
            return salvage(in, visitor, progress);
        }
    }

    /** Salvages an input opened once; every read of this run goes through it. */
    public static SalvageReport salvage(InputFile file, SalvageVisitor visitor, LongConsumer progress) throws IOException {
        return new RdbSalvager(file, file.source(), CheckProof.NONE, CheckProof.Prover.NONE, progress).run(visitor);
    }

    /**
     * As above, for a file decompressed past damaged blocks: at each lost block's
     * {@link LostBlock#decompressedAt} bytes are missing, so nothing read across that point is
     * kept (the record is lost, reported with its bounds) and records are looked for again from it.
     */
    public static SalvageReport salvage(InputFile file, SalvageVisitor visitor, LongConsumer progress, List<LostBlock> lostBlocks) throws IOException {
        RdbSalvager s = new RdbSalvager(file, file.source(), CheckProof.NONE, CheckProof.Prover.NONE, progress);
        for (LostBlock b : lostBlocks) if (b.decompressedAt() > 0 && b.decompressedAt() < file.size()) s.cuts.add(b);
        return s.run(visitor);
    }

    /** Where a decompressed input lacks bytes, in order (none for a plain file). */
    private final List<LostBlock> cuts = new ArrayList<>();

    /**
     * The first cut in {@code [from, to)}, or null. A record that starts at a cut is taken too:
     * whether the damaged block ended on a record boundary is not known, so the records it held
     * are lost there, and the search for intact records starts at the cut.
     */
    private LostBlock cutWithin(long from, long to) {
        for (LostBlock c : cuts) {
            if (c.decompressedAt() >= from && c.decompressedAt() < to) return c;
            if (c.decompressedAt() >= to) break;
        }
        return null;
    }

    private static String cutDetail(LostBlock c) {
        return "bytes are missing at offset " + c.decompressedAt() + " of the decompressed RDB: the compressed block at byte offsets ["
                + c.compressedStart() + ", " + c.compressedEnd() + ") was damaged (" + c.why() + ") and skipped; what was read across this point is lost";
    }

    /**
     * Salvages an input that a full check has just read ({@code RdbChecker.prove}): the report and
     * what the visitor is told are the same as without the proof, but what the check proved is not
     * decoded again. A clean file is read once more by its framing only, to hand the visitor its
     * records; in a damaged one the keys before the first problem found are stepped over by their
     * framing, and decoding starts at the first key the check did not prove; where the scan reads
     * on after a damaged region, {@code prover} proves the rest in turn.
     */
    public static SalvageReport salvage(InputFile file, CheckProof proof, CheckProof.Prover prover, SalvageVisitor visitor,
                                        LongConsumer progress) throws IOException {
        return new RdbSalvager(file, file.source(), proof, prover, progress).run(visitor);
    }

    /**
     * Salvages the bytes {@code [from, to)} of {@code file} as an RDB file of their own: the RDB
     * preamble of an AOF ({@code from} 0, {@code to} where its commands begin), or an RDB held
     * inside a larger file. The bytes are read from a temporary copy of the range in
     * {@code tempDir}, removed at the end; nothing after {@code to} is read.
     *
     * <p>Every offset in the report and every offset a visitor is told is the RDB's own, counted
     * from {@code from}: for a preamble ({@code from} 0) they are the file's own offsets, so a
     * visitor may copy record bytes from {@code file} itself; for {@code from > 0} add
     * {@code from}. The report names {@code file} as its source.
     *
     * @throws IllegalArgumentException when the range is empty or reversed
     * @throws IOException when the file ends before {@code to}
     */
    public static SalvageReport salvage(Path file, long from, long to, Path tempDir, SalvageVisitor visitor, LongConsumer progress)
            throws IOException {
        try (InputFile in = InputFile.open(file)) {
            return salvage(in, from, to, tempDir, visitor, progress);
        }
    }

    /** As {@link #salvage(Path, long, long, Path, SalvageVisitor, LongConsumer)}, from an input opened once. */
    public static SalvageReport salvage(InputFile file, long from, long to, Path tempDir, SalvageVisitor visitor, LongConsumer progress)
            throws IOException {
        if (from < 0 || to <= from) throw new IllegalArgumentException("byte range [" + from + ", " + to + ") of " + file.source() + " is empty");
        Path copy = TempFiles.createFile(tempDir, "", ".rdb");
        try {
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(copy)) {
                FileRanges.copy(file.channel(), from, to, out);
            }
            try (InputFile in = InputFile.openNoLinks(copy, copy.toString())) {
                return new RdbSalvager(in, file.source(), CheckProof.NONE, CheckProof.Prover.NONE, progress).run(visitor);
            }
        } finally {
            TempFiles.delete(copy);
        }
    }

    private SalvageReport run(SalvageVisitor visitor) throws IOException {
        FileChannel ch = file.channel();
        long size = file.size();
        // A trailer that matches proves no page was zeroed (see ZeroPages): the check computed it already.
        zeroPages = proof.trailerMatches() ? ZeroPages.NONE : ZeroPages.ifDamaged(ch, size);
        if (proof.clean() && zeroPages.isEmpty()) return proven(visitor, size);
        Scan scan = scan(ch, size);
        return replay(scan, visitor, ch, size);
    }

    // ------------------------------------------------------------------ a file proven clean

    /**
     * A file the check proved clean, in one walk by its framing: what the scan would count (every
     * key recovered, the RESIZEDB counts, the aux fields and functions) and what the replay would
     * hand the visitor, with nothing decoded again. Its checksum is the check's.
     */
    private SalvageReport proven(SalvageVisitor visitor, long size) throws IOException {
        Progress.phase(progress, "reading the proven records", size, Progress.Unit.BYTES);
        RdbReader.Context ctx;
        try (RdbReader r = RdbReader.openChecksummedElsewhere(file)) {
            r.next(); // the header
            ctx = r.context();
            visitor.start(ctx, r.magic(), false);
            Doubted doubted = new Doubted(visitor);
            long nextReport = 0;
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if ((t == RdbToken.SELECT_DB || t == RdbToken.KEY) && keyspaceStart < 0) keyspaceStart = r.tokenOffset();
                if (t == RdbToken.KEY) {
                    recovered++;
                    DbTally tally = tally(r.db());
                    tally.recovered++;
                    if (r.expireAtMs() >= 0) tally.recoveredExpiring++;
                    RdbWalker.key(r, doubted);
                } else {
                    if (t == RdbToken.RESIZE_DB) {
                        DbTally tally = tally(r.db());
                        if (tally.announcedKeys < 0) {
                            tally.announcedKeys = r.resizeDbSize();
                            tally.announcedExpires = r.resizeExpiresSize();
                        }
                    } else if (t == RdbToken.AUX) {
                        auxRecovered.add(r.auxKey().toString());
                    } else if (t == RdbToken.FUNCTION) {
                        functionsRecovered.add(r.functionLibraryName());
                    }
                    visitor.record(t, r);
                    // The replay of a clean file stops after the EOF record: nothing is read after it.
                    if (t == RdbToken.EOF) break;
                }
                if (progress != null && r.offset() >= nextReport) {
                    progress.accept(r.offset());
                    nextReport = r.offset() + (4 << 20);
                }
            }
        }
        if (progress != null) progress.accept(size);
        Scan scan = new Scan(ctx, null, false, true, proof.checksum());
        SalvageReport report = new SalvageReport(source, size, ctx.version(), ctx.flavor(), false, recovered, partial, lost, lostKeys,
                partialKeys, List.of(), proof.checksum(), true, expiryUnknown, assumedDbs, doubtfulKeys, unverifiedKeys,
                losses(file.channel(), size, scan));
        visitor.end(report);
        return report;
    }

    // ------------------------------------------------------------------ pass 1: scan

    private record Scan(RdbReader.Context context, String magic, boolean headerDamaged, boolean reachedEof,
                        ChecksumStatus checksum) {
    }

    private ZeroPages zeroPages = ZeroPages.NONE;

    private Scan scan(FileChannel ch, long size) throws IOException {
        Resynchronizer resync = new Resynchronizer(ch, size, source, ledger);
        // The check that ran first gave its verdict on the trailer (its workers folded the CRC64 of
        // every byte): the scan does not fold it again on this one thread.
        boolean checksumProven = proof.checksum() != ChecksumStatus.NOT_REACHED;
        // Where it found a problem, damage will most likely leave the trailer unverifiable: the
        // CRC64 is then computed at the end only if no region was found after all.
        boolean problemFound = proof.validBefore() >= 0 && proof.validBefore() != Long.MAX_VALUE;
        RdbReader reader = checksumProven || problemFound ? RdbReader.openChecksummedElsewhere(file) : RdbReader.open(file);
        if (problemFound) crcFromStart = false;
        RdbReader.Context ctx;
        String magic;
        boolean headerDamaged = false;
        long segStart;
        try {
            reader.next();
            ctx = reader.context();
            magic = reader.magic();
            segStart = 0;
        } catch (RdbFormatException e) {
            reader.close();
            // A version Salvor does not know is not damage: its records may mean anything.
            if (e.reason() == RdbFormatException.Reason.UNSUPPORTED) throw e;
            headerDamaged = true;
            ctx = guessContext(ch);
            magic = null;
            Resynchronizer.Found found;
            if (ctx != null) {
                found = resync.find(1, ctx);
            } else {
                // No version survived: each version admits the value types its servers write, so
                // the one under which intact records are found first is the file's; of several
                // that tie, the oldest (a newer server loads an older version).
                found = null;
                for (int v : GUESSED_VERSIONS) {
                    RdbReader.Context c = new RdbReader.Context(v, RdbFlavor.REDIS, 0);
                    Resynchronizer.Found f = resync.find(1, c);
                    if (f.offset() >= 0 && (found == null || found.offset() < 0 || f.offset() < found.offset())) {
                        found = f;
                        ctx = c;
                    }
                }
                if (ctx == null) {
                    ctx = new RdbReader.Context(9, RdbFlavor.REDIS, 0);
                    found = new Resynchronizer.Found(-1, 0);
                }
            }
            // Only the 9-byte magic damaged: the records after it read cleanly up to where intact
            // records were found, so they are kept too (aux fields, functions, the first keys).
            long resume = found.offset() > MAGIC_LENGTH && readsCleanly(MAGIC_LENGTH, found.offset(), ctx) ? MAGIC_LENGTH : found.offset();
            long end = resume < 0 ? size : resume;
            regions.add(new CorruptRegion(0, end, e.reason().text(), e.detail(), e.offset(), null, null, null, -1, resume < 0));
            regionContexts.add(ctx);
            if (resume < 0) return new Scan(ctx, null, true, false, ChecksumStatus.NOT_REACHED);
            chainProof = prover.proveFrom(resume, ctx);
            reader = RdbReader.resume(file, resume, ctx);
            segStart = resume;
        }
        int segDb = ctx.db();
        // What a reader resumed at the segment's start needs: the header's facts and the hash
        // templates declared before it (a segment after damage knows those read before the damage).
        RdbReader.Context segContext = ctx;
        boolean reachedEof = false;
        ChecksumStatus checksum = ChecksumStatus.NOT_REACHED;
        java.util.ArrayDeque<DamageAttribution.RecentKey> recent = new java.util.ArrayDeque<>();
        // After a region, the database is the one in effect before it until a SELECTDB says otherwise.
        boolean dbAssumed = headerDamaged;
        long assumedKeys = 0;
        long nextReport = 0;
        while (reader != null) {
            try {
                RdbToken t = reader.next();
                if (t == RdbToken.END) {
                    segments.add(new Segment(segStart, reader.offset(), segDb, null, false, segContext));
                    if (dbAssumed && assumedKeys > 0) assumedDbs.add(new SalvageReport.AssumedDb(segStart, reader.offset(), segDb, assumedKeys));
                    break;
                }
                if (!cuts.isEmpty() && t != RdbToken.KEY) {
                    LostBlock c = cutWithin(reader.tokenOffset(), reader.offset());
                    if (c != null) throw new RdbFormatException(RdbFormatException.Reason.MISSING_BYTES, source, c.decompressedAt(), reader.db(), null, cutDetail(c));
                }
                if ((t == RdbToken.SELECT_DB || t == RdbToken.KEY) && keyspaceStart < 0) keyspaceStart = reader.tokenOffset();
                if (t == RdbToken.SELECT_DB && dbAssumed) {
                    if (assumedKeys > 0) assumedDbs.add(new SalvageReport.AssumedDb(segStart, reader.tokenOffset(), segDb, assumedKeys));
                    dbAssumed = false;
                }
                if (t == RdbToken.KEY) {
                    KeyLedger.KeyId id = KeyLedger.KeyId.of(reader.db(), reader.key());
                    if (ledger.contains(id)) {
                        throw new RdbFormatException(RdbFormatException.Reason.DUPLICATE_KEY, source, reader.recordOffset(),
                                reader.db(), reader.key(), "key repeats one already read (a database holds each key once)");
                    }
                    if (reader.compressedBlob() == null && reader.recordOffset() < chainProof.validBefore()) {
                        // Before any damage and before the first problem the check found: the key
                        // is stepped over by its framing unless its bytes reach that problem. Such
                        // a key (or one whose framing fails) is read again from its start and
                        // decoded, so it fails as a full read fails, with the same error.
                        long keyStart = reader.recordOffset();
                        RdbReader.Context keyContext = reader.context();
                        if (!framedWithinProof(reader)) {
                            reader.close();
                            reader = RdbReader.resume(file, keyStart, keyContext);
                            crcFromStart = false;
                            reader.next();
                            decode(reader);
                        }
                    } else {
                        decode(reader);
                    }
                    LostBlock cut = cuts.isEmpty() ? null : cutWithin(reader.recordOffset(), reader.keyRecordEndOffset());
                    if (cut != null) {
                        throw new RdbFormatException(RdbFormatException.Reason.MISSING_BYTES, source, cut.decompressedAt(), reader.db(), reader.key(), cutDetail(cut));
                    }
                    long zero = zeroPages.firstWithin(reader.recordOffset(), reader.keyRecordEndOffset());
                    if (zero >= 0) {
                        throw new RdbFormatException(RdbFormatException.Reason.ZEROED_PAGE, source, zero, reader.db(), reader.key(),
                                "the key's bytes include the all-zero 4 KiB page at " + zero + " of a file whose checksum does not match");
                    }
                    ledger.add(id);
                    recovered++;
                    boolean expiring = reader.expireAtMs() >= 0;
                    DbTally tally = tally(reader.db());
                    tally.recovered++;
                    if (expiring) tally.recoveredExpiring++;
                    if (dbAssumed) assumedKeys++;
                    DamageAttribution.RecentKey rk = new DamageAttribution.RecentKey(id, reader.key(), reader.recordOffset(), reader.keyRecordEndOffset(),
                            reader.db(), expiring, reader.endsUnchecked(), WrittenByServer.key(reader, reader.version()));
                    recent.addLast(rk);
                    if (reader.compressedBlob() != null) blobKeys.add(rk);
                    if (recent.size() > RECENT_KEYS) recent.removeFirst();
                } else if (t == RdbToken.RESIZE_DB) {
                    DbTally tally = tally(reader.db());
                    if (tally.announcedKeys < 0) {
                        tally.announcedKeys = reader.resizeDbSize();
                        tally.announcedExpires = reader.resizeExpiresSize();
                    }
                } else if (t == RdbToken.COMPRESSED_BLOB) {
                    blobKeys.clear();
                } else if (t == RdbToken.AUX) {
                    auxRecovered.add(reader.auxKey().toString());
                } else if (t == RdbToken.FUNCTION) {
                    functionsRecovered.add(reader.functionLibraryName());
                } else if (t == RdbToken.EOF) {
                    reachedEof = true;
                    // Past damage the trailer cannot be verified (below): the file's CRC64 is not
                    // computed again for a verdict that is known.
                    checksum = checksumProven ? proof.checksum()
                            : crcFromStart ? reader.checksumStatus()
                            : !regions.isEmpty() ? ChecksumStatus.UNVERIFIABLE
                            : ChecksumStatus.of(reader.version(), reader.storedChecksum(), ParallelRanges.checksum(file, 0, reader.eofOffset() + 1));
                }
                if (progress != null && reader.offset() >= nextReport) {
                    progress.accept(reader.offset() / 2);
                    nextReport = reader.offset() + (4 << 20);
                }
            } catch (RdbFormatException e) {
                RdbReader failed = reader;
                reader = null;
                if (decodingFrom >= 0) keyBytesDecoded += failed.offset() - decodingFrom;
                decodingFrom = -1;
                // What the check proved holds for the records as read from the chain's start, no further.
                chainProof = CheckProof.NONE;
                long start = failed.recordOffset();
                byte[] lostKey = DamageAttribution.lostKey(e, failed);
                boolean lostPlausible = DamageAttribution.lostByName(e, failed, lostKey);
                int lostDb = failed.db();
                // A read that went across a point where the decompressed input lacks bytes: the
                // failure is the cut's, whatever the parser made of the bytes after it.
                LostBlock cutHere = cuts.isEmpty() ? null : cutWithin(start, Math.max(e.offset(), failed.offset()) + 1);
                if (cutHere != null && e.reason() != RdbFormatException.Reason.MISSING_BYTES) {
                    e = new RdbFormatException(RdbFormatException.Reason.MISSING_BYTES, source, cutHere.decompressedAt(), failed.db(), null, cutDetail(cutHere));
                }
                if (cutHere != null) {
                    // Each cut is one region: the search for records resumes at it and must not stop there again.
                    long at = cutHere.decompressedAt();
                    cuts.removeIf(c -> c.decompressedAt() <= at);
                }
                boolean partialKey = cutHere == null && DamageAttribution.cutAfterElements(e, failed);
                RdbReader.Context here = failed.context();
                failed.close(); // its counters stay valid after a failure
                // Damage in a Dragonfly compressed blob is damage of the whole blob: the keys read
                // from it go with it (named), and reading resumes after it.
                dev.salvor.rdb.CompressedBlob blob = failed.compressedBlob();
                if (blob != null) {
                    for (DamageAttribution.RecentKey k : blobKeys) {
                        if (k.start() != blob.start()) continue;
                        recent.remove(k);
                        unrecover(k);
                        if (dbAssumed) assumedKeys--;
                        if (k.plausible()) lose(k.db(), k.key());
                    }
                }
                blobKeys.clear();
                byte[] before = recent.isEmpty() ? null : recent.peekLast().key();
                // A blob whose frame decompressed began where it was read: the key before it is sound.
                // Bytes before a cut came from intact blocks: the key before it is sound.
                boolean suspectBefore = cutHere == null && !(blob != null && blob.decompressed()) && DamageAttribution.previousKeySuspect(e, failed, start, recent);
                // A cut-off length right after a suspect key: a truncation only when nothing
                // intact follows, in which case the key before it stays.
                Resynchronizer.Found afterFailed = suspectBefore && e.reason() == RdbFormatException.Reason.TRUNCATED
                        ? resync.find(start + 1, here) : null;
                if (suspectBefore && (afterFailed == null || !DamageAttribution.truncation(afterFailed))) {
                    DamageAttribution.Absorbed absorbed = DamageAttribution.absorbed(recent, start, segStart);
                    for (DamageAttribution.RecentKey k : absorbed.keys()) {
                        recent.removeLast();
                        unrecover(k);
                        if (dbAssumed) assumedKeys--;
                        if (lostKey != null && lostPlausible) lose(lostDb, lostKey);
                        start = k.start();
                        lostKey = k.key();
                        lostPlausible = k.plausible();
                        lostDb = k.db();
                        here = here.withDb(k.db());
                        before = recent.isEmpty() ? null : recent.peekLast().key();
                        partialKey = false;
                    }
                    if (absorbed.unverifiedStart() >= 0) unverifiedStarts.add(absorbed.unverifiedStart());
                }
                // The search after the failed record, if one was made and still applies.
                Resynchronizer.Found found = cutHere != null ? resync.find(cutHere.decompressedAt(), here)
                        : afterFailed != null && start == failed.recordOffset() ? afterFailed
                        // An LZ4 frame keeps literal runs as they were: no record is looked for inside one.
                        // A blob ends where its length says, as a string does whatever its bytes hold:
                        // reading goes on there (an LZ4 frame keeps literal runs as they were, so no
                        // record is looked for inside one); should that length be wrong, the record
                        // read there fails in turn and is searched past.
                        : blob != null && start == blob.start() ? new Resynchronizer.Found(blob.end(), here.db()) : resync.find(start + 1, here);
                boolean cutAtTail = DamageAttribution.truncation(found);
                if (start > segStart || partialKey) {
                    segments.add(new Segment(segStart, start, segDb, partialKey ? e : null, cutAtTail, segContext));
                }
                if (dbAssumed && assumedKeys > 0) assumedDbs.add(new SalvageReport.AssumedDb(segStart, start, segDb, assumedKeys));
                if (lostKey != null && lostPlausible && !partialKey) lose(lostDb, lostKey);
                long end = found.offset() < 0 ? size : found.offset();
                for (byte[] d : found.doubtful()) if (doubtfulKeys.size() < MAX_NAMES) doubtfulKeys.add(d);
                regions.add(new CorruptRegion(start, end, e.reason().text(), e.detail(), e.offset(), before, null, lostKey, here.db(), found.offset() < 0));
                regionContexts.add(here);
                recent.clear();
                if (found.offset() >= 0) {
                    segStart = found.offset();
                    segDb = found.db();
                    // A SELECTDB found among the skipped bytes settles it; otherwise it is assumed.
                    dbAssumed = found.db() == here.db();
                    assumedKeys = 0;
                    segContext = here.withDb(segDb);
                    chainProof = prover.proveFrom(segStart, segContext);
                    reader = RdbReader.resume(file, segStart, segContext);
                }
            }
        }
        if (reader != null) reader.close();
        if (!regions.isEmpty() && checksum != ChecksumStatus.NOT_REACHED) checksum = ChecksumStatus.UNVERIFIABLE;
        return new Scan(ctx, magic, headerDamaged, reachedEof, checksum);
    }

    private static final int MAGIC_LENGTH = 9;

    /** Reads the rest of the key at hand in full, with every check. */
    private void decode(RdbReader reader) throws IOException {
        decodingFrom = reader.recordOffset();
        reader.skipValue();
        keyBytesDecoded += reader.keyRecordEndOffset() - decodingFrom;
        decodingFrom = -1;
    }

    /** A run's report and the bytes of key records its scan decoded. */
    record Counted(SalvageReport report, long keyBytesDecoded) {
    }

    /** As {@link #salvage(InputFile, CheckProof, CheckProof.Prover, SalvageVisitor, LongConsumer)}, counting what the scan decoded. */
    static Counted salvageCounted(InputFile file, CheckProof proof, CheckProof.Prover prover, SalvageVisitor visitor) throws IOException {
        RdbSalvager s = new RdbSalvager(file, file.source(), proof, prover, null);
        SalvageReport report = s.run(visitor);
        return new Counted(report, s.keyBytesDecoded);
    }

    /** Steps over the key at hand by its framing; false when that fails or its bytes reach past what the check proved. */
    private boolean framedWithinProof(RdbReader reader) throws IOException {
        try {
            reader.skipValue(RdbReader.Skip.FRAMING);
            return reader.keyRecordEndOffset() <= chainProof.validBefore();
        } catch (RdbFormatException e) {
            return false;
        }
    }

    /**
     * Whether the bytes [from, to) are whole top-level records that read without error and end
     * exactly at {@code to}, with no all-zero page among them.
     */
    private boolean readsCleanly(long from, long to, RdbReader.Context ctx) throws IOException {
        if (zeroPages.firstWithin(from, to) >= 0) return false;
        try (RdbReader r = RdbReader.resume(file, from, ctx)) {
            while (r.offset() < to) {
                RdbToken t = r.next();
                if (t == RdbToken.END || t == RdbToken.EOF) return false;
                if (t == RdbToken.KEY) r.skipValue();
            }
            return r.offset() == to;
        } catch (RdbFormatException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ pass 2: replay

    private SalvageReport replay(Scan scan, SalvageVisitor visitor, FileChannel ch, long size) throws IOException {
        visitor.start(scan.context(), scan.magic(), scan.headerDamaged());
        Doubted doubted = new Doubted(visitor);
        for (Segment seg : segments) {
            try (RdbReader r = seg.start() == 0 ? RdbReader.open(file)
                    : RdbReader.resume(file, seg.start(), seg.context().withDb(seg.db()))) {
                if (seg.start() == 0) r.next(); // header
                // Records starting before the segment's end belong to it; the key cut by damage at
                // its end is never walked (its value fails): its intact part is read from the key's
                // start and handed over whole.
                while (true) {
                    if (r.offset() >= seg.end() && !seg.endsInPartialKey()) break;
                    RdbToken t = r.next();
                    if (t == RdbToken.END) break;
                    if (t == RdbToken.KEY) {
                        if (seg.endsInPartialKey() && r.recordOffset() == seg.end()) {
                            keyCut(r, seg, visitor);
                            break;
                        }
                        if (r.recordOffset() >= seg.end()) break;
                        boolean noExpiry = seg.start() > 0 && r.recordOffset() == seg.start() && r.expireAtMs() < 0 && r.compressedBlob() == null;
                        boolean unverified = unverifiedStarts.contains(r.recordOffset());
                        if (noExpiry) tally(r.db()).expiryUnknown++;
                        if (noExpiry && expiryUnknown.size() < MAX_NAMES) expiryUnknown.add(r.key());
                        if (unverified && unverifiedKeys.size() < MAX_NAMES) unverifiedKeys.add(r.key());
                        doubted.expiryUnknown = noExpiry;
                        doubted.tailUnverified = unverified;
                        RdbWalker.key(r, doubted);
                    } else if (r.tokenOffset() >= seg.end()) {
                        break;
                    } else {
                        visitor.record(t, r);
                    }
                    if (progress != null) progress.accept(size / 2 + r.offset() / 2);
                }
            }
        }
        List<CorruptRegion> finalRegions = withFollowingKeys(scan.context());
        for (CorruptRegion region : finalRegions) visitor.damaged(region);
        if (progress != null) progress.accept(size);
        SalvageReport report = new SalvageReport(source, size, scan.context().version(), scan.context().flavor(),
                scan.headerDamaged(), recovered, partial, lost, lostKeys, partialKeys, finalRegions,
                scan.checksum(), scan.reachedEof(), expiryUnknown, assumedDbs, doubtfulKeys, unverifiedKeys,
                losses(ch, size, scan));
        visitor.end(report);
        return report;
    }

    /**
     * Every bound on the losses the file supports: names readable in the damaged bytes, each
     * database's RESIZEDB count against what was recovered, and where a cut-off file ends.
     */
    private SalvageReport.Losses losses(FileChannel ch, long size, Scan scan) throws IOException {
        DamageNames names = new DamageNames(ch, size, source, ledger, new java.util.HashSet<>(namedLost), MAX_NAMES);
        for (int i = 0; i < regions.size(); i++) {
            CorruptRegion r = regions.get(i);
            names.scan(r.start(), r.end(), regionContexts.get(i), keyspaceStart < 0 || r.start() <= keyspaceStart);
        }
        // Redis before 4.0 (RDB 7 is Redis 3.2's) left out keys already expired when saving, yet
        // counted them in RESIZEDB: its count of keys without expiry is exact, the other is not.
        boolean expiredSkipped = scan.context().version() < 8;
        List<SalvageReport.DbCount> dbs = new ArrayList<>();
        long atLeast = 0;
        for (java.util.Map.Entry<Integer, DbTally> e : tallies.entrySet()) {
            DbTally t = e.getValue();
            long lostAtLeast = t.namedLost;
            long expiringLostAtLeast = -1;
            if (t.announcedKeys >= 0) {
                long fromCount = expiredSkipped
                        ? (t.announcedKeys - t.announcedExpires) - (t.recovered - t.recoveredExpiring) - (t.partial - t.partialExpiring)
                        : t.announcedKeys - t.recovered - t.partial;
                lostAtLeast = Math.max(lostAtLeast, fromCount);
                if (!expiredSkipped) {
                    // A recovered key whose expiry may have been lost may still have been an expiring one.
                    expiringLostAtLeast = Math.max(0, t.announcedExpires - t.recoveredExpiring - t.partialExpiring - t.expiryUnknown);
                }
            }
            atLeast += lostAtLeast;
            dbs.add(new SalvageReport.DbCount(e.getKey(), t.announcedKeys, t.announcedExpires, t.recovered, t.recoveredExpiring,
                    t.partial, t.namedLost, t.expiryUnknown, lostAtLeast, expiringLostAtLeast, expiredSkipped && t.announcedKeys >= 0));
        }
        List<SalvageReport.SeenKey> seen = names.keys.stream().map(k -> new SalvageReport.SeenKey(k.db(), k.key(), k.offset())).toList();
        // A damaged start from which no aux field or function could be read: what stood there is unknown.
        long startLostTo = !regions.isEmpty() && regions.get(0).start() == 0 && auxRecovered.isEmpty() && functionsRecovered.isEmpty()
                ? regions.get(0).end() : -1;
        return new SalvageReport.Losses(lost, atLeast, dbs, scan.reachedEof() ? -1 : size, seen, names.limited,
                new SalvageReport.Names(List.copyOf(auxRecovered), List.copyOf(names.aux)),
                new SalvageReport.Names(List.copyOf(functionsRecovered), List.copyOf(names.functions)), startLostTo);
    }

    /**
     * The key at the end of {@code seg}, cut by damage: its intact part, read here from the key's
     * start, when the visitor keeps one; else it is lost.
     */
    private void keyCut(RdbReader r, Segment seg, SalvageVisitor visitor) throws IOException {
        RdbFormatException e = seg.cut();
        // A length running past the end is a truncation only when nothing intact follows.
        RdbFormatException.Reason trusted = seg.cutAtTail() ? e.reason()
                : e.reason() == RdbFormatException.Reason.TRUNCATED ? RdbFormatException.Reason.BAD_LENGTH : e.reason();
        PartialKey kept = visitor.keepsPartialKeys() ? PartialKey.read(file, r.recordOffset(), r.context(), trusted) : null;
        if (kept != null) {
            visitor.partialKey(kept);
            partial++;
            DbTally tally = tally(r.db());
            tally.partial++;
            if (r.expireAtMs() >= 0) tally.partialExpiring++;
            if (partialKeys.size() < MAX_NAMES) partialKeys.add(r.key());
        } else {
            lose(r.db(), r.key());
        }
    }

    /**
     * The visitor as the walker of one recovered key sees it: the key's doubts go to its
     * {@code beginKey}. A visitor that needs no elements gets the value skipped by its framing: the
     * scan decoded it in full already, with every check.
     */
    private static final class Doubted implements RdbVisitor {
        private final SalvageVisitor visitor;
        boolean expiryUnknown;
        boolean tailUnverified;

        Doubted(SalvageVisitor visitor) {
            this.visitor = visitor;
        }

        @Override
        public Value beginKey(KeyHeader key) throws IOException {
            return expiryUnknown || tailUnverified ? visitor.beginKey(key, expiryUnknown, tailUnverified) : visitor.beginKey(key);
        }

        @Override
        public void element(ElementView element) throws IOException {
            visitor.element(element);
        }

        @Override
        public void endKey(KeyHeader key) throws IOException {
            visitor.endKey(key);
        }

        @Override
        public void aborted(Exception error, ReadProgress progress) throws IOException {
            visitor.aborted(error, progress);
        }
    }

    /** Names the first intact key after each region (read from the segment that follows it). */
    private List<CorruptRegion> withFollowingKeys(RdbReader.Context ctx) throws IOException {
        List<CorruptRegion> out = new ArrayList<>(regions.size());
        for (CorruptRegion r : regions) {
            byte[] first = null;
            if (!r.truncation()) {
                for (Segment s : segments) {
                    if (s.start() == r.end()) {
                        first = firstKey(s, ctx);
                        break;
                    }
                }
            }
            out.add(new CorruptRegion(r.start(), r.end(), r.reason(), r.detail(), r.errorOffset(), r.lastGoodKey(), first,
                    r.lostKey(), r.db(), r.truncation()));
        }
        return out;
    }

    private byte[] firstKey(Segment s, RdbReader.Context ctx) throws IOException {
        try (RdbReader r = RdbReader.resume(file, s.start(), s.context().withDb(s.db()))) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END && r.recordOffset() < s.end()) {
                if (t == RdbToken.KEY) return r.key();
            }
        } catch (RdbFormatException e) {
            return null;
        }
        return null;
    }

    /**
     * Whether intact RDB records are found anywhere in {@code file} (a chain confirmed as the
     * salvage scan confirms one), read as any RDB version: what makes a file without a header a
     * damaged RDB rather than something else.
     */
    public static boolean findsRecords(Path file) throws IOException {
        try (InputFile in = InputFile.open(file)) {
            FileChannel ch = in.channel();
            long size = in.size();
            RdbReader.Context guessed = guessContext(ch);
            Resynchronizer resync = new Resynchronizer(ch, size, file.toString(), new KeyLedger());
            if (guessed != null && resync.find(0, guessed).offset() >= 0) return true;
            for (int v : GUESSED_VERSIONS) {
                if (resync.find(0, new RdbReader.Context(v, RdbFlavor.REDIS, 0)).offset() >= 0) return true;
            }
            return false;
        }
    }

    /** The versions a header-less file is tried as, oldest first (Redis 2.6 to 7.4+). */
    private static final int[] GUESSED_VERSIONS = {6, 7, 8, 9, 10, 11, 12};

    /** When the header is unreadable: the version from what digits survive, or null when none do. */
    private static RdbReader.Context guessContext(FileChannel ch) throws IOException {
        byte[] head = new byte[9];
        int n = FileRanges.read(ch, 0, head, 0, head.length);
        String h = new String(head, 0, n, StandardCharsets.ISO_8859_1);
        if (h.startsWith("VALKEY")) return new RdbReader.Context(parseDigits(h, 6, 80), RdbFlavor.VALKEY, 0);
        if (h.length() < 9) return null;
        int version = parseDigits(h, 5, -1);
        if (version < 0) return null;
        return new RdbReader.Context(version, version >= 80 ? RdbFlavor.VALKEY : RdbFlavor.REDIS, 0);
    }

    private static int parseDigits(String h, int from, int fallback) {
        if (h.length() < 9) return fallback;
        String d = h.substring(from, 9);
        for (int i = 0; i < d.length(); i++) {
            if (!Character.isDigit(d.charAt(i))) return fallback;
        }
        int v = Integer.parseInt(d);
        return v == 0 ? fallback : v;
    }
}
