package dev.salvor.cli;

import dev.salvor.aof.AofLayout;
import dev.salvor.io.OutputPlan;
import dev.salvor.io.OutputStreams;
import dev.salvor.io.InputException;
import dev.salvor.input.InputSource;
import dev.salvor.io.Spool;
import dev.salvor.memory.Allocator;
import dev.salvor.memory.ByteSizes;
import dev.salvor.memory.AofSnapshot;
import dev.salvor.memory.KeyMemory;
import dev.salvor.memory.KeyRecordWriter;
import dev.salvor.memory.KeyText;
import dev.salvor.memory.MemoryAnalyzer;
import dev.salvor.memory.MemoryDiff;
import dev.salvor.memory.MemoryOptions;
import dev.salvor.memory.MemoryReport;
import dev.salvor.memory.MemoryReportHtml;
import dev.salvor.memory.MemoryReportJson;
import dev.salvor.memory.PrefixTree;
import dev.salvor.memory.ServerConfig;
import dev.salvor.memory.ServerFamily;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import java.util.concurrent.Callable;

/** {@code salvor memory FILE}: where the memory went, as the server that loads the file would count it. */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Estimate each key's memory as the server of the file's version accounts it (MEMORY USAGE), "
                + "and report it per database, type, encoding, expiry window and key-name prefix, with the largest keys.",
            "With --diff OLD NEW: which prefixes and keys grew between two snapshots."})
public final class MemoryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    SalvorCommand root;

    @Parameters(paramLabel = "FILE", arity = "1..2", description = "RDB file (may be compressed or archived), - for stdin, or an AOF "
            + "with an RDB preamble (file, appendonlydir or manifest). Two files with --diff.")
    List<String> files;

    @Option(names = "--diff", description = "Compare two snapshots: FILE is OLD, then NEW.")
    boolean diff;

    @Option(names = "--server", paramLabel = "SERVER", description = "Server to model: redis-7.0, redis-7.2, redis-7.4 (also 7.4.x and 8.0 milestones), "
            + "valkey-8.0. Default: the line that wrote the file (its redis-ver / valkey-ver field, else its RDB version).")
    String server;

    @Option(names = "--allocator", paramLabel = "NAME", description = "The server's allocator: jemalloc (default; how Redis and Valkey are built on Linux) "
            + "or libc (a MALLOC=libc build).")
    String allocator = "jemalloc";

    @Option(names = "--server-config", paramLabel = "NAME=VALUE", description = "An encoding threshold of the server that loads the file, as in redis.conf "
            + "(e.g. hash-max-listpack-entries=128 for a server run with the stock redis.conf). Default: the built-in values.")
    List<String> serverConfig = new ArrayList<>();

    @Option(names = "--top", paramLabel = "N", description = "How many of the largest keys (and prefixes) to list (default 20).")
    int top = 20;

    @Option(names = "--separator", paramLabel = "CHARS", description = "Characters that end a key-name prefix (default \":\").")
    String separator = ":";

    @Option(names = "--prefix-depth", paramLabel = "N", description = "How many separators deep prefixes go (default 8).")
    int prefixDepth = 8;

    @Option(names = "--max-prefixes", paramLabel = "N", description = "Prefixes kept at most; smaller ones are folded into their parent (default 100000).")
    int maxPrefixes = 100_000;

    @Option(names = "--keys", description = "Write one record per key (db, key, type, encoding, bytes, elements, largest element, expiry) "
            + "to standard output or -o, as the keys are read.")
    boolean keys;

    @Option(names = "--format", paramLabel = "FORMAT", description = "Format of --keys records: ndjson (default) or csv.")
    String format = "ndjson";

    @Option(names = "--html", paramLabel = "FILE", description = "Also write the report as a self-contained HTML page (treemap of prefixes, charts).")
    Path html;

    @Option(names = "--threads", paramLabel = "N", description = "Estimate on N threads (default: the number of processors, at most 8); "
            + "used for a plain file. The report is the same with any N.")
    int threads = Math.min(8, Runtime.getRuntime().availableProcessors());

    @Option(names = "--salvage", description = "Read a damaged file: estimate what salvage recovers; keys cut by damage are marked partial.")
    boolean salvage;

    @Option(names = "--diff-memory", paramLabel = "SIZE", hidden = true, description = "Memory budget of --diff's key runs (default 64m).")
    String diffMemory = "64m";

    @Mixin
    OutputOptions output;

    @Mixin
    JsonOption json;

    @Mixin
    ProgressOptions progress;

    @Mixin
    TempOptions temp;

    @Override
    public Integer call() throws Exception {
        MemoryOptions options = options();
        if (diff) {
            if (files.size() != 2) throw new ParameterException(spec.commandLine(), "--diff needs two files: OLD NEW");
            if (keys || html != null || output.output != null) throw new ParameterException(spec.commandLine(), "--keys, --html and -o do not go with --diff");
            return diff(options);
        }
        if (files.size() != 1) throw new ParameterException(spec.commandLine(), "one FILE expected (two only with --diff)");
        KeyRecordWriter.Format fmt = switch (format.toLowerCase(Locale.ROOT)) {
            case "ndjson" -> KeyRecordWriter.Format.NDJSON;
            case "csv" -> KeyRecordWriter.Format.CSV;
            default -> throw new ParameterException(spec.commandLine(), "unknown --format '" + format + "' (expected ndjson or csv)");
        };
        if (output.output != null && !keys) throw new ParameterException(spec.commandLine(), "-o is for --keys records (the report goes to standard output; --html FILE for a page)");
        if (html != null && html.toString().equals("-")) throw new ParameterException(spec.commandLine(), "--html needs a file name");
        boolean recordsToStdout = keys && output.toStdout();
        String name = files.get(0);
        try (Spool spool = temp.spool(spec); OutputPlan plan = OutputOptions.plans(spec, output.force)) {
            // every output is checked against the input and each other before anything is written
            declareInput(plan, name);
            OutputPlan.FileOutput keysOut = keys && !recordsToStdout ? plan.file(output.output, "output") : null;
            OutputPlan.FileOutput htmlOut = html != null ? plan.file(html, "report") : null;
            plan.open();
            MemoryReport report;
            if (!keys) {
                report = analyze(name, options, MemoryAnalyzer.NO_SINK, spool);
            } else if (recordsToStdout) {
                try (OutputStream out = OutputStreams.stdout(root.stdout); KeyRecordWriter w = new KeyRecordWriter(fmt, out)) {
                    report = analyze(name, options, w, spool);
                }
            } else {
                try (KeyRecordWriter w = new KeyRecordWriter(fmt, keysOut.stream())) {
                    report = analyze(name, options, w, spool);
                }
            }
            if (htmlOut != null) htmlOut.stream().write(MemoryReportHtml.render(report).getBytes(StandardCharsets.UTF_8));
            plan.commit();
            PrintWriter text = recordsToStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
            if (json.json && !recordsToStdout) printJson(spec.commandLine().getOut(), report);
            else if (recordsToStdout) printOneLine(text, report);
            else print(text, report);
            text.flush();
            boolean damaged = report.salvage() != null ? report.salvage().regions() > 0 || !report.salvage().reachedEof()
                    : report.checksum() == ChecksumStatus.MISMATCH;
            return damaged ? ExitCodes.FOUND : ExitCodes.OK;
        }
    }

    /** The input as the output checks need it: an AOF's every file, an archive or compressed file itself. */
    private static void declareInput(OutputPlan plan, String name) throws IOException {
        Path p = InputSource.file(name);
        if (p == null) return;
        if (Files.exists(p) && AofLayout.isAof(p)) plan.input(p).inputs(AofLayout.of(p).files());
        else plan.input(p);
    }

    private MemoryOptions options() {
        MemoryOptions o = MemoryOptions.defaults();
        try {
            if (server != null) o = o.withFamily(ServerFamily.of(server));
            o = o.withAllocator(Allocator.of(allocator));
            ServerConfig c = ServerConfig.DEFAULTS;
            for (String s : serverConfig) {
                int eq = s.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("--server-config takes NAME=VALUE, not '" + s + "'");
                c = c.with(s.substring(0, eq), s.substring(eq + 1));
            }
            o = o.withConfig(c);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (top < 0) throw new ParameterException(spec.commandLine(), "--top must be 0 or more");
        if (threads < 1) throw new ParameterException(spec.commandLine(), "--threads must be at least 1");
        if (separator.isEmpty()) throw new ParameterException(spec.commandLine(), "--separator needs at least one character");
        if (prefixDepth < 1 || maxPrefixes < 1) throw new ParameterException(spec.commandLine(), "--prefix-depth and --max-prefixes must be at least 1");
        return o.withTop(top).withSeparators(separator.getBytes(StandardCharsets.UTF_8)).withPrefixes(prefixDepth, maxPrefixes);
    }

    /**
     * Reads one input: an AOF's RDB preamble, a damaged file through salvage, or any RDB (plain,
     * compressed, archived, stdin). Temporaries (a piped or compressed input salvage must read at
     * random, the salvaged copy) go to {@code spool}: --temp-dir, within --temp-limit.
     */
    private MemoryReport analyze(String name, MemoryOptions options, MemoryAnalyzer.KeySink sink, Spool spool) throws IOException {
        MemoryAnalyzer analyzer = new MemoryAnalyzer(options);
        if (!name.equals("-") && Files.exists(Path.of(name)) && AofLayout.isAof(Path.of(name))) {
            if (salvage) throw new InputException(name + ": --salvage reads RDB files; for a damaged AOF, run 'salvor repair' first");
            return analyzeAof(Path.of(name), analyzer, sink);
        }
        try (InputSource src = InputSource.open(name, root.stdin)) {
            long mtime = src.file() != null ? Files.getLastModifiedTime(src.file()).toMillis() : -1;
            if (salvage) {
                Path file = src.seekable(spool);
                long total = Files.size(file);
                try (ProgressBar bar = progress.bar(spec.commandLine().getErr(), total)) {
                    MemoryReport r = analyzer.salvage(file, spool, sink, bar);
                    return src.file() != null ? r : r.named(src.name());
                }
            }
            if (threads > 1 && src.file() != null) {
                try (ProgressBar bar = progress.bar(spec.commandLine().getErr(), src.size())) {
                    return analyzer.analyzeParallel(src.file(), threads, sink, bar);
                }
            }
            try (ProgressBar bar = progress.bar(spec.commandLine().getErr(), src.size());
                 RdbReader reader = src.rdbReader()) {
                return analyzer.analyze(reader, src.size(), mtime, sink, bar);
            }
        }
    }

    /** An AOF: its RDB preamble (a single file's head, or a multi-part AOF's base) holds the snapshot; later commands are not replayed. */
    private MemoryReport analyzeAof(Path path, MemoryAnalyzer analyzer, MemoryAnalyzer.KeySink sink) throws IOException {
        AofSnapshot snapshot = AofSnapshot.of(path);
        try (ProgressBar bar = progress.bar(spec.commandLine().getErr(), snapshot.sizeBytes())) {
            return analyzer.analyze(snapshot, sink, bar);
        }
    }

    // ------------------------------------------------------------------ diff

    private int diff(MemoryOptions options) throws Exception {
        long budget = parseSize(diffMemory);
        try (Spool spool = temp.spool(spec);
             MemoryDiff.Side before = new MemoryDiff.Side(spool, budget); MemoryDiff.Side after = new MemoryDiff.Side(spool, budget)) {
            before.finish(analyze(files.get(0), options, before.sink(), spool));
            after.finish(analyze(files.get(1), options, after.sink(), spool));
            MemoryDiff.Result d = MemoryDiff.compare(before, after, top);
            PrintWriter out = spec.commandLine().getOut();
            if (json.json) printDiffJson(out, d);
            else printDiff(out, d);
            out.flush();
            boolean same = d.keysAdded() == 0 && d.keysRemoved() == 0 && d.keysChanged() == 0;
            return same ? ExitCodes.OK : ExitCodes.FOUND;
        }
    }

    private long parseSize(String s) {
        try {
            return SizeConverter.parse(s);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "bad size '" + s + "' (e.g. 64m)");
        }
    }

    private void printDiff(PrintWriter out, MemoryDiff.Result d) {
        MemoryReport a = d.before();
        MemoryReport b = d.after();
        out.printf("old: %s, %,d keys, %s%n", a.source(), a.totals().keys(), ByteSizes.human(a.totals().bytes()));
        out.printf("new: %s, %,d keys, %s (%s)%n", b.source(), b.totals().keys(), ByteSizes.human(b.totals().bytes()), signed(b.totals().bytes() - a.totals().bytes()));
        out.printf("model: %s%s%n", b.model(), a.model().equals(b.model()) ? "" : " (old: " + a.model() + ")");
        out.printf("keys added %,d (%s), removed %,d (%s), changed %,d (%s grown, %s shrunk)%n", d.keysAdded(), ByteSizes.human(d.bytesAdded()),
                d.keysRemoved(), ByteSizes.human(d.bytesRemoved()), d.keysChanged(), ByteSizes.human(d.bytesGrown()), ByteSizes.human(d.bytesShrunk()));
        if (!d.prefixesGrown().isEmpty()) {
            out.println("prefixes that grew:");
            for (MemoryDiff.PrefixChange p : d.prefixesGrown()) printPrefixChange(out, p);
        }
        if (!d.prefixesShrunk().isEmpty()) {
            out.println("prefixes that shrank:");
            for (MemoryDiff.PrefixChange p : d.prefixesShrunk()) printPrefixChange(out, p);
        }
        if (!d.grown().isEmpty()) {
            out.println("keys that grew (new keys count from 0):");
            for (MemoryDiff.KeyChange k : d.grown()) printKeyChange(out, k);
        }
        if (!d.shrunk().isEmpty()) {
            out.println("keys that shrank (removed keys count to 0):");
            for (MemoryDiff.KeyChange k : d.shrunk()) printKeyChange(out, k);
        }
    }

    private static void printPrefixChange(PrintWriter out, MemoryDiff.PrefixChange p) {
        out.printf("  %-32s %10s  %s -> %s, %,d -> %,d keys%s%n", KeyText.display(p.prefix(), 60, false), signed(p.delta()),
                ByteSizes.human(p.oldBytes()), ByteSizes.human(p.newBytes()), p.oldKeys(), p.newKeys(), p.exact() ? "" : " (at least)");
    }

    private static void printKeyChange(PrintWriter out, MemoryDiff.KeyChange k) {
        out.printf("  db%-3d %-40s %-6s %10s  %s -> %s%n", k.db(), KeyText.display(k.key(), 60, false), k.type().wireName(), signed(k.delta()),
                k.oldBytes() < 0 ? "(absent)" : ByteSizes.human(k.oldBytes()), k.newBytes() < 0 ? "(absent)" : ByteSizes.human(k.newBytes()));
    }

    private void printDiffJson(PrintWriter out, MemoryDiff.Result d) throws IOException {
        MemoryReportJson.writeDiff(out, d);
        out.println();
    }

    // ------------------------------------------------------------------ report

    private void printJson(PrintWriter out, MemoryReport r) throws IOException {
        MemoryReportJson.write(out, r, top);
        out.println();
    }

    private static void printOneLine(PrintWriter err, MemoryReport r) {
        err.printf("salvor: %s: %,d keys, %s (%s)%n", r.source(), r.totals().keys(), ByteSizes.human(r.totals().bytes()), r.model());
    }

    private void print(PrintWriter out, MemoryReport r) {
        MemoryReport.Group t = r.totals();
        out.printf("%s: RDB version %d%s%s%n", r.source(), r.rdbVersion(), r.serverVersion() != null ? " (written by " + r.serverVersion() + ")" : "",
                r.sizeBytes() >= 0 ? String.format(Locale.ROOT, ", %,d bytes", r.sizeBytes()) : "");
        out.printf("model:      %s%n", r.model());
        if (r.salvage() != null) {
            MemoryReport.Salvage s = r.salvage();
            out.printf("salvage:    %,d keys recovered, %,d partial, %,d lost; %d damaged region%s (%,d bytes)%s%n", s.keysRecovered(), s.keysPartial(),
                    s.keysLost(), s.regions(), s.regions() == 1 ? "" : "s", s.bytesDamaged(), s.reachedEof() ? "" : "; end of file not reached");
        }
        out.printf("keys:       %,d (%,d with an expiry)%s%n", t.keys(), t.expiring(), r.partialKeys() > 0 ? String.format(Locale.ROOT, ", %,d partial", r.partialKeys()) : "");
        out.printf("memory:     %s as MEMORY USAGE counts it (%,d bytes)%n", ByteSizes.human(t.bytes()), t.bytes());
        out.printf("dataset:    %s of used_memory_dataset; keyspace overhead %s (dict tables, entries and objects the server books apart)%n",
                ByteSizes.human(t.datasetBytes()), ByteSizes.human(r.keyspaceOverhead()));
        out.println("by db:");
        for (MemoryReport.Group g : r.byDb()) groupLine(out, g, t.bytes());
        out.println("by type:");
        for (MemoryReport.Group g : r.byType()) groupLine(out, g, t.bytes());
        out.println("by encoding:");
        for (MemoryReport.Group g : r.byEncoding()) groupLine(out, g, t.bytes());
        out.printf("expiry (relative to %s, %s):%n", r.referenceFrom(), Instant.ofEpochMilli(r.referenceMs()));
        for (MemoryReport.ExpiryBucket b : r.expiry()) {
            if (b.keys() == 0 && !b.name().equals("already expired")) continue;
            out.printf("  %-18s %,10d keys %12s%s%n", b.name(), b.keys(), ByteSizes.human(b.bytes()),
                    b.name().equals("already expired") && b.keys() > 0 ? "  (expiry should have freed this)" : "");
        }
        if (!r.biggestKeys().isEmpty()) {
            out.printf("biggest keys:%n  %-4s %-40s %-7s %-12s %12s %10s %14s%n", "db", "key", "type", "encoding", "bytes", "elements", "largest element");
            for (KeyMemory k : r.biggestKeys()) {
                out.printf("  %-4d %-40s %-7s %-12s %12s %,10d %14s%s%n", k.db(), KeyText.display(k.key(), 38, false), k.type().wireName(), k.encoding(),
                        ByteSizes.human(k.bytes()), k.elements(), ByteSizes.human(k.largestElement()), k.partial() ? " (partial)" : "");
            }
        }
        List<PrefixTree.Node> prefixes = r.prefixes().top(top);
        if (!prefixes.isEmpty()) {
            out.printf("top prefixes (separator %s):%n", quoted(r.separators()));
            for (PrefixTree.Node n : prefixes) {
                out.printf("  %-40s %,10d keys %12s %6.1f%%%s%n", KeyText.display(n.prefix(), 38, false), n.keys(), ByteSizes.human(n.bytes()),
                        100.0 * n.bytes() / Math.max(1, t.bytes()), n.exact() ? "" : " (at least)");
            }
            if (r.prefixes().foldedPrefixes() > 0) {
                out.printf("  (%,d small prefixes folded into their parents to bound memory)%n", r.prefixes().foldedPrefixes());
            }
        }
        for (String n : r.notes()) out.println("note: " + n);
        if (html != null) out.println("wrote " + html);
    }

    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void groupLine(PrintWriter out, MemoryReport.Group g, long total) {
        out.printf("  %-24s %,10d keys %12s %6.1f%%%n", g.name(), g.keys(), ByteSizes.human(g.bytes()), 100.0 * g.bytes() / Math.max(1, total));
    }

    private static String signed(long delta) {
        return (delta >= 0 ? "+" : "-") + ByteSizes.human(Math.abs(delta));
    }

}
