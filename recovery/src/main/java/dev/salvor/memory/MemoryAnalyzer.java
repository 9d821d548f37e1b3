package dev.salvor.memory;

import dev.salvor.format.InputFile;
import dev.salvor.io.Spool;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbFlavor;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RedisType;
import dev.salvor.rdb.walk.ParallelRanges;
import dev.salvor.salvage.PartialKey;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.RepairWriter;
import dev.salvor.salvage.SalvageVisitor;
import dev.salvor.salvage.VisitorChain;
import dev.salvor.salvage.SalvageReport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Reads a snapshot key by key and estimates each key's memory under a {@link MemoryModel}, feeding
 * every estimate to a {@link KeySink} (per-key records) and a {@link MemoryAggregator} (the report).
 * One pass, bounded memory: nothing is kept per key beyond the report's fixed-size groups.
 */
public final class MemoryAnalyzer {
    /** Receives each key's estimate in file order. */
    public interface KeySink {
        void key(KeyMemory k) throws IOException;
    }

    public static final KeySink NO_SINK = k -> { };

    private final MemoryOptions options;

    public MemoryAnalyzer(MemoryOptions options) {
        this.options = options;
    }

    /**
     * Analyzes an intact file or stream. {@code fileTimeMs} (the input's modification time, or -1)
     * stands in for the snapshot time when the file has no ctime field.
     */
    public MemoryReport analyze(RdbReader r, long sizeBytes, long fileTimeMs, KeySink sink, LongConsumer progress) throws IOException {
        return run(r, sizeBytes, fileTimeMs, sink, progress, Set.of(), null, List.of());
    }

    /** Analyzes an AOF's snapshot (its RDB preamble or base), reported under the AOF's name with a note that later commands are not replayed. */
    public MemoryReport analyze(AofSnapshot aof, KeySink sink, LongConsumer progress) throws IOException {
        Path file = aof.base().file();
        try (RdbReader r = RdbReader.open(file)) {
            return run(r, Files.size(file), Files.getLastModifiedTime(file).toMillis(), sink, progress, Set.of(), null, List.of(aof.note()))
                    .named(aof.aof().toString());
        }
    }

    private MemoryReport run(RdbReader r, long sizeBytes, long fileTimeMs, KeySink sink, LongConsumer progress,
                             Set<String> partialKeys, MemoryReport.Salvage salvage, List<String> extraNotes) throws IOException {
        FileFacts facts = new FileFacts();
        KeyEstimator estimator = null;
        MemoryAggregator agg = null;
        long nextProgress = 0;
        RdbToken t;
        while ((t = r.next()) != RdbToken.END) {
            facts.see(r, t);
            if (t == RdbToken.KEY) {
                if (estimator == null) {
                    estimator = new KeyEstimator(facts.model(r));
                    agg = facts.aggregator(fileTimeMs);
                }
                estimator.begin(r);
                while (r.next() == RdbToken.ELEMENT) estimator.element(r);
                KeyMemory k = estimator.finish(false);
                if (!partialKeys.isEmpty() && partialKeys.contains(id(k.db(), k.key()))) {
                    k = new KeyMemory(k.db(), k.key(), k.type(), k.encoding(), k.bytes(), k.datasetBytes(), k.elements(),
                            k.largestElement(), k.expireAtMs(), true);
                }
                agg.add(k);
                sink.key(k);
            }
            if (progress != null && r.offset() >= nextProgress) {
                progress.accept(r.offset());
                nextProgress = r.offset() + (1 << 22);
            }
        }
        MemoryModel m = estimator != null ? estimator.model() : facts.model(r);
        if (agg == null) agg = facts.aggregator(fileTimeMs);
        return facts.report(r.source(), sizeBytes, r.version(), r.flavor(), fileTimeMs, m, agg,
                salvage == null ? r.checksumStatus() : ChecksumStatus.UNVERIFIABLE, salvage, extraNotes);
    }

    /**
     * Analyzes a plain file on {@code threads} threads, with the same result as {@link #analyze}:
     * a planner walks the file's framing and cuts it into ranges of whole records, workers
     * estimate the keys of each range, and the calling thread sums them (and hands them to
     * {@code sink}) in file order.
     */
    public MemoryReport analyzeParallel(Path file, int threads, KeySink sink, LongConsumer progress) throws IOException {
        return analyzeParallel(file, threads, ParallelMemory.RANGE_BYTES, sink, progress);
    }

    MemoryReport analyzeParallel(Path file, int threads, long rangeBytes, KeySink sink, LongConsumer progress) throws IOException {
        return analyzeParallel(file, threads, rangeBytes, ParallelRanges.framingThreads(threads), ParallelRanges.SEGMENT_BYTES, sink, progress);
    }

    /** As {@link #analyzeParallel(Path, int, KeySink, LongConsumer)}, the framing walk on {@code framingThreads} threads in segments of {@code segmentBytes}. */
    MemoryReport analyzeParallel(Path file, int threads, long rangeBytes, int framingThreads, long segmentBytes, KeySink sink, LongConsumer progress) throws IOException {
        FileFacts facts = new FileFacts();
        ParallelMemory.Result r = new ParallelMemory(file, threads, facts, rangeBytes, framingThreads, segmentBytes).run(sink, progress, Files.getLastModifiedTime(file).toMillis());
        return facts.report(file.toString(), Files.size(file), r.version(), r.flavor(), Files.getLastModifiedTime(file).toMillis(),
                r.model(), r.aggregator(), r.checksum(), null, List.of());
    }

    /** What the records around the keys say: server version, snapshot time, functions, module values. */
    final class FileFacts {
        String serverVersion;
        boolean valkey;
        long ctimeMs = -1;
        long functions;
        long modules;

        void see(RdbReader r, RdbToken t) {
            switch (t) {
                case AUX -> {
                    String k = r.auxKey().toString();
                    if (k.equals("redis-ver") && serverVersion == null) serverVersion = r.auxValue().toString();
                    if (k.equals("valkey-ver")) {
                        serverVersion = r.auxValue().toString();
                        valkey = true;
                    }
                    if (k.equals("ctime")) {
                        try {
                            ctimeMs = Long.parseLong(r.auxValue().toString().trim()) * 1000;
                        } catch (NumberFormatException e) {
                            ctimeMs = -1;
                        }
                    }
                }
                case FUNCTION -> functions++;
                case KEY -> {
                    if (r.type() == RedisType.MODULE) modules++;
                }
                default -> {
                    // nothing else says anything about memory
                }
            }
        }

        MemoryModel model(RdbReader r) {
            ServerFamily f = options.family();
            if (f == null) {
                if (serverVersion != null) f = ServerFamily.ofVersion(serverVersion, valkey || r.flavor() == RdbFlavor.VALKEY);
                else f = ServerFamily.ofRdb(r.version(), r.flavor());
            }
            return new MemoryModel(f, options.allocator(), options.config());
        }

        MemoryAggregator aggregator(long fileTimeMs) {
            PrefixTree tree = new PrefixTree(options.separators(), options.prefixDepth(), options.prefixNodes());
            return new MemoryAggregator(reference(ctimeMs, fileTimeMs), ctimeMs >= 0, options.topN(), tree);
        }

        MemoryReport report(String source, long sizeBytes, int version, RdbFlavor flavor, long fileTimeMs, MemoryModel m,
                            MemoryAggregator agg, ChecksumStatus checksum, MemoryReport.Salvage salvage, List<String> extraNotes) {
            List<String> notes = new ArrayList<>(extraNotes);
            if (options.family() == null) {
                notes.add("modelled as " + m.family().label() + ", the server line that wrote the file"
                        + (serverVersion != null ? " (" + (valkey ? "valkey-ver " : "redis-ver ") + serverVersion + ")" : " (RDB version " + version + ")"));
            }
            if (modules > 0) notes.add(modules + " module value(s): a module reports its own memory; they are counted at their serialized size");
            if (functions > 0) notes.add(functions + " function librar" + (functions == 1 ? "y" : "ies") + " (not counted: they are not keys)");
            if (ctimeMs < 0) notes.add("the file has no ctime field: expiries are judged against " + (fileTimeMs >= 0 ? "its modification time" : "the current time"));
            long reference = reference(ctimeMs, fileTimeMs);
            return new MemoryReport(source, sizeBytes, version, serverVersion, ctimeMs, reference,
                    ctimeMs >= 0 ? "ctime" : fileTimeMs >= 0 ? "file mtime" : "now", m.describe(), agg.totals(),
                    agg.keyspaceOverhead(m), agg.byDb(), agg.byType(), agg.byEncoding(), agg.expiry(), agg.biggest(), agg.prefixes(),
                    new String(options.separators(), StandardCharsets.UTF_8), agg.partialKeys(), functions, modules,
                    checksum, salvage, List.copyOf(notes));
        }
    }

    private static long reference(long ctimeMs, long fileTimeMs) {
        if (ctimeMs >= 0) return ctimeMs;
        if (fileTimeMs >= 0) return fileTimeMs;
        return System.currentTimeMillis();
    }

    private static String id(int db, byte[] key) {
        return db + ":" + new String(key, StandardCharsets.ISO_8859_1);
    }

    /**
     * Analyzes a damaged file: the salvager writes a repaired copy (every intact key, the intact
     * part of cut keys) to a temporary file of {@code spool} (counted against its limit), which is
     * then analyzed like any file; keys the salvager kept only in part are marked partial. The
     * copy is deleted after.
     */
    public MemoryReport salvage(Path file, Spool spool, KeySink sink, LongConsumer progress) throws IOException {
        Path repaired = spool.newFile("memory-", ".rdb");
        try {
            PartialRecorder partial = new PartialRecorder();
            SalvageReport report;
            try (InputFile in = InputFile.open(file);
                 OutputStream out = spool.charged(Files.newOutputStream(repaired), "memory --salvage: the salvaged copy " + repaired)) {
                report = RdbSalvager.salvage(in, new VisitorChain(new RepairWriter(in.channel(), out), partial), progress);
            }
            MemoryReport.Salvage s = new MemoryReport.Salvage(report.keysRecovered(), report.keysPartial(), report.keysLost(),
                    report.regions().size(), report.bytesDamaged(), report.reachedEof());
            List<String> notes = new ArrayList<>();
            notes.add("estimated from what salvage recovers: keys cut by damage count for their intact part only (marked partial), "
                    + "lost keys are not counted");
            if (partial.overflow) notes.add("more than " + PartialRecorder.LIMIT + " partial keys: only the first are marked partial");
            try (RdbReader r = RdbReader.open(repaired)) {
                MemoryReport m = run(r, Files.size(file), Files.getLastModifiedTime(file).toMillis(), sink, null, partial.keys, s, notes);
                return new MemoryReport(file.toString(), m.sizeBytes(), m.rdbVersion(), m.serverVersion(), m.ctimeMs(), m.referenceMs(),
                        m.referenceFrom(), m.model(), m.totals(), m.keyspaceOverhead(), m.byDb(), m.byType(), m.byEncoding(), m.expiry(),
                        m.biggestKeys(), m.prefixes(), m.separators(), m.partialKeys(), m.functions(), m.moduleValues(),
                        report.checksum(), s, m.notes());
            }
        } finally {
            spool.delete(repaired);
        }
    }

    /** Notes which keys the salvage run could keep only in part (the repair writer beside it writes them). */
    private static final class PartialRecorder implements SalvageVisitor {
        static final int LIMIT = 1_000_000;
        final Set<String> keys = new HashSet<>();
        boolean overflow;

        @Override
        public boolean keepsPartialKeys() {
            return true;
        }

        @Override
        public void partialKey(PartialKey key) {
            if (key.key() == null) return;
            if (keys.size() < LIMIT) keys.add(id(key.db(), key.key()));
            else overflow = true;
        }
    }
}
