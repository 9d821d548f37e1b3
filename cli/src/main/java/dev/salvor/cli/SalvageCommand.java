package dev.salvor.cli;

import dev.salvor.format.InputFile;
import dev.salvor.io.LostBlock;
import dev.salvor.io.OutputPlan;
import dev.salvor.io.Text;
import dev.salvor.io.Spool;
import dev.salvor.input.InputSource;
import dev.salvor.check.RdbChecker;
import dev.salvor.salvage.CheckProof;
import dev.salvor.salvage.CorruptRegion;
import dev.salvor.salvage.RdbRepair;
import dev.salvor.salvage.SalvageReport;
import dev.salvor.salvage.SalvageReportJson;
import dev.salvor.salvage.SalvageSummary;
import dev.salvor.io.InputException;
import dev.salvor.select.FileKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.Locale;

/** {@code salvor salvage RDB -o OUT}: every intact key past the damage, in an RDB Redis loads. */
@Command(name = "salvage", mixinStandardHelpOptions = true,
        description = "Recover every intact key of a damaged RDB: writes a repaired RDB (same version, new checksum), "
                + "a salvage report (every damaged region, lost and partial keys) and a quarantine file with the raw bytes "
                + "of every skipped range. The input is never modified.")
public final class SalvageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    SalvorCommand root;

    @Parameters(paramLabel = "RDB", description = "The damaged RDB file (may be compressed or archived).")
    String input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "The repaired RDB file to write.")
    Path output;

    @Option(names = "--report", paramLabel = "FILE", description = "Salvage report (default: OUT.report.json).")
    Path reportFile;

    @Option(names = "--quarantine", paramLabel = "FILE", description = "Raw bytes of the damaged regions (default: OUT.quarantine).")
    Path quarantineFile;

    @Option(names = "--force", description = "Replace existing output files.")
    boolean force;

    @Mixin
    TempOptions temp;

    @Mixin
    JsonOption json;

    @Mixin
    ProgressOptions progress;

    @Override
    public Integer call() throws Exception {
        Path report = reportFile != null ? reportFile : Path.of(output + ".report.json");
        Path quarantine = quarantineFile != null ? quarantineFile : Path.of(output + ".quarantine");
        try (InputSource src = InputSource.openSalvaging(input, root.stdin);
             OutputPlan plan = OutputOptions.plans(spec, force);
             Spool spool = temp.spool(spec)) {
            plan.input(src);
            OutputPlan.FileOutput repaired = plan.file(output, "output");
            OutputPlan.FileOutput quar = plan.file(quarantine, "quarantine");
            OutputPlan.FileOutput rep = plan.file(report, "report");
            plan.open();
            Path file = src.seekable(spool);
            // Neither an RDB nor an AOF, and no record in it: refused (nothing is written).
            if (FileKind.of(file).aof()) {
                throw new InputException(input + ": an AOF file; salvage reads RDB files (salvor repair reads past damage in an AOF)");
            }
            SalvageReport result;
            // A compressed input read past damaged blocks (Valkey's VKCS envelope): each is a cut in the decompressed RDB.
            List<LostBlock> lost = src.lostBlocks();
            List<SalvageReportJson.LostBlockEntry> lostEntries = new ArrayList<>();
            // Opened once: the salvager and the writers that copy its bytes read the same file.
            try (InputFile in = InputFile.open(file);
                 ProgressBar bar = progress.bar(spec.commandLine().getErr(), in.size())) {
                // The parallel full check first: what it proves (all of a clean file) is not decoded
                // again. A file with blocks missing is not proved: the check cannot see the cuts.
                int threads = RdbChecker.defaultThreads();
                CheckProof proof = lost.isEmpty() ? RdbChecker.prove(in, threads, bar) : CheckProof.NONE;
                CheckProof.Prover prover = lost.isEmpty() ? RdbChecker.prover(in, threads) : CheckProof.Prover.NONE;
                RdbRepair repair = RdbRepair.run(in, proof, prover, repaired.stream(), quar.stream(), bar, lost);
                result = repair.report();
                if (result.foundNothing()) {
                    throw new InputException(input + ": no RDB record could be read in it, so nothing was written");
                }
                // The damaged compressed bytes follow the damaged regions in the quarantine.
                long at = repair.quarantineBytes();
                String where = compressedWhere(src);
                for (LostBlock b : lost) {
                    quar.stream().write(b.bytes());
                    lostEntries.add(new SalvageReportJson.LostBlockEntry(b, where, at, b.bytes().length));
                    at += b.bytes().length;
                }
                repair.writeReport(rep.stream(), quarantine.toString(), output.toString(), lostEntries);
                plan.commit();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json.json) printJson(out, result, report, lost.size());
            else printText(out, result, report, quarantine, lostEntries);
            return result.clean() && lost.isEmpty() ? ExitCodes.OK : ExitCodes.FOUND;
        }
    }

    /** What a lost block's compressed offsets count in: the named file itself when the envelope is its outermost layer. */
    private String compressedWhere(InputSource src) {
        List<String> w = src.wrappers();
        int i = w.indexOf("vkcs-lz4");
        if (i == 0) return input;
        return "the vkcs-lz4 stream inside " + String.join(" inside ", w.subList(0, Math.max(i, 0))) + " of " + input;
    }

    private void printText(PrintWriter out, SalvageReport r, Path report, Path quarantine, List<SalvageReportJson.LostBlockEntry> lost) {
        for (SalvageReportJson.LostBlockEntry e : lost) {
            LostBlock b = e.block();
            out.printf("damaged compressed block [%d, %d) %,d bytes of %s: %s; skipped%s, the RDB lacks its bytes at offset %d; kept in the quarantine at offset %d%n",
                    b.compressedStart(), b.compressedEnd(), b.compressedEnd() - b.compressedStart(), Text.safe(e.where()), Text.safe(b.why()),
                    b.toEnd() ? " with the rest of the stream (no intact block follows)" : ", reading went on at the next intact block",
                    b.decompressedAt(), e.quarantineOffset());
            if (e.bytesKept() < b.compressedEnd() - b.compressedStart()) {
                out.printf("    only its first %,d bytes are in the quarantine (at most 64 MiB of one lost range is kept)%n", e.bytesKept());
            }
        }
        out.printf("%s: RDB version %d, %,d bytes%s%n", Text.safe(input), r.version(), r.sizeBytes(), r.headerDamaged() ? " (header damaged; version inferred)" : "");
        for (CorruptRegion c : r.regions()) {
            out.printf("damaged [%d, %d) %,d bytes: %s at offset %d: %s%s%n", c.start(), c.end(), c.length(), c.reason(), c.errorOffset(), Text.safe(c.detail()),
                    c.truncation() ? " (truncated tail)" : "");
        }
        if (r.regions().isEmpty() && !r.clean()) out.println("no damaged region found, but the file is not clean (checksum " + r.checksum().name().toLowerCase(Locale.ROOT) + ")");
        for (String line : SalvageSummary.lines(r)) out.println(line);
        out.printf("wrote %s, %s, %s%n", output, report, quarantine);
    }

    private void printJson(PrintWriter out, SalvageReport r, Path report, int lostBlocks) throws java.io.IOException {
        SalvageReportJson.writeSummary(out, r, input, output.toString(), report.toString(), lostBlocks);
        out.println();
    }
}
