package dev.salvor.cli;

import dev.salvor.check.AofChecker;
import dev.salvor.report.AofRepairJson;
import dev.salvor.format.FileRanges;
import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofManifest;
import dev.salvor.aof.AofSegment;
import dev.salvor.io.OutputPlan;
import dev.salvor.io.OutputStreams;
import dev.salvor.repair.AofRegion;
import dev.salvor.repair.AofRepairReport;
import dev.salvor.repair.AofRepairer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code salvor repair AOF|DIR -o OUT}: every intact command, including those after the damage. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = "Repair a damaged AOF (single file or appendonlydir): keep every intact command, in order, once, "
                + "including all commands after the damage (redis-check-aof --fix throws those away). Writes OUT in the "
                + "same layout (a file, or a directory with a valid manifest), OUT.report.json and a quarantine file (OUT.quarantine) "
                + "with the raw bytes of every skipped range.")
public final class RepairCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    SalvorCommand root;

    @Parameters(paramLabel = "AOF", description = "AOF file, appendonlydir or its manifest.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Repaired AOF file, or directory for an appendonlydir.")
    Path output;

    @Option(names = "--keep-partial-transactions", description = "Keep the intact commands of a transaction that lost a part (default: drop it whole).")
    boolean keepPartial;

    @Option(names = "--until", paramLabel = "TIME", description = "Point in time: stop at the first #TS annotation after TIME (Unix seconds, or ISO-8601 with a zone: 2026-11-22T22:15:58Z).")
    String until;

    @Option(names = "--drop", paramLabel = "CMD", split = ",", description = "Leave out these commands, e.g. FLUSHALL,FLUSHDB to undo an accidental flush.")
    List<String> drop = List.of();

    @Option(names = "--report", paramLabel = "FILE", description = "Repair report (default: OUT.report.json).")
    Path reportFile;

    @Option(names = "--force", description = "Replace existing outputs.")
    boolean force;

    @Mixin
    JsonOption json;

    @Mixin
    ProgressOptions progress;

    @Override
    public Integer call() throws Exception {
        for (String name : drop) {
            String refusal = AofRepairer.dropRefusal(name);
            if (refusal != null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--drop " + name + ": " + refusal);
        }
        long untilMs = until == null ? -1 : parseTime(until);
        AofLayout layout = AofLayout.of(input);
        Path report = reportFile != null ? reportFile : Path.of(output + ".report.json");
        Path quarantine = Path.of(output + ".quarantine");
        AofRepairReport r;
        try (OutputPlan plan = OutputOptions.plans(spec, force)) {
            plan.inputs(AofCommands.inputs(input));
            OutputPlan.DirectoryOutput dir = layout.multiPart() ? plan.directory(output, "output", RepairCommand::notRepairedDirectory) : null;
            OutputPlan.FileOutput file = layout.multiPart() ? null : plan.file(output, "output");
            OutputPlan.FileOutput q = plan.file(quarantine, "quarantine");
            OutputPlan.FileOutput rep = plan.file(report, "report");
            plan.open();
            try (ProgressBar bar = progress.bar(spec.commandLine().getErr())) {
                AofChecker.phase(bar, "repairing", layout);
                if (dir != null) {
                    Path tmp = dir.path();
                    r = new AofRepairer(layout, seg -> Files.newOutputStream(tmp.resolve(seg.name()), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                            keepPartial, untilMs, new HashSet<>(drop)).progress(bar).run();
                    refuseImpossibleUntil(r);
                    Files.write(tmp.resolve(layout.manifestName()), AofManifest.format(layout.segments()));
                } else {
                    r = new AofRepairer(layout, seg -> OutputStreams.unclosable(file.stream()), keepPartial, untilMs, new HashSet<>(drop)).progress(bar).run();
                    refuseImpossibleUntil(r);
                }
            }
            for (AofRegion g : r.regions()) {
                AofSegment seg = layout.segments().stream().filter(s -> s.name().equals(g.segment())).findFirst().orElseThrow();
                copyRange(seg.file(), g.start(), g.end(), q.stream());
            }
            AofRepairJson.write(rep.stream(), r);
            plan.commit();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.json) {
            AofRepairJson.write(out, r);
            out.println();
        } else {
            AofCommands.printCheck(out, r, false);
            AofCommands.printRepair(out, r);
            out.printf("wrote %s, %s, %s%n", output, report, quarantine);
        }
        return r.clean() ? ExitCodes.OK : ExitCodes.FOUND;
    }

    static long parseTime(String s) {
        return PointInTime.millis("--until", s);
    }

    /**
     * Only a directory that {@code repair} could have written is ever replaced: one manifest that
     * reads as one, and nothing but the files it lists.
     */
    static String notRepairedDirectory(Path dir) throws IOException {
        List<Path> entries;
        try (var list = Files.list(dir)) {
            entries = list.toList();
        }
        List<Path> manifests = entries.stream().filter(p -> p.getFileName().toString().endsWith(".manifest")).toList();
        if (manifests.size() != 1) return manifests.isEmpty() ? "it holds no manifest" : "it holds several manifests";
        if (!Files.isRegularFile(manifests.get(0), LinkOption.NOFOLLOW_LINKS)) return "its manifest is not a regular file";
        dev.salvor.aof.AofManifest m;
        try {
            m = dev.salvor.aof.AofManifest.read(manifests.get(0));
        } catch (IOException e) {
            return "its manifest does not read as one";
        }
        if (!m.problems().isEmpty()) return "its manifest is not one the server accepts";
        Set<String> listed = new HashSet<>();
        for (AofSegment s : m.segments()) listed.add(s.name());
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (p.equals(manifests.get(0))) continue;
            if (!listed.contains(name)) return "it holds " + name + ", which its manifest does not list";
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) return name + " is not a regular file";
        }
        return null;
    }

    /**
     * A cut that cannot do what was asked is a usage error, and nothing is written: without any
     * {@code #TS:} annotation there is no time to cut at, and a TIME before everything the AOF
     * holds would leave it empty (redis-check-aof --truncate-to-timestamp aborts there too).
     */
    private void refuseImpossibleUntil(AofRepairReport r) {
        AofRepairReport.Until u = r.until();
        if (u == null) return;
        String problem = null;
        if (u.timestamps() == 0) {
            problem = "the AOF holds no #TS: annotation, so there is no time to cut at: the server writes them only with "
                    + "aof-timestamp-enabled yes (Redis 7.0+, off by default); --drop can still leave out commands by name";
        } else if (u.baseCtimeMs() > u.untilMs()) {
            problem = String.format(Locale.ROOT, "the RDB %s was written at %s, after %s: the AOF holds no state as early as that",
                    r.multiPart() ? "base" : "preamble", Instant.ofEpochMilli(u.baseCtimeMs()), Instant.ofEpochMilli(u.untilMs()));
        } else if (u.stopped() && u.keptBefore() == 0) {
            problem = String.format(Locale.ROOT, "the cut falls at the #TS: annotation of %s (byte offset %d of %s), and nothing before it would be kept"
                    + (u.firstTimestampMs() == u.stopTimestampMs() ? " (it is the first annotation: the AOF holds nothing as early as that)" : ""),
                    Instant.ofEpochMilli(u.stopTimestampMs()), u.stopOffset(), u.stopSegment());
        }
        if (problem != null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--until " + until + ": " + problem);
    }

    private static void copyRange(Path file, long start, long end, OutputStream out) throws IOException {
        try (FileChannel ch = AofSegment.open(file)) {
            FileRanges.copy(ch, start, end, out);
        }
    }
}
