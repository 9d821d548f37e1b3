package dev.salvor.memory;


import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report as one self-contained HTML page: a treemap of key-name prefixes and bar charts per
 * type, encoding, database and expiry window, drawn as inline SVG (no script, no stylesheet or
 * font from anywhere else), and the largest keys. Readable offline, in any browser.
 */
public final class MemoryReportHtml {
    private static final String[] PALETTE = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
        "#ff9da7", "#9c755f", "#bab0ac"};
    private static final int MAP_W = 960;
    private static final int MAP_H = 480;

    private MemoryReportHtml() {
    }

    public static String render(MemoryReport r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Salvor memory report: ")
                .append(esc(r.source())).append("</title><style>")
                .append("body{font:14px system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#222;max-width:1000px}")
                .append("h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse;margin:8px 0}")
                .append("td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}")
                .append("code{background:#f4f4f4;padding:0 3px}.note{color:#555}svg text{font:12px system-ui,sans-serif}")
                .append(".grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:8px 24px}</style></head><body>");
        h.append("<h1>Memory report</h1><table>");
        row(h, "file", "<code>" + esc(r.source()) + "</code>" + (r.sizeBytes() >= 0 ? " (" + ByteSizes.compact(r.sizeBytes()) + ")" : ""));
        row(h, "written by", esc((r.serverVersion() != null ? r.serverVersion() + ", " : "") + "RDB version " + r.rdbVersion()));
        row(h, "model", esc(r.model()));
        row(h, "keys", String.format(Locale.ROOT, "%,d (%,d with an expiry)", r.totals().keys(), r.totals().expiring()));
        row(h, "memory", esc(ByteSizes.compact(r.totals().bytes()) + " as MEMORY USAGE counts it; " + ByteSizes.compact(r.totals().datasetBytes())
                + " of used_memory_dataset; " + ByteSizes.compact(r.keyspaceOverhead()) + " keyspace overhead"));
        if (r.salvage() != null) {
            MemoryReport.Salvage s = r.salvage();
            row(h, "salvage", esc(String.format(Locale.ROOT, "%,d keys recovered, %,d partial, %,d lost; %d damaged region(s), %s",
                    s.keysRecovered(), s.keysPartial(), s.keysLost(), s.regions(), ByteSizes.compact(s.bytesDamaged()))));
        }
        h.append("</table>");

        h.append("<h2>Where the memory went, by key-name prefix</h2>");
        treemap(h, r);

        h.append("<div class=\"grid\"><div><h2>By type</h2>");
        bars(h, r.byType().stream().map(g -> new Bar(g.name(), g.bytes(), g.keys())).toList(), 0);
        h.append("</div><div><h2>By encoding</h2>");
        bars(h, r.byEncoding().stream().map(g -> new Bar(g.name(), g.bytes(), g.keys())).toList(), 3);
        h.append("</div><div><h2>By database</h2>");
        bars(h, r.byDb().stream().map(g -> new Bar(g.name(), g.bytes(), g.keys())).toList(), 6);
        h.append("</div><div><h2>By expiry (at the snapshot's ").append(esc(r.referenceFrom())).append(")</h2>");
        bars(h, r.expiry().stream().map(b -> new Bar(b.name(), b.bytes(), b.keys())).toList(), 1);
        h.append("</div></div>");

        h.append("<h2>Largest keys</h2><table><tr><th>db</th><th>key</th><th>type</th><th>encoding</th><th>bytes</th><th>elements</th><th>largest element</th></tr>");
        for (KeyMemory k : r.biggestKeys()) {
            h.append("<tr><td class=\"n\">").append(k.db()).append("</td><td><code>").append(esc(KeyText.display(k.key(), 80, true)))
                    .append("</code>").append(k.partial() ? " (partial)" : "").append("</td><td>").append(k.type().wireName()).append("</td><td>")
                    .append(esc(k.encoding())).append("</td><td class=\"n\">").append(ByteSizes.compact(k.bytes())).append("</td><td class=\"n\">")
                    .append(String.format(Locale.ROOT, "%,d", k.elements())).append("</td><td class=\"n\">").append(ByteSizes.compact(k.largestElement())).append("</td></tr>");
        }
        h.append("</table>");
        if (!r.notes().isEmpty()) {
            h.append("<h2>Notes</h2><ul class=\"note\">");
            for (String n : r.notes()) h.append("<li>").append(esc(n)).append("</li>");
            h.append("</ul>");
        }
        h.append("<p class=\"note\">Made by salvor memory. Bytes are estimates of what the modelled server allocates for each key "
                + "(its MEMORY USAGE), including the key name and its dict entry.</p></body></html>\n");
        return h.toString();
    }

    private static void row(StringBuilder h, String name, String html) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>").append(html).append("</td></tr>");
    }

    private record Bar(String name, long bytes, long keys) {
    }

    private static void bars(StringBuilder h, List<Bar> bars, int color) {
        if (bars.isEmpty()) {
            h.append("<p class=\"note\">no keys</p>");
            return;
        }
        long max = Math.max(1, bars.stream().mapToLong(Bar::bytes).max().orElse(1));
        int rowH = 20;
        int label = 140;
        int width = 170;
        int w0 = label + width + 100;
        int h0 = bars.size() * rowH + 4;
        h.append("<svg viewBox=\"0 0 ").append(w0).append(' ').append(h0).append("\" style=\"width:100%;max-width:").append(w0)
                .append("px;height:auto\" role=\"img\">");
        int y = 2;
        for (Bar b : bars) {
            long w = Math.max(1, b.bytes() * width / max);
            h.append("<g><title>").append(esc(b.name() + ": " + ByteSizes.compact(b.bytes()) + ", " + String.format(Locale.ROOT, "%,d", b.keys()) + " keys")).append("</title>")
                    .append("<text x=\"0\" y=\"").append(y + 14).append("\">").append(esc(clip(b.name(), 21))).append("</text>")
                    .append("<rect x=\"").append(label).append("\" y=\"").append(y + 2).append("\" width=\"").append(w).append("\" height=\"").append(rowH - 5)
                    .append("\" fill=\"").append(PALETTE[color % PALETTE.length]).append("\"/>")
                    .append("<text x=\"").append(label + w + 5).append("\" y=\"").append(y + 14).append("\">").append(esc(ByteSizes.compact(b.bytes()))).append("</text></g>");
            y += rowH;
        }
        h.append("</svg>");
    }

    // ------------------------------------------------------------------ treemap

    private record Item(String label, double value, PrefixTree.Node node, int color) {
    }

    private static void treemap(StringBuilder h, MemoryReport r) {
        PrefixTree.Node root = r.prefixes().root();
        if (root.bytes() == 0) {
            h.append("<p class=\"note\">no keys</p>");
            return;
        }
        List<Item> top = items(root, "(keys without a separator)", 24, -1);
        h.append("<svg viewBox=\"0 0 ").append(MAP_W).append(' ').append(MAP_H).append("\" style=\"width:100%;max-width:").append(MAP_W)
                .append("px;height:auto\" role=\"img\" aria-label=\"treemap of key-name prefixes\">");
        List<double[]> rects = squarify(top, 0, 0, MAP_W, MAP_H);
        for (int i = 0; i < top.size(); i++) {
            Item it = top.get(i);
            double[] q = rects.get(i);
            String fill = PALETTE[it.color % PALETTE.length];
            h.append("<g><title>").append(esc(title(it, root))).append("</title>");
            rect(h, q, fill, "#fff", 2);
            h.append("</g>");
            // second level inside the first, leaving room for the label
            if (it.node != null && it.node.children().size() > 0 && q[2] > 60 && q[3] > 44) {
                List<Item> sub = items(it.node, "(rest of " + it.label + ")", 12, it.color);
                List<double[]> inner = squarify(sub, q[0] + 3, q[1] + 18, q[2] - 6, q[3] - 21);
                for (int j = 0; j < sub.size(); j++) {
                    Item s = sub.get(j);
                    double[] p = inner.get(j);
                    h.append("<g><title>").append(esc(title(s, root))).append("</title>");
                    rect(h, p, fill, "rgba(255,255,255,.55)", 1);
                    if (p[2] > 50 && p[3] > 16) label(h, p, s.label, 11);
                    h.append("</g>");
                }
            }
            if (q[2] > 40 && q[3] > 16) label(h, q, it.label + " " + ByteSizes.compact((long) it.value), 12);
        }
        h.append("</svg>");
        if (r.prefixes().foldedPrefixes() > 0) {
            h.append("<p class=\"note\">").append(String.format(Locale.ROOT, "%,d small prefixes were folded into their parents to bound memory.", r.prefixes().foldedPrefixes())).append("</p>");
        }
    }

    private static List<Item> items(PrefixTree.Node node, String restLabel, int max, int color) {
        List<Item> out = new ArrayList<>();
        long shown = 0;
        int i = 0;
        for (PrefixTree.Node c : node.children()) {
            if (i == max || c.bytes() == 0) break;
            out.add(new Item(KeyText.display(c.prefix(), 60, true), c.bytes(), c, color >= 0 ? color : i));
            shown += c.bytes();
            i++;
        }
        long rest = node.bytes() - shown;
        if (rest > 0) out.add(new Item(restLabel, rest, null, color >= 0 ? color : PALETTE.length - 1));
        out.sort((a, b) -> Double.compare(b.value, a.value));
        return out;
    }

    private static String title(Item it, PrefixTree.Node root) {
        String share = String.format(Locale.ROOT, "%.1f%%", 100.0 * it.value / Math.max(1, root.bytes()));
        if (it.node == null) return it.label + ": " + ByteSizes.compact((long) it.value) + " (" + share + ")";
        return it.label + "*: " + ByteSizes.compact(it.node.bytes()) + " in " + String.format(Locale.ROOT, "%,d", it.node.keys()) + " keys (" + share + ")"
                + (it.node.exact() ? "" : ", at least");
    }

    private static void rect(StringBuilder h, double[] q, String fill, String stroke, int sw) {
        h.append("<rect x=\"").append(f(q[0])).append("\" y=\"").append(f(q[1])).append("\" width=\"").append(f(Math.max(0, q[2])))
                .append("\" height=\"").append(f(Math.max(0, q[3]))).append("\" fill=\"").append(fill).append("\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"").append(sw).append("\"/>");
    }

    private static void label(StringBuilder h, double[] q, String text, int size) {
        int chars = (int) Math.max(3, (q[2] - 8) / (size * 0.6));
        h.append("<text x=\"").append(f(q[0] + 4)).append("\" y=\"").append(f(q[1] + size + 2)).append("\" fill=\"#fff\" style=\"font-size:")
                .append(size).append("px\">").append(esc(clip(text, chars))).append("</text>");
    }

    /** Squarified treemap layout (Bruls, Huizing, van Wijk): rows of near-square rectangles. Values sorted descending. */
    static List<double[]> squarify(List<Item> items, double x, double y, double w, double h) {
        List<double[]> out = new ArrayList<>();
        double total = items.stream().mapToDouble(Item::value).sum();
        if (total <= 0 || w <= 0 || h <= 0) {
            for (int i = 0; i < items.size(); i++) out.add(new double[] {x, y, 0, 0});
            return out;
        }
        double scale = w * h / total;
        int i = 0;
        while (i < items.size()) {
            double side = Math.min(w, h);
            int j = i;
            double sum = 0;
            double rmin = Double.MAX_VALUE;
            double rmax = 0;
            double best = Double.MAX_VALUE;
            while (j < items.size()) {
                double a = items.get(j).value * scale;
                double s = sum + a;
                double mn = Math.min(rmin, a);
                double mx = Math.max(rmax, a);
                double worst = Math.max(side * side * mx / (s * s), s * s / (side * side * Math.max(mn, 1e-9)));
                if (j > i && worst > best) break;
                best = worst;
                sum = s;
                rmin = mn;
                rmax = mx;
                j++;
            }
            double thick = sum / side;
            double pos = 0;
            for (int k = i; k < j; k++) {
                double len = items.get(k).value * scale / thick;
                if (w >= h) out.add(new double[] {x, y + pos, thick, len});
                else out.add(new double[] {x + pos, y, len, thick});
                pos += len;
            }
            if (w >= h) {
                x += thick;
                w -= thick;
            } else {
                y += thick;
                h -= thick;
            }
            i = j;
        }
        return out;
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(1, max - 1)) + "…";
    }

    private static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c < 0x20 ? ' ' : c);
            }
        }
        return b.toString();
    }
}
