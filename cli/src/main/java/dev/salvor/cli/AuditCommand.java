package dev.salvor.cli;

import dev.salvor.audit.Audit;
import dev.salvor.audit.AuditReport;
import dev.salvor.check.CheckReport;
import dev.salvor.diff.DiffEngine;
import dev.salvor.live.LiveSource;
import dev.salvor.input.InputSource;
import dev.salvor.io.OutputPlan;
import dev.salvor.io.Spool;
import dev.salvor.io.Text;
import dev.salvor.report.AuditHtml;
import dev.salvor.report.AuditJson;
import dev.salvor.salvage.SalvageSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code salvor audit BACKUP --against URL}: proof that a restore holds what the backup held. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Audit a restore: check the backup's health, then compare it with a live server. Verdict PASS or FAIL; "
                + "writes audit.json and a self-contained audit.html (readable offline). Exit 0 PASS, 1 FAIL.")
public final class AuditCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    SalvorCommand root;

    @Parameters(paramLabel = "BACKUP", description = "The RDB backup (may be compressed or archived).")
    String backup;

    @Option(names = "--against", required = true, paramLabel = "URL", description = "The restored server: redis://[user:password@]host:port or rediss://.")
    String against;

    @Option(names = "--sample", paramLabel = "FRACTION", description = "Audit only this fraction of keys (0 < f <= 1), chosen by a hash of the key so both sides agree.")
    double sample = 1.0;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", description = "Where audit.json and audit.html go (default: the current directory).")
    Path outDir = Path.of(".");

    @Option(names = "--ttl-tolerance", paramLabel = "MS", description = "Expiries this close count as equal (default: 2000 ms).")
    long ttlToleranceMs = 2000;

    @Mixin
    PasswordOptions auth;

    @Option(names = "--strict", description = "Count keys the server drops on load (empty collections, keys expired by the time "
            + "the server is read) as differences; by default they are listed as 'dropped on load' and the audit can pass.")
    boolean strict;

    @Option(names = "--force", description = "Replace existing audit files.")
    boolean force;

    @Mixin
    FilterOptions filter;

    @Mixin
    TimeoutOption timeout;

    @Mixin
    TempOptions temp;

    @Mixin
    JsonOption json;

    @Mixin
    ProgressOptions progress;

    @Override
    public Integer call() throws Exception {
        if (!(sample > 0 && sample <= 1)) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--sample must be in (0, 1]");
        if (!dev.salvor.diff.ServerUrl.isServer(against)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--against takes the restored server's URL (redis://host:port or rediss://), not '"
                    + against + "'; to compare two files use salvor diff");
        }
        int onlyDb = filter.urlDatabase(spec.commandLine(), against);
        Spool spool = temp.spool(spec);
        dev.salvor.io.Deadline deadline = timeout.deadline();
        Path jsonFile = outDir.resolve("audit.json");
        Path htmlFile = outDir.resolve("audit.html");
        try (OutputPlan plan = OutputOptions.plans(spec, force)) {
            Path file;
            String name;
            OutputPlan.FileOutput j;
            OutputPlan.FileOutput h;
            try (InputSource src = InputSource.open(backup, root.stdin)) {
                // Both outputs are checked before the long work, and written together at its end.
                plan.input(src).input(auth.passwordFile).input(auth.caCert);
                j = plan.file(jsonFile, "audit report");
                h = plan.file(htmlFile, "audit page");
                plan.open();
                file = src.seekable(spool);
                name = src.name();
                if (dev.salvor.select.FileKind.of(file).aof()) {
                    throw new dev.salvor.io.InputException(backup + ": an AOF file; audit compares an RDB backup");
                }
            }
            AuditReport r;
            try (ProgressBar bar = progress.bar(spec.commandLine().getErr())) {
                r = new Audit(sample, ttlToleranceMs, strict, spool, deadline).run(file, name,
                        new LiveSource(against, auth.password(), auth.caCert).deadline(deadline), filter.filter(onlyDb), onlyDb,
                        SalvorCommand.version(), bar);
            }
            AuditJson.write(j.stream(), r);
            h.stream().write(AuditHtml.page(r).getBytes(StandardCharsets.UTF_8));
            plan.commit();
            PrintWriter out = spec.commandLine().getOut();
            if (json.json) {
                out.println(Files.readString(jsonFile));
            } else {
                printText(out, r, name, jsonFile, htmlFile);
            }
            return r.pass() ? ExitCodes.OK : ExitCodes.FOUND;
        } finally {
            spool.close();
        }
    }

    private static void printText(PrintWriter out, AuditReport r, String name, Path jsonFile, Path htmlFile) {
        CheckReport health = r.health();
        DiffEngine.Report diff = r.diff();
        out.printf("%s: %s%n", r.pass() ? "PASS" : "FAIL", r.verdictLine());
        out.printf("backup %s: %s (%,d keys, checked in %d ms)%n", Text.safe(name), r.healthWords(), health.keys(), r.checkMs());
        if (r.salvage() != null) {
            for (String line : SalvageSummary.lossLines(r.salvage())) out.printf("  %s%n", line);
            out.printf("  the backup side below is what salvage recovered from it (%s)%n", SalvageSummary.recoveredLine(r.salvage()));
        }
        if (r.onlyDb() >= 0) out.printf("only db %d is compared on both sides: the server URL names it%n", r.onlyDb());
        out.printf("compared %,d backup keys with %,d server keys (%d ms + %d ms)%s%n", diff.keysA(), diff.keysB(), diff.millisA(), diff.millisB(),
                r.sample() < 1 ? "; " + r.sampleStatement() : "");
        diff.countsByKind().forEach((k, v) -> out.printf("  %-20s %,d%n", AuditReport.label(k), v));
        for (String n : diff.notices()) out.printf("  notice: %s%n", Text.safe(n));
        out.printf("wrote %s and %s%n", jsonFile, htmlFile);
    }
}
