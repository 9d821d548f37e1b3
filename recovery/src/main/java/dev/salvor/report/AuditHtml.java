package dev.salvor.report;

import dev.salvor.audit.AuditReport;
import dev.salvor.check.CheckReport;
import dev.salvor.check.Problem;
import dev.salvor.diff.DiffEngine;
import dev.salvor.diff.Difference;
import dev.salvor.rdb.StringRef;
import dev.salvor.salvage.SalvageReport;
import dev.salvor.salvage.SalvageSummary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code audit.html}: an audit report as a self-contained page, readable offline. */
public final class AuditHtml {
    private AuditHtml() {
    }

    /** The page of an audit report: verdict, backup, server, damage and losses, differences by database, type and kind, a sample. */
    public static String page(AuditReport r) {
        boolean pass = r.pass();
        CheckReport health = r.health();
        long checkMs = r.checkMs();
        DiffEngine.Report d = r.diff();
        SalvageReport salvage = r.salvage();
        StringBuilder h = new StringBuilder();
        h.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Salvor audit</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:2em;color:#222}h1 span{padding:.1em .5em;border-radius:4px;color:#fff}")
                .append(".pass{background:#2a7}.fail{background:#c33}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}")
                .append("code{background:#f4f4f4}</style></head><body>");
        h.append("<h1>Restore audit: <span class=\"").append(pass ? "pass\">PASS" : "fail\">FAIL").append("</span></h1>");
        h.append("<p>").append(esc(HumanTime.millis(r.generatedAt().toEpochMilli()))).append(", salvor ").append(esc(r.salvorVersion())).append("</p>");
        h.append("<p>").append(esc(r.verdictLine())).append("</p>");
        h.append("<table><tr><th>backup</th><td><code>").append(esc(d.a())).append("</code>, ").append(health.keys()).append(" keys, ")
                .append(esc(r.healthWords())).append(", checked in ").append(checkMs).append(" ms, read in ")
                .append(d.millisA()).append(" ms</td></tr><tr><th>server</th><td><code>").append(esc(d.b())).append("</code>, ").append(d.keysB())
                .append(" keys, read in ").append(d.millisB()).append(" ms</td></tr>");
        if (r.sample() < 1) h.append("<tr><th>sample</th><td>").append(esc(r.sampleStatement())).append("</td></tr>");
        h.append("</table>");
        for (Problem p : health.problems()) h.append("<p>backup problem: <code>").append(esc(p.describe())).append("</code></p>");
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
        if (!d.notices().isEmpty()) {
            h.append("<h2>Notices</h2><ul>");
            for (String n : d.notices()) h.append("<li>").append(esc(n)).append("</li>");
            h.append("</ul>");
        }
        h.append("<h2>Differences by kind</h2><table>");
        d.countsByKind().forEach((k, v) -> h.append("<tr><td>").append(esc(AuditReport.label(k))).append("</td><td>").append(v).append("</td></tr>"));
        h.append("</table><h2>Sample differences</h2><table><tr><th>kind</th><th>db</th><th>key</th><th>detail</th></tr>");
        for (Difference x : d.differences().first(AuditReport.SAMPLES)) {
            h.append("<tr><td>").append(esc(AuditReport.label(x.kind().name().toLowerCase(Locale.ROOT)))).append("</td><td>").append(x.db()).append("</td><td><code>")
                    .append(esc(StringRef.printable(x.key(), 0, x.key().length, 80))).append("</code></td><td>")
                    .append(esc(detail(x))).append("</td></tr>");
        }
        h.append("</table></body></html>\n");
        return h.toString();
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

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
