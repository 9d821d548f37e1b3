package dev.salvor.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofManifest;
import dev.salvor.io.Text;
import dev.salvor.aof.AofReader;
import dev.salvor.aof.AofSegment;
import dev.salvor.export.RedisStrings;
import dev.salvor.repair.AofRegion;
import dev.salvor.repair.AofRepairReport;
import dev.salvor.repair.AofRepairer;
import dev.salvor.repair.AofScanner;
import dev.salvor.salvage.SalvageReport;
import dev.salvor.salvage.SalvageReportJson;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.Locale;

/** The AOF side of check, export and inspect (the commands pick it when the input is an AOF). */
final class AofCommands {
    private AofCommands() {
    }

    /** Everything an AOF input consists of (the path, its directory, manifest and every listed file): what no output may touch. */
    static java.util.List<Path> inputs(Path path) throws IOException {
        AofLayout layout = AofLayout.of(path);
        java.util.List<Path> in = new java.util.ArrayList<>();
        in.add(path);
        in.add(layout.path());
        if (layout.manifest() != null) {
            in.add(layout.manifest().path());
            for (AofSegment s : layout.manifest().segments()) in.add(s.file());
            for (AofSegment s : layout.manifest().listed()) in.add(s.file());
        }
        for (AofSegment s : layout.segments()) in.add(s.file());
        return in;
    }

    static AofRepairReport check(Path path) throws IOException {
        return check(path, null);
    }

    static AofRepairReport check(Path path, dev.salvor.io.Progress progress) throws IOException {
        AofLayout layout = AofLayout.of(path);
        phase(progress, "checking", layout);
        return new AofRepairer(layout, null, false, -1, Set.of()).progress(progress).run();
    }

    /** Starts a progress phase over the bytes of every segment. */
    static void phase(dev.salvor.io.Progress progress, String label, AofLayout layout) throws IOException {
        if (progress == null) return;
        long total = 0;
        for (AofSegment s : layout.segments()) total += java.nio.file.Files.size(s.file());
        progress.phase(label, total, dev.salvor.io.Progress.Unit.BYTES);
    }

    static void printCheck(PrintWriter out, AofRepairReport r, boolean json) throws IOException {
        if (json) {
            JsonGenerator g = new JsonFactory().createGenerator(out);
            g.useDefaultPrettyPrinter();
            writeReport(g, r);
            g.flush();
            out.println();
            return;
        }
        out.printf("%s: %s AOF, %d file%s, %,d commands read%s%n", Text.safe(r.source()), r.multiPart() ? "multi-part" : "single-file",
                r.segments().size(), r.segments().size() == 1 ? "" : "s", r.commandsRead(),
                r.preambles().isEmpty() ? "" : String.format(Locale.ROOT, ", %,d keys in %s", r.preambleKeys(), r.multiPart() ? "the RDB base" : "the RDB preamble"));
        for (AofManifest.Problem p : r.manifestProblems()) out.printf("manifest: %s%n", Text.safe(String.valueOf(p)));
        for (String n : r.rebuild()) out.printf("manifest not followed; %s%n", Text.safe(n));
        for (AofRepairReport.Preamble p : r.preambles()) {
            if (!p.damaged()) continue;
            SalvageReport s = p.salvage();
            out.printf("%s: damaged RDB %s (RDB version %d, its first %,d bytes): %,d keys recovered, %,d partial, %,d lost%s%n", Text.safe(p.segment()),
                    r.multiPart() ? "base" : "preamble", p.version(), p.end(), s.keysRecovered(), s.keysPartial(), s.keysLost(),
                    s.regions().isEmpty() ? "; checksum " + s.checksum().name().toLowerCase(Locale.ROOT) : "");
        }
        for (AofRegion g : r.regions()) {
            out.printf("%s [offset %d, line %d .. offset %d, line %d] %s: %s; last good command #%d; %s%s%s%n", Text.safe(g.segment()), g.start(),
                    g.startLine(), g.end(), g.endLine(), g.reason(), Text.safe(g.detail()), g.lastGoodCommand(),
                    g.truncatedTail() ? "truncated tail" : "damage in the middle, intact commands follow",
                    g.commandsDamaged() > 0 ? String.format(Locale.ROOT, "; %,d command header%s among the skipped bytes", g.commandsDamaged(), g.commandsDamaged() == 1 ? "" : "s") : "",
                    g.commandsLost() > 0 ? String.format(Locale.ROOT, "; %,d intact command%s of its transaction dropped", g.commandsLost(), g.commandsLost() == 1 ? "" : "s") : "");
        }
        if (r.clean()) {
            out.println("clean");
        } else if (!r.regions().isEmpty()) {
            AofRegion first = r.regions().get(0);
            out.printf("%d damaged region%s%s; ok_up_to=%d (line %d of %s)%s; salvor repair keeps every intact command after it%n",
                    r.regions().size(), r.regions().size() == 1 ? "" : "s",
                    r.commandsDamaged() > 0 ? String.format(Locale.ROOT, "; at least %,d command%s damaged", r.commandsDamaged(), r.commandsDamaged() == 1 ? "" : "s") : "",
                    r.okUpTo(), r.okUpToLine(), Text.safe(first.segment()),
                    first.openMulti() >= 0 ? ", before the MULTI of the transaction the damage hit" : "");
        } else {
            out.println(r.manifestProblems().isEmpty() ? "damaged" : "the server would refuse the manifest; salvor repair writes one it accepts");
        }
    }

    /** What a repair kept and left out, after the check's findings. */
    static void printRepair(PrintWriter out, AofRepairReport r) {
        StringBuilder keys = new StringBuilder();
        for (AofRepairReport.Preamble p : r.preambles()) {
            if (keys.length() > 0) keys.append(", ");
            keys.append(String.format(Locale.ROOT, "%,d keys of the RDB %s of %s", p.keys(), r.multiPart() ? "base" : "preamble", p.segment()));
            if (p.damaged()) keys.append(String.format(Locale.ROOT, " (salvaged: %,d partial among them, %,d known lost)", p.salvage().keysPartial(), p.salvage().keysLost()));
        }
        out.printf("kept %s%,d of %,d intact commands (%,d dropped, %,d transaction%s dropped)%s%n", keys.length() > 0 ? keys + "; " : "",
                r.commandsKept(), r.commandsRead(), r.commandsDropped(), r.transactionsDropped(), r.transactionsDropped() == 1 ? "" : "s",
                r.commandsDamaged() > 0 ? String.format(Locale.ROOT, "; at least %,d more command%s damaged beyond reading", r.commandsDamaged(), r.commandsDamaged() == 1 ? "" : "s") : "");
        if (!r.droppedByName().isEmpty()) {
            StringBuilder names = new StringBuilder();
            r.droppedByName().forEach((n, c) -> names.append(names.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%,d %s", c, n.toUpperCase(Locale.ROOT))));
            out.printf("left out by --drop: %s%n", names);
            int shown = 0;
            for (AofRepairReport.DroppedCommand d : r.droppedCommands()) {
                if (shown++ == 20) {
                    out.printf("  ... %,d more in the report (dropped_commands)%n", r.droppedByName().values().stream().mapToLong(Long::longValue).sum() - 20);
                    break;
                }
                out.printf("  %s %s, byte offset %d, line %d, db %d%s%n", d.name().toUpperCase(Locale.ROOT), d.segment(), d.offset(), d.line(), d.db(),
                        d.timeMs() >= 0 ? ", after #TS " + java.time.Instant.ofEpochMilli(d.timeMs()) : "");
            }
        }
        if (r.until() != null) {
            AofRepairReport.Until u = r.until();
            if (u.stopped()) {
                out.printf("--until %s: cut at the #TS: annotation of %s (byte offset %d of %s); %,d intact command%s after it left out%n",
                        java.time.Instant.ofEpochMilli(u.untilMs()), java.time.Instant.ofEpochMilli(u.stopTimestampMs()), u.stopOffset(), u.stopSegment(),
                        u.commandsAfter(), u.commandsAfter() == 1 ? "" : "s");
            } else {
                out.printf("--until %s: no #TS: annotation is later (the last of %,d); everything kept%n", java.time.Instant.ofEpochMilli(u.untilMs()), u.timestamps());
            }
        }
    }

    static void writeReport(JsonGenerator g, AofRepairReport r) throws IOException {
        g.writeStartObject();
        g.writeStringField("file", r.source());
        g.writeStringField("kind", "aof");
        g.writeBooleanField("multi_part", r.multiPart());
        g.writeArrayFieldStart("segments");
        for (String s : r.segments()) g.writeString(s);
        g.writeEndArray();
        g.writeNumberField("commands_read", r.commandsRead());
        g.writeNumberField("commands_kept", r.commandsKept());
        g.writeNumberField("commands_dropped", r.commandsDropped());
        g.writeNumberField("commands_damaged_at_least", r.commandsDamaged());
        g.writeNumberField("transactions_dropped", r.transactionsDropped());
        g.writeNumberField("preamble_keys", r.preambleKeys());
        g.writeObjectFieldStart("dropped_by_name");
        for (Map.Entry<String, Long> e : r.droppedByName().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
        g.writeEndObject();
        g.writeArrayFieldStart("dropped_commands");
        for (AofRepairReport.DroppedCommand d : r.droppedCommands()) {
            g.writeStartObject();
            g.writeStringField("file", d.segment());
            g.writeNumberField("offset", d.offset());
            g.writeNumberField("line", d.line());
            g.writeStringField("command", d.name());
            g.writeNumberField("db", d.db());
            if (d.timeMs() >= 0) g.writeNumberField("time_ms", d.timeMs());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (r.until() != null) {
            AofRepairReport.Until u = r.until();
            g.writeObjectFieldStart("until");
            g.writeNumberField("until_ms", u.untilMs());
            g.writeNumberField("timestamps", u.timestamps());
            if (u.firstTimestampMs() >= 0) g.writeNumberField("first_timestamp_ms", u.firstTimestampMs());
            g.writeBooleanField("stopped", u.stopped());
            if (u.stopped()) {
                g.writeStringField("stop_file", u.stopSegment());
                g.writeNumberField("stop_offset", u.stopOffset());
                g.writeNumberField("stop_timestamp_ms", u.stopTimestampMs());
            }
            g.writeNumberField("commands_after", u.commandsAfter());
            g.writeEndObject();
        }
        g.writeArrayFieldStart("preambles");
        for (AofRepairReport.Preamble p : r.preambles()) {
            g.writeStartObject();
            g.writeStringField("file", p.segment());
            g.writeNumberField("end", p.end());
            g.writeNumberField("rdb_version", p.version());
            g.writeNumberField("keys", p.keys());
            g.writeBooleanField("damaged", p.damaged());
            if (p.damaged()) {
                g.writeFieldName("salvage");
                SalvageReportJson.writeObject(g, p.salvage(), null, null, null, p.notes());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        if (r.multiPart()) {
            g.writeObjectFieldStart("manifest");
            g.writeBooleanField("accepted", r.manifestProblems().isEmpty());
            g.writeArrayFieldStart("problems");
            for (AofManifest.Problem p : r.manifestProblems()) {
                g.writeStartObject();
                if (p.line() > 0) {
                    g.writeNumberField("line", p.line());
                    g.writeNumberField("offset", p.offset());
                }
                g.writeStringField("problem", p.what());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("rebuilt");
            for (String n : r.rebuild()) g.writeString(n);
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeBooleanField("clean", r.clean());
        if (!r.regions().isEmpty()) {
            g.writeNumberField("ok_up_to", r.okUpTo());
            g.writeNumberField("ok_up_to_line", r.okUpToLine());
            g.writeStringField("ok_up_to_file", r.regions().get(0).segment());
        }
        g.writeArrayFieldStart("regions");
        for (AofRegion x : r.regions()) {
            g.writeStartObject();
            g.writeStringField("file", x.segment());
            g.writeNumberField("start", x.start());
            g.writeNumberField("end", x.end());
            g.writeNumberField("start_line", x.startLine());
            g.writeNumberField("end_line", x.endLine());
            g.writeNumberField("length", x.length());
            g.writeStringField("reason", x.reason());
            g.writeStringField("detail", x.detail());
            g.writeNumberField("last_good_command", x.lastGoodCommand());
            g.writeBooleanField("truncated_tail", x.truncatedTail());
            g.writeNumberField("commands_damaged", x.commandsDamaged());
            g.writeNumberField("commands_lost", x.commandsLost());
            if (x.openMulti() >= 0) g.writeNumberField("open_multi", x.openMulti());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Segments, command counts by name, databases, time range, transactions. */
    static boolean inspect(Path path, PrintWriter out, boolean json) throws IOException {
        return inspect(path, out, json, null);
    }

    static boolean inspect(Path path, PrintWriter out, boolean json, dev.salvor.io.Progress progress) throws IOException {
        return inspect(path, path.toString(), out, json, progress);
    }

    /** As {@link #inspect(Path, PrintWriter, boolean, dev.salvor.io.Progress)}, naming the input {@code shown} (a piped or unpacked copy is named as the user gave it). */
    static boolean inspect(Path path, String shown, PrintWriter out, boolean json, dev.salvor.io.Progress progress) throws IOException {
        AofLayout layout = AofLayout.of(path);
        phase(progress, "reading", layout);
        Map<String, Long> byName = new TreeMap<>();
        Map<Integer, Long> byDb = new TreeMap<>();
        long[] stats = new long[6]; // commands, transactions, first ts, last ts, preambles, preamble keys
        stats[2] = -1;
        java.util.List<AofRegion> regions = new java.util.ArrayList<>();
        new AofScanner().progress(progress).scan(layout.segments(), new AofScanner.AofListener() {
            @Override
            public void command(AofSegment segment, AofReader r, long index) {
                stats[0]++;
                String name = r.commandName();
                byName.merge(name, 1L, Long::sum);
                byDb.merge(r.db(), 1L, Long::sum);
                if (name.equals("multi")) stats[1]++;
                if (r.timestampMs() >= 0) {
                    if (stats[2] < 0) stats[2] = r.timestampMs();
                    stats[3] = r.timestampMs();
                }
            }

            @Override
            public void preamble(AofSegment segment, dev.salvor.aof.AofPreamble p) {
                stats[4]++;
                stats[5] += p.keys();
            }

            @Override
            public void preambleSalvaged(AofSegment segment, SalvageReport report, long end) {
                stats[4]++;
                stats[5] += report.keysRecovered() + report.keysPartial();
            }

            @Override
            public void damaged(AofRegion region) {
                regions.add(region);
            }
        });
        if (json) {
            JsonGenerator g = new JsonFactory().createGenerator(out);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("file", shown);
            g.writeStringField("kind", "aof");
            g.writeBooleanField("multi_part", layout.multiPart());
            g.writeArrayFieldStart("segments");
            for (AofSegment s : layout.segments()) {
                g.writeStartObject();
                g.writeStringField("file", s.name());
                g.writeStringField("kind", s.kind().name().toLowerCase(Locale.ROOT));
                g.writeNumberField("seq", s.seq());
                g.writeNumberField("size_bytes", java.nio.file.Files.size(s.file()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("rdb_preambles", stats[4]);
            g.writeNumberField("rdb_preamble_keys", stats[5]);
            g.writeNumberField("commands", stats[0]);
            g.writeNumberField("transactions", stats[1]);
            if (stats[2] >= 0) {
                g.writeNumberField("first_timestamp_ms", stats[2]);
                g.writeNumberField("last_timestamp_ms", stats[3]);
            }
            g.writeObjectFieldStart("commands_by_name");
            for (Map.Entry<String, Long> e : byName.entrySet()) g.writeNumberField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeObjectFieldStart("commands_by_db");
            for (Map.Entry<Integer, Long> e : byDb.entrySet()) g.writeNumberField(Integer.toString(e.getKey()), e.getValue());
            g.writeEndObject();
            g.writeNumberField("damaged_regions", regions.size());
            g.writeBooleanField("clean", regions.isEmpty());
            g.writeEndObject();
            g.flush();
            out.println();
        } else {
            out.printf("file:       %s (%s AOF)%n", Text.safe(shown), layout.multiPart() ? "multi-part" : "single-file");
            for (AofSegment s : layout.segments()) out.printf("  %-8s %s (%,d bytes)%n", s.kind().name().toLowerCase(Locale.ROOT), Text.safe(s.name()), java.nio.file.Files.size(s.file()));
            out.printf("preambles:  %d RDB preamble%s%s%n", stats[4], stats[4] == 1 ? "" : "s",
                    stats[4] > 0 ? String.format(Locale.ROOT, " (%,d keys)", stats[5]) : "");
            out.printf("commands:   %,d (%,d transactions)%n", stats[0], stats[1]);
            StringBuilder names = new StringBuilder();
            byName.forEach((n, c) -> names.append(names.length() == 0 ? "" : ", ").append(n).append(' ').append(c));
            out.printf("by name:    %s%n", names);
            StringBuilder dbs = new StringBuilder();
            byDb.forEach((d, c) -> dbs.append(dbs.length() == 0 ? "" : ", ").append("db").append(d).append(' ').append(c));
            out.printf("by db:      %s%n", dbs);
            if (stats[2] >= 0) out.printf("time:       %s .. %s%n", java.time.Instant.ofEpochMilli(stats[2]), java.time.Instant.ofEpochMilli(stats[3]));
            out.printf("status:     %s%n", regions.isEmpty() ? "clean" : regions.size() + " damaged region(s): run salvor check");
        }
        return regions.isEmpty();
    }
}
