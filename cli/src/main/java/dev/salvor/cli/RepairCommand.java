package dev.salvor.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofSegment;
import dev.salvor.io.AtomicOutput;
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
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code salvor repair AOF|DIR -o OUT}: every intact command, including those after the damage. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = "Repair a damaged AOF (single file or appendonlydir): keep every intact command, in order, once, "
                + "including all commands after the damage (redis-check-aof --fix throws those away). Writes OUT in the "
                + "same layout (a file, or a directory with a valid manifest), repair-report.json and a quarantine file "
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

    @Option(names = "--until", paramLabel = "TIME", description = "Point in time: stop at the first #TS annotation after TIME (Unix seconds or ISO-8601).")
    String until;

    @Option(names = "--drop", paramLabel = "CMD", split = ",", description = "Leave out these commands, e.g. FLUSHALL,FLUSHDB to undo an accidental flush.")
    List<String> drop = List.of();

    @Option(names = "--report", paramLabel = "FILE", description = "Repair report (default: repair-report.json beside OUT).")
    Path reportFile;

    @Option(names = "--force", description = "Replace existing outputs.")
    boolean force;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        AofLayout layout = AofLayout.of(input);
        long untilMs = until == null ? -1 : parseTime(until);
        Path outDir = output.toAbsolutePath().getParent();
        Path report = reportFile != null ? reportFile : outDir.resolve("repair-report.json");
        Path quarantine = Path.of(output.toAbsolutePath() + ".quarantine");
        for (AofSegment s : layout.segments()) AtomicOutput.checkNotSameFile(s.file(), layout.multiPart() ? output.resolve(s.name()) : output);
        if (layout.multiPart()) {
            if (Files.exists(output) && !force) throw new dev.salvor.io.InputException(output + ": already exists (use --force to replace it)");
        } else if (Files.exists(output) && !force) {
            throw new dev.salvor.io.InputException(output + ": already exists (use --force to replace it)");
        }
        AofRepairReport r;
        if (layout.multiPart()) {
            if (output.toAbsolutePath().getParent() != null) Files.createDirectories(output.toAbsolutePath().getParent());
            Path tmp = Files.createTempDirectory(output.toAbsolutePath().getParent() == null ? Path.of(".") : output.toAbsolutePath().getParent(), "." + output.getFileName() + ".");
            try {
                r = new AofRepairer(layout, seg -> Files.newOutputStream(tmp.resolve(seg.name())), keepPartial, untilMs, new HashSet<>(drop)).run();
                writeManifest(layout, tmp);
                for (Path p : Files.list(tmp).toList()) try (FileChannel c = FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
                    c.force(true);
                }
                if (Files.exists(output)) deleteTree(output);
                Files.move(tmp, output, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException | RuntimeException e) {
                deleteTree(tmp);
                throw e;
            }
        } else {
            try (AtomicOutput out = AtomicOutput.create(output, force)) {
                r = new AofRepairer(layout, seg -> AtomicOutput.unclosable(out.stream()), keepPartial, untilMs, new HashSet<>(drop)).run();
                out.commit();
            }
        }
        try (AtomicOutput q = AtomicOutput.create(quarantine, force)) {
            for (AofRegion g : r.regions()) {
                Path file = layout.segments().stream().filter(s -> s.name().equals(g.segment())).findFirst().orElseThrow().file();
                copyRange(file, g.start(), g.end(), q.stream());
            }
            q.commit();
        }
        try (AtomicOutput rep = AtomicOutput.create(report, force)) {
            JsonGenerator g = new JsonFactory().createGenerator(rep.stream(), JsonEncoding.UTF8);
            g.useDefaultPrettyPrinter();
            AofCommands.writeReport(g, r);
            g.flush();
            rep.commit();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.json) {
            JsonGenerator g = new JsonFactory().createGenerator(out);
            g.useDefaultPrettyPrinter();
            AofCommands.writeReport(g, r);
            g.flush();
            out.println();
        } else {
            AofCommands.printCheck(out, r, false);
            out.printf("kept %,d of %,d commands (%,d dropped, %,d transactions dropped)%s%n", r.commandsKept(), r.commandsRead(), r.commandsDropped(),
                    r.transactionsDropped(), r.droppedByName().isEmpty() ? "" : "; left out by --drop: " + r.droppedByName());
            out.printf("wrote %s, %s, %s%n", output, report, quarantine);
        }
        return r.clean() ? ExitCodes.OK : ExitCodes.FOUND;
    }

    static long parseTime(String s) {
        try {
            return Long.parseLong(s) * 1000L;
        } catch (NumberFormatException e) {
            return Instant.parse(s).toEpochMilli();
        }
    }

    private static void writeManifest(AofLayout layout, Path dir) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (AofSegment s : layout.segments()) {
            sb.append("file ").append(s.name()).append(" seq ").append(s.seq()).append(" type ")
                    .append(s.kind() == AofSegment.Kind.BASE ? "b" : "i").append('\n');
        }
        Files.writeString(dir.resolve(layout.manifest().path().getFileName().toString()), sb, StandardCharsets.ISO_8859_1);
    }

    private static void copyRange(Path file, long start, long end, OutputStream out) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            byte[] buf = new byte[1 << 16];
            for (long p = start; p < end; ) {
                int n = ch.read(ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, end - p)), p);
                if (n <= 0) break;
                out.write(buf, 0, n);
                p += n;
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
        }
    }
}
