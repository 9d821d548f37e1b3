package dev.salvor.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.check.CheckReport;
import dev.salvor.io.Text;
import dev.salvor.check.Problem;
import dev.salvor.check.RdbChecker;
import dev.salvor.diff.DiffEngine;
import dev.salvor.diff.Difference;
import dev.salvor.diff.KeySource;
import dev.salvor.diff.LiveSource;
import dev.salvor.diff.KeySample;
import dev.salvor.diff.RdbFileSource;
import dev.salvor.diff.SalvagedFileSource;
import dev.salvor.diff.SampledSource;
import dev.salvor.salvage.SalvageReport;
import dev.salvor.salvage.SalvageReportJson;
import dev.salvor.salvage.SalvageSummary;
import dev.salvor.export.KeySelector;
import dev.salvor.io.OutputPlan;
import dev.salvor.io.InputSource;
import dev.salvor.io.Spool;
import dev.salvor.rdb.StringRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.Locale;

/** {@code salvor audit BACKUP --against URL}: proof that a restore holds what the backup held. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Audit a restore: check the backup's health, then compare it with a live server. Verdict PASS or FAIL; "
                + "writes audit.json and a self-contained audit.html (readable offline). Exit 0 PASS, 1 FAIL.")
public final class AuditCommand implements Callable<Integer> {
    private static final int SAMPLES = 50;

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

    /** When the audit ran (in the reports). */
    private final java.time.Instant generatedAt = java.time.Instant.now();
    /** Salvage's report when the backup is damaged (its recovered keys are what is compared), else null. */
    private SalvageReport salvage;
    /** Backup keys the filters selected, and of those the ones sampled. */
    private long backupSeen;
    private long backupSampled;

    /** The database the server URL names (both sides are restricted to it), or -1. */
    private int onlyDb = -1;

    @Override
    public Integer call() throws Exception {
        if (!(sample > 0 && sample <= 1)) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--sample must be in (0, 1]");
        if (!dev.salvor.diff.ServerUrl.isServer(against)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--against takes the restored server's URL (redis://host:port or rediss://), not '"
                    + against + "'; to compare two files use salvor diff");
        }
        onlyDb = filter.urlDatabase(spec.commandLine(), against);
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
            long t0 = System.nanoTime();
            CheckReport health;
            try (ProgressBar bar = progress.bar(spec.commandLine().getErr())) {
                health = RdbChecker.checkFile(file, bar);
            }
            long checkMs = (System.nanoTime() - t0) / 1_000_000;
            KeySelector base = filter.filter(onlyDb);
            KeySample keySample = new KeySample(sample);
            DiffEngine.Report diff;
            // A damaged backup is still compared as far as it can be read: what salvage recovers.
            try (KeySource read = intact(health) ? new RdbFileSource(file, name) : SalvagedFileSource.of(file, name, tempDir(file));
                 SampledSource a = new SampledSource(read, keySample);
                 KeySource b = new SampledSource(new LiveSource(against, auth.password(), auth.caCert).deadline(deadline), keySample)) {
                salvage = read instanceof SalvagedFileSource s ? s.report() : null;
                try (ProgressBar bar = progress.bar(spec.commandLine().getErr())) {
                    diff = new DiffEngine(ttlToleranceMs, false, -1, spool).strict(strict).deadline(deadline).diff(a, b, base, bar);
                }
                backupSeen = a.seen();
                backupSampled = a.sampled();
            }
            // An empty collection in the backup is a key the server drops on load, not damage: the diff
            // counts it apart (dropped on load), and only --strict fails the audit for it.
            boolean pass = (strict ? health.clean() : intact(health)) && diff.identical();
            writeJson(j.stream(), pass, health, checkMs, diff);
            h.stream().write(html(pass, health, checkMs, diff).getBytes(StandardCharsets.UTF_8));
            plan.commit();
            PrintWriter out = spec.commandLine().getOut();
            if (json.json) {
                out.println(Files.readString(jsonFile));
            } else {
                out.printf("%s: %s%n", pass ? "PASS" : "FAIL", verdictLine(health, diff));
                out.printf("backup %s: %s (%,d keys, checked in %d ms)%n", Text.safe(name), healthWords(health), health.keys(), checkMs);
                if (salvage != null) {
                    for (String line : SalvageSummary.lossLines(salvage)) out.printf("  %s%n", line);
                    out.printf("  the backup side below is what salvage recovered from it (%s)%n", SalvageSummary.recoveredLine(salvage));
                }
                if (onlyDb >= 0) out.printf("only db %d is compared on both sides: the server URL names it%n", onlyDb);
                out.printf("compared %,d backup keys with %,d server keys (%d ms + %d ms)%s%n", diff.keysA(), diff.keysB(), diff.millisA(), diff.millisB(),
                        sample < 1 ? "; " + sampleStatement() : "");
                diff.countsByKind().forEach((k, v) -> out.printf("  %-20s %,d%n", label(k), v));
                out.printf("wrote %s and %s%n", jsonFile, htmlFile);
            }
            return pass ? ExitCodes.OK : ExitCodes.FOUND;
        } finally {
            spool.close();
        }
    }

    /** Whether the backup's bytes are intact: no problem but empty collections (which the server drops on load). */
    private static boolean intact(CheckReport health) {
        return health.problems().stream().allMatch(p -> p.reason().equals("empty value"));
    }

    private static String healthWords(CheckReport health) {
        if (health.clean()) return "clean";
        long empty = health.problems().stream().filter(p -> p.reason().equals("empty value")).count();
        if (empty == health.problems().size()) return "intact; " + empty + " empty " + (empty == 1 ? "collection" : "collections") + " the server drops on load";
        return health.problems().size() + " problems";
    }

    /** A kind of difference in an audit's words: the backup is A, the restored server B. */
    static String label(String kind) {
        return switch (kind) {
            case "only_in_a" -> "missing on server";
            case "only_in_b" -> "extra on server";
            case "dropped_on_load" -> "dropped on load";
            default -> kind.replace('_', ' ');
        };
    }

    /** What differs, for the report's table: the type change, readable expiries, the element details. */
    private static String detail(Difference x) {
        List<String> parts = new ArrayList<>();
        if (x.kind() == Difference.Kind.TYPE_DIFFERS) parts.add("type " + x.typeA() + " in the backup, " + x.typeB() + " on the server");
        if (x.kind() == Difference.Kind.ONLY_IN_A && x.expireA() >= 0) parts.add("expires " + HumanTime.millis(x.expireA()));
        if (x.kind() == Difference.Kind.ONLY_IN_B && x.expireB() >= 0) parts.add("expires " + HumanTime.millis(x.expireB()));
        if (x.kind() == Difference.Kind.EXPIRY_DIFFERS) {
            parts.add("expires " + (x.expireA() < 0 ? "never" : HumanTime.millis(x.expireA())) + " in the backup, "
                    + (x.expireB() < 0 ? "never" : HumanTime.millis(x.expireB())) + " on the server");
        } else {
            parts.addAll(x.details());
        }
        return String.join("; ", parts);
    }

    /** Where a damaged backup's salvaged keys are kept during the audit: beside the backup's copy. */
    private static Path tempDir(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent != null && Files.isWritable(parent) ? parent : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** What the sample proves, from the keys really sampled out of those the backup holds. */
    String sampleStatement() {
        return KeySample.statement(backupSampled, backupSeen);
    }

    private String verdictLine(CheckReport health, DiffEngine.Report diff) {
        long n = diff.differences().stream().filter(diff::counted).count();
        long dropped = diff.differences().stream().filter(d -> d.kind() == Difference.Kind.DROPPED_ON_LOAD).count();
        String droppedNote = dropped == 0 || diff.strict() ? ""
                : " (" + dropped + (dropped == 1 ? " key" : " keys") + " of the backup the server drops on load: empty or expired; --strict counts them)";
        if (intact(health)) return (n == 0 ? "the server holds exactly what the backup held" : n + " keys differ") + droppedNote;
        List<String> losses = salvage == null ? List.of() : SalvageSummary.lossLines(salvage);
        return "the backup itself is damaged" + (losses.isEmpty() ? "" : " (" + losses.get(0) + ")")
                + "; of what could be read from it, " + (n == 0 ? "the server holds every key as it was" : n + " keys differ") + droppedNote;
    }

    private void writeJson(OutputStream os, boolean pass, CheckReport health, long checkMs, DiffEngine.Report d) throws Exception {
        JsonGenerator g = new JsonFactory().createGenerator(os, JsonEncoding.UTF8);
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeStringField("verdict", pass ? "PASS" : "FAIL");
        g.writeStringField("generated_at", generatedAt.toString());
        g.writeStringField("salvor_version", SalvorCommand.version());
        g.writeStringField("backup", d.a());
        g.writeStringField("server", d.b());
        if (onlyDb >= 0) g.writeNumberField("only_db", onlyDb);
        if (sample < 1) {
            g.writeNumberField("sample_fraction", sample);
            g.writeNumberField("sample_backup_keys", backupSeen);
            g.writeNumberField("sample_backup_keys_sampled", backupSampled);
            g.writeNumberField("sample_share", backupSeen == 0 ? 0 : (double) backupSampled / backupSeen);
            g.writeNumberField("sample_detectable_share", KeySample.detectableShare(backupSampled));
            g.writeStringField("sample_statement", sampleStatement());
        }
        g.writeObjectFieldStart("backup_health");
        g.writeBooleanField("clean", health.clean());
        g.writeNumberField("keys", health.keys());
        g.writeStringField("checksum", health.checksum().name().toLowerCase(Locale.ROOT));
        g.writeNumberField("millis", checkMs);
        g.writeArrayFieldStart("problems");
        for (Problem p : health.problems()) g.writeString(CheckCommand.text(p));
        g.writeEndArray();
        if (salvage != null) {
            // The damage and every bound on the losses, as salvage reports them; the diff below
            // compares what salvage recovered.
            g.writeObjectFieldStart("salvage");
            g.writeNumberField("recovered", salvage.keysRecovered());
            g.writeNumberField("partial", salvage.keysPartial());
            SalvageReportJson.regions(g, salvage.regions(), null);
            SalvageReportJson.losses(g, salvage.losses());
            g.writeArrayFieldStart("summary");
            for (String line : SalvageSummary.lossLines(salvage)) g.writeString(line);
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeStringField("backup_side", salvage != null ? "salvaged" : "whole");
        g.writeNumberField("keys_backup", d.keysA());
        g.writeNumberField("keys_server", d.keysB());
        g.writeNumberField("millis_backup", d.millisA());
        g.writeNumberField("millis_server", d.millisB());
        DiffJson.counts(g, "differences_by_kind", d.countsByKind());
        DiffJson.counts(g, "differences_by_db_and_type", d.countsByDbAndType());
        g.writeArrayFieldStart("sample_differences");
        for (Difference x : d.differences().first(SAMPLES)) DiffJson.difference(g, x, false);
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
    }

    private String html(boolean pass, CheckReport health, long checkMs, DiffEngine.Report d) {
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Salvor audit</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:2em;color:#222}h1 span{padding:.1em .5em;border-radius:4px;color:#fff}")
                .append(".pass{background:#2a7}.fail{background:#c33}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}")
                .append("code{background:#f4f4f4}</style></head><body>");
        h.append("<h1>Restore audit: <span class=\"").append(pass ? "pass\">PASS" : "fail\">FAIL").append("</span></h1>");
        h.append("<p>").append(esc(HumanTime.millis(generatedAt.toEpochMilli()))).append(", salvor ").append(esc(SalvorCommand.version())).append("</p>");
        h.append("<p>").append(esc(verdictLine(health, d))).append("</p>");
        h.append("<table><tr><th>backup</th><td><code>").append(esc(d.a())).append("</code>, ").append(health.keys()).append(" keys, ")
                .append(esc(healthWords(health))).append(", checked in ").append(checkMs).append(" ms, read in ")
                .append(d.millisA()).append(" ms</td></tr><tr><th>server</th><td><code>").append(esc(d.b())).append("</code>, ").append(d.keysB())
                .append(" keys, read in ").append(d.millisB()).append(" ms</td></tr>");
        if (sample < 1) h.append("<tr><th>sample</th><td>").append(esc(sampleStatement())).append("</td></tr>");
        h.append("</table>");
        for (Problem p : health.problems()) h.append("<p>backup problem: <code>").append(esc(CheckCommand.text(p))).append("</code></p>");
        if (salvage != null) {
            h.append("<h2>Damage and losses</h2><ul>");
            for (String line : SalvageSummary.lossLines(salvage)) h.append("<li>").append(esc(line.strip())).append("</li>");
            h.append("</ul><p>The backup side of the comparison below is what salvage recovered: ").append(esc(SalvageSummary.recoveredLine(salvage)))
                    .append(".</p>");
        }
        h.append("<h2>Differences by database and type</h2>");
        Map<String, Long> counts = d.countsByDbAndType();
        if (counts.isEmpty()) {
            h.append("<p>none</p>");
        } else {
            long max = counts.values().stream().mapToLong(Long::longValue).max().orElse(1);
            int rowH = 22, width = 420;
            h.append("<svg width=\"").append(width + 180).append("\" height=\"").append(counts.size() * rowH + 10).append("\" role=\"img\">");
            int y = 5;
            for (Map.Entry<String, Long> e : counts.entrySet()) {
                long w = Math.max(2, e.getValue() * width / max);
                h.append("<text x=\"0\" y=\"").append(y + 15).append("\">").append(esc(e.getKey())).append("</text>")
                        .append("<rect x=\"120\" y=\"").append(y).append("\" width=\"").append(w).append("\" height=\"").append(rowH - 6).append("\" fill=\"#c33\"/>")
                        .append("<text x=\"").append(125 + w).append("\" y=\"").append(y + 15).append("\">").append(e.getValue()).append("</text>");
                y += rowH;
            }
            h.append("</svg>");
        }
        h.append("<h2>Differences by kind</h2><table>");
        d.countsByKind().forEach((k, v) -> h.append("<tr><td>").append(esc(label(k))).append("</td><td>").append(v).append("</td></tr>"));
        h.append("</table><h2>Sample differences</h2><table><tr><th>kind</th><th>db</th><th>key</th><th>detail</th></tr>");
        for (Difference x : d.differences().first(SAMPLES)) {
            h.append("<tr><td>").append(esc(label(x.kind().name().toLowerCase(Locale.ROOT)))).append("</td><td>").append(x.db()).append("</td><td><code>")
                    .append(esc(StringRef.printable(x.key(), 0, x.key().length, 80))).append("</code></td><td>")
                    .append(esc(detail(x))).append("</td></tr>");
        }
        h.append("</table></body></html>\n");
        return h.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

}
