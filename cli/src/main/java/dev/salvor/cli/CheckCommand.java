package dev.salvor.cli;

import dev.salvor.check.AofChecker;
import dev.salvor.report.AofRepairJson;
import dev.salvor.report.CheckJson;
import dev.salvor.check.CheckReport;
import dev.salvor.io.Text;
import dev.salvor.check.Problem;
import dev.salvor.check.RdbChecker;
import dev.salvor.input.InputSource;
import dev.salvor.rdb.RdbReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code salvor check FILE}: full validation; every problem with its byte offset and key. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a file as the server that loads it would: every value decoded with the server's integrity "
                + "rules (encodings, LZF, ziplists/listpacks/intsets, duplicate members, scores, field TTLs, stream groups), "
                + "keys written twice, the checksum. Exit 0 when clean, 1 when damaged.")
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    SalvorCommand root;

    @Mixin
    InputFiles input;

    @Mixin
    JsonOption json;

    @Mixin
    ProgressOptions progress;

    @picocli.CommandLine.Option(names = "--quick",
            description = "Check the framing and the checksum only, not the values' contents (a matching checksum proves the bytes "
                    + "are what was written, not that the server will load them). Damage found is then located by the full check.")
    boolean quick;

    @picocli.CommandLine.Option(names = "--threads", paramLabel = "N",
            description = "Threads that validate values (default: every processor, at most 8).")
    Integer threads;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (input.names.size() > 1) return EachFile.run(input.names, out, json.json, this::outcome);
        Checked c = check(input.names.get(0));
        if (c.aof() != null) {
            AofCommands.printCheck(out, c.aof(), json.json);
            return c.aof().clean() ? ExitCodes.OK : ExitCodes.FOUND;
        }
        if (json.json) printJson(out, c.rdb());
        else printText(out, c.rdb());
        return c.rdb().clean() ? ExitCodes.OK : ExitCodes.FOUND;
    }

    /** One file of several: a line, and its JSON report. */
    private EachFile.Outcome outcome(String name) throws java.io.IOException {
        Checked c = check(name);
        if (c.aof() != null) {
            dev.salvor.repair.AofRepairReport r = c.aof();
            String line = r.clean()
                    ? String.format("%s: clean (%s AOF, %,d commands)", Text.safe(name), r.multiPart() ? "multi-part" : "single-file", r.commandsRead())
                    : String.format("%s: DAMAGED: %d damaged region%s, ok_up_to=%d, first: %s (%s AOF, %,d commands read)", Text.safe(name), r.regions().size(),
                    r.regions().size() == 1 ? "" : "s", r.okUpTo(), r.regions().get(0).reason(), r.multiPart() ? "multi-part" : "single-file", r.commandsRead());
            return new EachFile.Outcome(r.clean(), line, w -> AofRepairJson.write(w, r));
        }
        CheckReport r = c.rdb();
        String line;
        if (r.clean()) {
            line = String.format("%s: clean%s (RDB version %d, %,d keys, checksum %s)", Text.safe(name),
                    r.valuesChecked() ? "" : " framing and checksum (--quick: values not checked)", r.version(), r.keys(), checksumProse(r));
        } else {
            Problem p = r.problems().get(0);
            line = String.format("%s: DAMAGED: %d problem%s, first at offset %d: %s (RDB version %d, %,d keys read)", Text.safe(name), r.problems().size(),
                    r.problems().size() == 1 ? "" : "s", p.offset(), p.reason(), r.version(), r.keys());
        }
        return new EachFile.Outcome(r.clean(), line, w -> CheckJson.write(w, r));
    }

    /** The report of one input: an RDB's, or an AOF's (a file, a directory, or one piped in or compressed). */
    private record Checked(CheckReport rdb, dev.salvor.repair.AofRepairReport aof) {
    }

    private Checked check(String name) throws java.io.IOException {
        if (InputFile.isAof(name)) {
            try (ProgressBar bar = progress.bar(spec.commandLine().getErr())) {
                return new Checked(null, AofChecker.check(Path.of(name), bar));
            }
        }
        java.util.List<Path> cleanup = new java.util.ArrayList<>();
        try (InputSource src = InputSource.openChecking(name, root.stdin);
             ProgressBar bar = progress.bar(spec.commandLine().getErr(), src.size())) {
            Path file = src.file();
            Path aof = Inputs.spooledAof(src, cleanup);
            if (aof != null) {
                // An AOF piped in, or compressed: checked from a temporary copy.
                return new Checked(null, AofChecker.check(aof, bar).withSource(src.name()));
            }
            if (file != null) {
                // A plain file: values validated on several threads, damage located past the first region.
                return new Checked(RdbChecker.checkFile(file, quick ? RdbChecker.Mode.QUICK : RdbChecker.Mode.FULL,
                        threads != null ? Math.max(1, threads) : RdbChecker.defaultThreads(), bar), null);
            }
            try (RdbReader reader = src.rdbReader()) {
                return new Checked(withLostBlocks(RdbChecker.check(reader, bar), src), null);
            }
        } finally {
            for (Path p : cleanup) java.nio.file.Files.deleteIfExists(p);
        }
    }

    /**
     * A compressed input whose damaged blocks were searched past (Valkey's VKCS envelope): each
     * is a problem at its compressed byte offset, first; the RDB was checked up to the first one,
     * where its bytes stop.
     */
    private static CheckReport withLostBlocks(CheckReport r, InputSource src) {
        java.util.List<dev.salvor.io.LostBlock> lost = src.lostBlocks();
        if (lost.isEmpty()) return r;
        java.util.List<Problem> all = new java.util.ArrayList<>();
        for (int i = 0; i < lost.size(); i++) {
            dev.salvor.io.LostBlock b = lost.get(i);
            all.add(new Problem(b.compressedStart(), -1, null, "damaged compressed block",
                    "the VKCS LZ4 block at byte offsets [" + b.compressedStart() + ", " + b.compressedEnd() + ") of the compressed file: " + b.why()
                            + (b.toEnd() ? "; no intact block follows it" : "; the next intact block starts at " + b.compressedEnd())
                            + (i == 0 ? "; the RDB was checked up to offset " + b.decompressedAt() + " of its decompressed bytes, where this block's bytes are missing"
                            + " (salvor salvage reads on past it)" : "")));
        }
        all.addAll(r.problems());
        return new CheckReport(r.source(), r.sizeBytes(), r.version(), r.keys(), r.checksum(), false, r.valuesChecked(), all, r.problemsOmitted());
    }

    private static void printText(PrintWriter out, CheckReport r) {
        out.printf("%s: RDB version %d, %,d keys read, checksum %s%n", Text.safe(r.source()), r.version(), r.keys(), checksumProse(r));
        for (Problem p : r.problems()) out.println(p.describe());
        if (r.problemsOmitted() > 0) out.printf("... and %,d more problems%n", r.problemsOmitted());
        long n = r.problems().size() + r.problemsOmitted();
        out.println(r.clean() ? (r.valuesChecked() ? "clean" : "clean framing and checksum (--quick: values not checked)")
                : n + " problem" + (n == 1 ? "" : "s") + " found"
                + (r.complete() ? "" : "; the file could not be read past the first one (salvor salvage reads on)"));
    }

    /** The checksum verdict as words: "ok", "MISMATCH", "not reached (the read stopped before the end)". */
    static String checksumProse(CheckReport r) {
        return switch (r.checksum()) {
            case OK -> "ok";
            case MISMATCH -> "MISMATCH";
            case DISABLED -> "not written (rdbchecksum no)";
            case ABSENT -> "none (RDB version before 5)";
            default -> "not reached (the read stopped before the end of the file)";
        };
    }

    private static void printJson(PrintWriter out, CheckReport r) throws java.io.IOException {
        CheckJson.write(out, r);
        out.println();
    }
}
