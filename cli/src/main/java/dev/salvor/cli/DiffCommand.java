package dev.salvor.cli;

import dev.salvor.report.DiffJson;
import dev.salvor.diff.DiffCheckpoint;
import dev.salvor.diff.DiffEngine;
import dev.salvor.diff.KeySources;
import dev.salvor.io.Text;
import dev.salvor.diff.Difference;
import dev.salvor.diff.KeySource;
import dev.salvor.live.LiveSource;
import dev.salvor.input.InputSource;
import dev.salvor.io.Spool;
import dev.salvor.rdb.StringRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.Locale;

/** {@code salvor diff A B}: what differs between two backups, or a backup and a live server. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "Compare two sources key by key: RDB files (compressed or archived too) or live servers "
                + "(redis://[user:password@]host:port, rediss:// for TLS). Exit 0 identical, 1 different.")
public final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    SalvorCommand root;

    @Parameters(index = "0", paramLabel = "A", description = "RDB file, DUMP payload set (export --format dumps), or redis:// URL.")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "RDB file, DUMP payload set, or redis:// URL.")
    String b;

    @Option(names = "--ttl-tolerance", paramLabel = "MS", description = "Expiries this close count as equal (default: 2000 ms).")
    long ttlToleranceMs = 2000;

    @Option(names = "--ignore-ttl", description = "Do not compare expiries.")
    boolean ignoreTtl;

    @Option(names = "--strict", description = "Count keys that one side's server drops on load (empty collections, keys expired by the "
            + "time that server is read) as differences; by default they are listed as 'dropped on load' and do not make the sources differ.")
    boolean strict;

    @Option(names = "--via", paramLabel = "METHOD", description = "How to read live servers: dump (SCAN + DUMP, default) or replication "
            + "(one point-in-time snapshot through PSYNC, streamed into the parser).")
    String via = "dump";

    @Option(names = "--max-memory", paramLabel = "SIZE", description = "Keep key fingerprints within SIZE (e.g. 512m, 4g), spilling sorted runs "
            + "to a temporary directory, so any number of keys can be compared (default: side A in memory).", converter = MaxMemoryConverter.class)
    Long maxMemory;

    @Option(names = "--rate-limit", paramLabel = "KEYS_PER_S", description = "Read at most KEYS_PER_S keys a second from each live server "
            + "(all of a cluster's masters together), to keep a diff against production to a known load (default: no limit).")
    Double rateLimit;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "While a live server is read (--via dump), save where the read "
            + "stands to FILE every --checkpoint-every (the keys read so far go to FILE.keys-a or FILE.keys-b beside it), so that an interrupted "
            + "diff can go on with --resume FILE; all of it is removed when the diff completes.")
    java.nio.file.Path checkpoint;

    @Option(names = "--resume", paramLabel = "FILE", description = "Go on with the diff that checkpoint FILE was saved for: the same sources "
            + "(the same unchanged file, the same running server) and options; the keys it had read are not read again, SCAN goes on from "
            + "its saved cursors, and FILE keeps being saved.")
    java.nio.file.Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "DURATION", converter = TimeoutOption.DurationConverter.class,
            description = "How often --checkpoint or --resume saves the checkpoint (default: 30s).")
    java.time.Duration checkpointEvery = java.time.Duration.ofSeconds(30);

    @Mixin
    PasswordOptions auth;

    @Mixin
    FilterOptions filter;

    @Option(names = "--snapshot-wait", paramLabel = "DURATION", converter = TimeoutOption.DurationConverter.class,
            description = "With --via replication: how long the master may take to start sending its snapshot (default: 15m).")
    java.time.Duration snapshotWait = dev.salvor.live.ReplicationSource.DEFAULT_SNAPSHOT_WAIT;

    @Mixin
    TimeoutOption timeout;

    @Mixin
    TempOptions temp;

    @Mixin
    JsonOption json;

    @Mixin
    ProgressOptions progress;

    private dev.salvor.io.Deadline deadline = dev.salvor.io.Deadline.NONE;

    @Override
    public Integer call() throws Exception {
        if (rateLimit != null && !(rateLimit > 0 && !rateLimit.isInfinite())) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rate-limit must be a positive number of keys per second");
        }
        Path ckptPath = checkpoint != null ? checkpoint : resume;
        if (checkpoint != null && resume != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--checkpoint and --resume: give one (a resumed diff goes on saving to the checkpoint it resumed)");
        }
        if (ckptPath != null && !via.equals("dump")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--checkpoint and --resume need --via dump (a replication snapshot cannot be continued)");
        }
        if (ckptPath != null && !dev.salvor.diff.ServerUrl.isServer(a) && !dev.salvor.diff.ServerUrl.isServer(b)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--checkpoint and --resume are for a diff against a live server (redis://...): a file is read again in full anyway");
        }
        Spool spool = temp.spool(spec);
        deadline = timeout.deadline();
        int onlyDb = filter.urlDatabase(spec.commandLine(), a, b);
        try (KeySource sa = open(a, 0, spool); KeySource sb = open(b, 1, spool)) {
            DiffCheckpoint ckpt = ckptPath == null ? null : checkpoint(ckptPath, sa, sb);
            DiffEngine.Report report;
            try (ProgressBar bar = progress.bar(spec.commandLine().getErr())) {
                KeySource ra = ckpt == null ? sa : ckpt.wrap(0, sa), rb = ckpt == null ? sb : ckpt.wrap(1, sb);
                report = new DiffEngine(ttlToleranceMs, ignoreTtl, maxMemory == null ? -1 : maxMemory, spool).strict(strict).deadline(deadline).diff(ra, rb, filter.filter(onlyDb), bar);
            } catch (Exception | Error e) {
                if (ckpt != null) {
                    ckpt.close();
                    spec.commandLine().getErr().println("diff: the checkpoint in " + ckptPath + " is kept: go on with --resume " + ckptPath);
                }
                throw e;
            }
            DiffCheckpoint.Facts facts = ckpt == null ? null : ckpt.facts();
            if (json.json) printJson(report, onlyDb, facts);
            else printText(report, onlyDb, facts);
            if (ckpt != null) ckpt.complete();
            return report.identical() ? ExitCodes.OK : ExitCodes.FOUND;
        } finally {
            spool.close();
        }
    }

    /** The files a side was read from (the compressed file or archive itself), by side; null for a server or stdin. */
    private final Path[] origins = new Path[2];
    private final String[] names = new String[2];

    /** A new checkpoint, or the one to resume, checked against both sources and the options that shape the report. */
    private DiffCheckpoint checkpoint(Path path, KeySource sa, KeySource sb) throws Exception {
        DiffCheckpoint.SideSpec[] sides = new DiffCheckpoint.SideSpec[2];
        KeySource[] sources = {sa, sb};
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            if (sources[i] instanceof dev.salvor.diff.ResumableScan live) {
                sides[i] = new DiffCheckpoint.SideSpec(live.identity(), true);
            } else {
                sides[i] = new DiffCheckpoint.SideSpec(DiffCheckpoint.fileIdentity(origins[i], names[i]), false);
                inputs.add(origins[i]);
            }
        }
        return resume != null
                ? DiffCheckpoint.resume(path, shapingOptions(), sides[0], sides[1], inputs, checkpointEvery)
                : DiffCheckpoint.start(path, shapingOptions(), sides[0], sides[1], inputs, checkpointEvery);
    }

    /**
     * The options that change what the report says, as values (so a default given explicitly is
     * the same): a resume with other ones would join two different diffs. Never a password.
     */
    private String shapingOptions() {
        List<String> parts = new ArrayList<>();
        parts.add("ttl-tolerance=" + ttlToleranceMs);
        parts.add("ignore-ttl=" + ignoreTtl);
        parts.add("strict=" + strict);
        parts.add("via=" + via);
        List<String> filters = new ArrayList<>();
        for (picocli.CommandLine.Model.OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!filterNames.contains(o.longestName())) continue;
            for (String v : o.stringValues()) filters.add(o.longestName().substring(2) + "=" + v);
        }
        java.util.Collections.sort(filters);
        parts.addAll(filters);
        return String.join(" ", parts);
    }

    private static final java.util.Set<String> filterNames = filterOptionNames();

    private static java.util.Set<String> filterOptionNames() {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (picocli.CommandLine.Model.OptionSpec o : picocli.CommandLine.Model.CommandSpec.forAnnotatedObject(new FilterOptions()).options()) {
            names.add(o.longestName());
        }
        return names;
    }

    private KeySource open(String spec, int side, Spool spool) throws Exception {
        // spec here is the source text; this.spec is the command spec
        names[side] = spec;
        if (dev.salvor.diff.ServerUrl.isServer(spec)) {
            return switch (via) {
                case "dump" -> new LiveSource(spec, auth.password(), auth.caCert).deadline(deadline)
                        .rateLimit(rateLimit == null ? dev.salvor.live.RateLimiter.NONE : new dev.salvor.live.RateLimiter(rateLimit));
                case "replication" -> new dev.salvor.live.ReplicationSource(spec, auth.password()).deadline(deadline).snapshotWait(snapshotWait).spool(spool);
                default -> throw new picocli.CommandLine.ParameterException(this.spec.commandLine(), "--via takes dump or replication");
            };
        }
        try (InputSource src = InputSource.open(spec, root.stdin)) {
            origins[side] = src.origin();
            return KeySources.file(src, spool);
        }
    }

    /** Parses --max-memory while the command line is read, so a bad size is a usage error. */
    public static final class MaxMemoryConverter extends SizeConverter {
        @Override
        protected String message(String s) {
            return "--max-memory takes a size such as 512m or 4g, not '" + s + "'";
        }
    }

    private void printText(DiffEngine.Report r, int onlyDb, DiffCheckpoint.Facts facts) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("A: %s (%,d keys, read in %d ms)%nB: %s (%,d keys, read in %d ms)%n", Text.safe(r.a()), r.keysA(), r.millisA(), Text.safe(r.b()), r.keysB(), r.millisB());
        if (onlyDb >= 0) out.printf("only db %d is compared on both sides: the server URL names it%n", onlyDb);
        if (facts != null && facts.resumed()) {
            StringBuilder read = new StringBuilder();
            facts.keysFromCheckpoint().forEach((side, n) -> read.append(read.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,d", n))
                    .append(" keys of ").append(side.toUpperCase(Locale.ROOT)));
            out.printf("resumed from %s (run %d, first started %s): %s read before, not read again%n    %s%n", Text.safe(facts.checkpoint().toString()),
                    facts.run(), facts.firstRunStartedAt(), read, DiffJson.RESUME_NOTE);
        }
        for (Difference d : r.differences()) {
            out.printf("%-19s db%d %s%s%n", d.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), d.db(), StringRef.printable(d.key(), 0, d.key().length, 80),
                    d.kind() == Difference.Kind.TYPE_DIFFERS ? " (" + d.typeA() + " -> " + d.typeB() + ")" : "");
            for (String detail : d.details()) out.printf("    %s%n", Text.safe(detail));
        }
        for (String n : r.notices()) out.printf("notice: %s%n", Text.safe(n));
        if (r.identical()) {
            long dropped = r.countsByKind().getOrDefault("dropped_on_load", 0L);
            out.println(dropped == 0 ? "identical" : "identical but for " + dropped + (dropped == 1 ? " key" : " keys")
                    + " one side's server drops on load (--strict counts them)");
        }
        else {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, Long> e : r.countsByKind().entrySet()) sb.append(sb.length() == 0 ? "" : ", ").append(e.getValue()).append(' ').append(e.getKey().replace('_', ' '));
            if (!r.notices().isEmpty()) sb.append(sb.length() == 0 ? "" : ", ").append(r.notices().size()).append(r.notices().size() == 1 ? " notice" : " notices");
            out.println("different: " + sb);
        }
    }

    private void printJson(DiffEngine.Report r, int onlyDb, DiffCheckpoint.Facts facts) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        DiffJson.write(out, r, onlyDb, facts);
        out.println();
    }
}
