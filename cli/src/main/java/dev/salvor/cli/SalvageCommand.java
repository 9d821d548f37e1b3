package dev.salvor.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.io.OutputPlan;
import dev.salvor.io.InputSource;
import dev.salvor.salvage.CorruptRegion;
import dev.salvor.salvage.ListenerChain;
import dev.salvor.salvage.QuarantineWriter;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.RepairWriter;
import dev.salvor.salvage.SalvageReport;
import dev.salvor.salvage.SalvageReportJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.channels.FileChannel;
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
    JsonOption json;

    @Mixin
    ProgressOptions progress;

    @Override
    public Integer call() throws Exception {
        Path report = reportFile != null ? reportFile : Path.of(output + ".report.json");
        Path quarantine = quarantineFile != null ? quarantineFile : Path.of(output + ".quarantine");
        List<Path> cleanup = new ArrayList<>();
        try (InputSource src = InputSource.open(input, root.stdin);
             OutputPlan plan = OutputOptions.plans(spec, force)) {
            plan.input(src);
            OutputPlan.FileOutput repaired = plan.file(output, "output");
            OutputPlan.FileOutput quar = plan.file(quarantine, "quarantine");
            OutputPlan.FileOutput rep = plan.file(report, "report");
            plan.open();
            Path file = src.seekable(cleanup);
            SalvageReport result;
            RepairWriter writer;
            QuarantineWriter quarantined;
            try (FileChannel in = FileChannel.open(file);
                 ProgressBar bar = progress.bar(spec.commandLine().getErr(), Files.size(file))) {
                writer = new RepairWriter(in, repaired.stream());
                quarantined = new QuarantineWriter(in, quar.stream());
                result = RdbSalvager.salvage(file, new ListenerChain(writer, quarantined), bar);
                SalvageReportJson.write(result, quarantined.entries(), quarantine.toString(), output.toString(), writer.notes(), rep.stream());
                plan.commit();
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json.json) printJson(out, result, report);
            else printText(out, result, report, quarantine);
            return result.clean() ? ExitCodes.OK : ExitCodes.FOUND;
        } finally {
            for (Path p : cleanup) Files.deleteIfExists(p);
        }
    }

    private void printText(PrintWriter out, SalvageReport r, Path report, Path quarantine) {
        out.printf("%s: RDB version %d, %,d bytes%s%n", input, r.version(), r.sizeBytes(), r.headerDamaged() ? " (header damaged; version inferred)" : "");
        for (CorruptRegion c : r.regions()) {
            out.printf("damaged [%d, %d) %,d bytes: %s at offset %d: %s%s%n", c.start(), c.end(), c.length(), c.reason(), c.errorOffset(), c.detail(),
                    c.truncation() ? " (truncated tail)" : "");
        }
        if (r.regions().isEmpty() && !r.clean()) out.println("no damaged region found, but the file is not clean (checksum " + r.checksum().name().toLowerCase(Locale.ROOT) + ")");
        out.printf("recovered %,d keys, %,d partial, %,d lost%n", r.keysRecovered(), r.keysPartial(), r.keysLost());
        if (!r.doubtfulKeys().isEmpty()) {
            out.printf("%,d readable record%s right after damage not trusted: %s as well be a collection's elements (see doubtful_keys; bytes in the quarantine)%n",
                    r.doubtfulKeys().size(), r.doubtfulKeys().size() == 1 ? "" : "s", r.doubtfulKeys().size() == 1 ? "it could" : "they could");
        }
        if (!r.unverifiedKeys().isEmpty()) {
            out.printf("%,d key%s shortly before damage kept but flagged: a wrong length there may have taken bytes not %s own (see unverified_keys)%n",
                    r.unverifiedKeys().size(), r.unverifiedKeys().size() == 1 ? "" : "s", r.unverifiedKeys().size() == 1 ? "its" : "their");
        }
        for (long[] s : stretches(r)) {
            long keys = s[3];
            out.printf("%,d key%s read after damage at [%d, %d)%s %s put in db %d, the database before the damage (a SELECTDB lost in the damage would mean a later one)%n",
                    keys, keys == 1 ? "" : "s", s[0], s[1], s[4] > 0 ? " (across " + (s[4] + 1) + " damaged regions)" : "", keys == 1 ? "is" : "are", s[2]);
        }
        if (!r.expiryUnknownKeys().isEmpty()) {
            out.printf("%,d key%s right after damage ha%s no expiry of its own; one may have been lost (see expiry_unknown_keys)%n",
                    r.expiryUnknownKeys().size(), r.expiryUnknownKeys().size() == 1 ? "" : "s", r.expiryUnknownKeys().size() == 1 ? "s" : "ve");
        }
        out.printf("wrote %s, %s, %s%n", output, report, quarantine);
    }

    /**
     * The assumed-database entries joined into stretches: entries of one database with only a
     * damaged region between them belong to one stretch (no SELECTDB was read to end it). Each is
     * {from, to, db, keys, regions crossed}.
     */
    static List<long[]> stretches(SalvageReport r) {
        List<long[]> out = new ArrayList<>();
        long[] cur = null;
        for (SalvageReport.AssumedDb a : r.assumedDbs()) {
            long prevTo = cur == null ? -1 : cur[1];
            boolean joins = cur != null && cur[2] == a.db() && r.regions().stream().anyMatch(c -> c.start() == prevTo && c.end() == a.from());
            if (joins) {
                cur[1] = a.to();
                cur[3] += a.keys();
                cur[4]++;
            } else {
                cur = new long[] {a.from(), a.to(), a.db(), a.keys(), 0};
                out.add(cur);
            }
        }
        return out;
    }

    private void printJson(PrintWriter out, SalvageReport r, Path report) throws java.io.IOException {
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeStringField("file", input);
        g.writeStringField("repaired_file", output.toString());
        g.writeStringField("report_file", report.toString());
        g.writeNumberField("recovered", r.keysRecovered());
        g.writeNumberField("partial", r.keysPartial());
        g.writeNumberField("lost", r.keysLost());
        g.writeNumberField("expiry_unknown", r.expiryUnknownKeys().size());
        g.writeNumberField("doubtful", r.doubtfulKeys().size());
        g.writeNumberField("unverified", r.unverifiedKeys().size());
        g.writeNumberField("damaged_regions", r.regions().size());
        g.writeNumberField("damaged_bytes", r.bytesDamaged());
        g.writeBooleanField("clean", r.clean());
        g.writeEndObject();
        g.flush();
        out.println();
    }
}
