package dev.salvor.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.audit.AuditReport;
import dev.salvor.check.CheckReport;
import dev.salvor.check.Problem;
import dev.salvor.diff.DiffEngine;
import dev.salvor.diff.Difference;
import dev.salvor.diff.KeySample;
import dev.salvor.salvage.SalvageReport;
import dev.salvor.salvage.SalvageReportJson;
import dev.salvor.salvage.SalvageSummary;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;

/** {@code audit.json}: the verdict, the backup's health (and salvage's findings), the comparison with the server. */
public final class AuditJson {
    private static final JsonFactory JSON = new JsonFactory();

    private AuditJson() {
    }

    public static void write(OutputStream os, AuditReport r) throws IOException {
        CheckReport health = r.health();
        DiffEngine.Report d = r.diff();
        SalvageReport salvage = r.salvage();
        JsonGenerator g = JSON.createGenerator(os, JsonEncoding.UTF8);
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeStringField("verdict", r.pass() ? "PASS" : "FAIL");
        g.writeStringField("generated_at", r.generatedAt().toString());
        g.writeStringField("salvor_version", r.salvorVersion());
        g.writeStringField("backup", d.a());
        g.writeStringField("server", d.b());
        if (r.onlyDb() >= 0) g.writeNumberField("only_db", r.onlyDb());
        if (r.sample() < 1) {
            g.writeNumberField("sample_fraction", r.sample());
            g.writeNumberField("sample_backup_keys", r.backupSeen());
            g.writeNumberField("sample_backup_keys_sampled", r.backupSampled());
            g.writeNumberField("sample_share", r.backupSeen() == 0 ? 0 : (double) r.backupSampled() / r.backupSeen());
            g.writeNumberField("sample_detectable_share", KeySample.detectableShare(r.backupSampled()));
            g.writeStringField("sample_statement", r.sampleStatement());
        }
        g.writeObjectFieldStart("backup_health");
        g.writeBooleanField("clean", health.clean());
        g.writeNumberField("keys", health.keys());
        g.writeStringField("checksum", health.checksum().name().toLowerCase(Locale.ROOT));
        g.writeNumberField("millis", r.checkMs());
        g.writeArrayFieldStart("problems");
        for (Problem p : health.problems()) g.writeString(p.describe());
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
        if (!d.notices().isEmpty()) {
            g.writeArrayFieldStart("notices");
            for (String n : d.notices()) g.writeString(n);
            g.writeEndArray();
        }
        g.writeArrayFieldStart("sample_differences");
        for (Difference x : d.differences().first(AuditReport.SAMPLES)) DiffJson.difference(g, x, false);
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
    }
}
