package dev.salvor.cli;

import dev.salvor.export.AofExporter;
import dev.salvor.export.ExportFormat;
import dev.salvor.io.Text;
import dev.salvor.export.ExportSummary;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.io.OutputPlan;
import dev.salvor.io.OutputStreams;
import dev.salvor.input.InputSource;
import dev.salvor.io.Spool;
import dev.salvor.rdb.RdbReader;
import dev.salvor.salvage.ExportingVisitor;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.SalvageReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.Locale;

/** {@code salvor export FILE}: the keys as JSON, one object per key. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export keys as NDJSON (one object per key: db, key, type, expire_at_ms, value) or as one JSON array.")
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    SalvorCommand root;

    @Mixin
    InputFile input;

    @Option(names = "--format", paramLabel = "FORMAT", description = "ndjson (default), json, or dumps (a DUMP payload set: db, key, expire_at_ms, dump in base64).",
            converter = FormatConverter.class)
    ExportFormat format = ExportFormat.NDJSON;

    @Option(names = "--threads", paramLabel = "N", description = "Decode on N threads (default: the number of processors, at most 8); "
            + "used for NDJSON export of a plain file, in file order. 1 reads on one thread.")
    int threads = Math.min(8, Runtime.getRuntime().availableProcessors());

    @Option(names = "--sorted", description = "Write set, zset and hash elements in canonical order (sorted by bytes, or by score then member).")
    boolean sorted;

    @Option(names = "--salvage", description = "Read past damage: export every intact key, mark cut keys \"partial\": true.")
    boolean salvage;

    @Mixin
    OutputOptions output;

    @Mixin
    TempOptions temp;

    @Mixin
    FilterOptions filter;

    @Mixin
    ProgressOptions progress;

    @Override
    public Integer call() throws Exception {
        if (threads < 1) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1");
        if (input.isAof()) return exportAof();
        Spool spool = temp.spool(spec);
        try (InputSource src = InputSource.open(input.name, root.stdin)) {
            // An AOF piped in, or compressed: read from a temporary copy.
            Path aof = src.seekableAof(spool);
            if (aof != null) checkAofOptions();
            if (output.toStdout()) {
                try (OutputStream out = OutputStreams.stdout(root.stdout)) {
                    return aof != null ? aofVerdict(exportAof(aof, src.name(), out)) : run(src, out, spool);
                }
            }
            try (OutputPlan plan = output.plan(spec)) {
                plan.input(src);
                OutputPlan.FileOutput out = plan.file(output.output, "output");
                plan.open();
                if (aof != null) {
                    AofExporter.Result r = exportAof(aof, src.name(), out.stream());
                    if (r.stoppedAt() == null) plan.commit();
                    return aofVerdict(r);
                }
                int code = run(src, out.stream(), spool);
                src.finish(); // an archive of several files without !member fails here, before the output appears
                plan.commit();
                return code;
            }
        } finally {
            spool.close();
        }
    }

    /**
     * An AOF exports the keys of its RDB preamble or base (key records with their segment), then
     * its commands, one JSON record each; damage is reported on stderr. Without --salvage the
     * export stops at the first damage and writes no output file.
     */
    private int exportAof() throws Exception {
        checkAofOptions();
        AofExporter.Result r;
        if (output.toStdout()) {
            try (OutputStream out = OutputStreams.stdout(root.stdout)) {
                r = exportAof(input.path(), input.name, out);
            }
        } else {
            try (OutputPlan plan = output.plan(spec)) {
                plan.input(input.path()).inputs(dev.salvor.aof.AofLayout.of(input.path()).files());
                OutputPlan.FileOutput out = plan.file(output.output, "output");
                plan.open();
                r = exportAof(input.path(), input.name, out.stream());
                if (r.stoppedAt() == null) plan.commit();
            }
        }
        return aofVerdict(r);
    }

    /** What AOF export cannot do is refused before anything is read. */
    private void checkAofOptions() {
        if (format == ExportFormat.DUMPS) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--format dumps: an AOF holds commands, not values; "
                    + "repair it if needed, load it in a server, SAVE, and export the snapshot as dumps");
        }
        if (filter.filter().selectsTypes()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--type: an AOF's commands have no type "
                    + "(--db and --match select commands by database and by the keys they name)");
        }
    }

    private AofExporter.Result exportAof(Path aof, String name, OutputStream out) throws Exception {
        long sortLimit = sorted ? NdjsonExporter.DEFAULT_SORT_LIMIT : NdjsonExporter.NO_SORT;
        dev.salvor.io.KeyFilter keys = filter.filter();
        try (NdjsonExporter exporter = new NdjsonExporter(out, format, keys, sortLimit)) {
            return AofExporter.export(dev.salvor.aof.AofLayout.of(aof), exporter, keys, salvage);
        }
    }

    private int aofVerdict(AofExporter.Result r) {
        java.io.PrintWriter err = spec.commandLine().getErr();
        for (dev.salvor.repair.AofRegion g : r.regions()) {
            err.printf("salvor: %s: %s at byte offset %d: %s (skipped %,d bytes)%n", Text.safe(g.segment()), g.reason(), g.start(), Text.safe(g.detail()), g.length());
        }
        for (dev.salvor.salvage.SalvageReport s : r.salvagedPreambles()) {
            err.printf("salvor: %s: damaged RDB part salvaged: %,d keys recovered, %,d partial, %,d lost%n", Text.safe(s.source()), s.keysRecovered(),
                    s.keysPartial(), s.keysLost());
        }
        if (r.stoppedAt() != null) {
            AofExporter.Stop s = r.stoppedAt();
            err.printf("salvor: %s: %s at byte offset %d; the export stops here (--salvage exports every intact command after damage)%n",
                    Text.safe(s.segment()), s.what(), s.offset());
        }
        return r.clean() ? ExitCodes.OK : ExitCodes.FOUND;
    }

    private int run(InputSource src, OutputStream out, Spool spool) throws Exception {
        if (format == ExportFormat.DUMPS) {
            dev.salvor.diff.DumpSet.write(src.seekable(spool), filter.filter(), out);
            return ExitCodes.OK;
        }
        if (parallel(src)) {
            try (ProgressBar bar = progress.bar(spec.commandLine().getErr(), src.size())) {
                dev.salvor.export.ParallelExport.Result r = new dev.salvor.export.ParallelExport(src.file(), filter.filter(), threads).run(out, bar);
                out.flush();
                return checksumVerdict(src.file().toString(), r.checksum(), r.storedChecksum(), r.computedChecksum());
            }
        }
        long sortLimit = sorted ? NdjsonExporter.DEFAULT_SORT_LIMIT : NdjsonExporter.NO_SORT;
        try (NdjsonExporter exporter = new NdjsonExporter(out, format, filter.filter(), sortLimit);
             ProgressBar bar = progress.bar(spec.commandLine().getErr(), src.size())) {
            if (salvage) {
                Path file = src.seekable(spool);
                SalvageReport report = RdbSalvager.salvage(file, new ExportingVisitor(exporter), bar);
                spec.commandLine().getErr().printf("salvor: %d damaged region%s%n", report.regions().size(), report.regions().size() == 1 ? "" : "s");
                for (String line : dev.salvor.salvage.SalvageSummary.lines(report)) spec.commandLine().getErr().println("salvor: " + line);
                return report.clean() ? ExitCodes.OK : ExitCodes.FOUND;
            }
            try (RdbReader reader = src.rdbReader()) {
                exportWithProgress(exporter, reader, bar);
                return checksumVerdict(reader.source(), reader.checksumStatus(), reader.storedChecksum(), reader.computedChecksum());
            }
        }
    }

    /** Several threads serve the default export of a plain file; the output is the same either way. */
    private boolean parallel(InputSource src) {
        return threads > 1 && format == ExportFormat.NDJSON && !sorted && !salvage && src.file() != null;
    }

    private int checksumVerdict(String source, dev.salvor.rdb.ChecksumStatus status, long stored, long computed) {
        if (status != dev.salvor.rdb.ChecksumStatus.MISMATCH) return ExitCodes.OK;
        spec.commandLine().getErr().printf("salvor: %s: CRC64 checksum mismatch (stored %016x, computed %016x): "
                + "some value may not be what was written; 'salvor check' locates what it can%n", Text.safe(source), stored, computed);
        return ExitCodes.FOUND;
    }

    private static ExportSummary exportWithProgress(NdjsonExporter exporter, RdbReader reader, ProgressBar bar) throws java.io.IOException {
        return exporter.export(reader, Long.MAX_VALUE, bar == ProgressBar.NONE ? null : bar);
    }

    /** ndjson or json. */
    public static final class FormatConverter implements picocli.CommandLine.ITypeConverter<ExportFormat> {
        @Override
        public ExportFormat convert(String value) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "ndjson" -> ExportFormat.NDJSON;
                case "json" -> ExportFormat.JSON;
                case "dumps" -> ExportFormat.DUMPS;
                default -> throw new picocli.CommandLine.TypeConversionException("unknown format '" + value + "' (expected ndjson, json or dumps)");
            };
        }
    }
}
