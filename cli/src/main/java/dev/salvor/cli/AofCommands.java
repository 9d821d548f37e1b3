package dev.salvor.cli;

import dev.salvor.inspect.AofInspection;
import dev.salvor.report.AofInspectJson;
import dev.salvor.report.AofRepairJson;
import dev.salvor.aof.AofManifest;
import dev.salvor.io.Text;
import dev.salvor.repair.AofRegion;
import dev.salvor.repair.AofRepairReport;
import dev.salvor.salvage.SalvageReport;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;

/** The AOF side of check, export and inspect (the commands pick it when the input is an AOF). */
final class AofCommands {
    private AofCommands() {
    }

    static void printCheck(PrintWriter out, AofRepairReport r, boolean json) throws IOException {
        if (json) {
            AofRepairJson.write(out, r);
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

    /** Segments, command counts by name, databases, time range, transactions. */
    static void printInspect(PrintWriter out, AofInspection in, boolean json) throws IOException {
        if (json) {
            AofInspectJson.write(out, in);
            out.println();
        } else {
            out.printf("file:       %s (%s AOF)%n", Text.safe(in.source()), in.multiPart() ? "multi-part" : "single-file");
            for (AofInspection.Segment s : in.segments()) out.printf("  %-8s %s (%,d bytes)%n", s.kind(), Text.safe(s.name()), s.sizeBytes());
            out.printf("preambles:  %d RDB preamble%s%s%n", in.preambles(), in.preambles() == 1 ? "" : "s",
                    in.preambles() > 0 ? String.format(Locale.ROOT, " (%,d keys)", in.preambleKeys()) : "");
            out.printf("commands:   %,d (%,d transactions)%n", in.commands(), in.transactions());
            StringBuilder names = new StringBuilder();
            in.commandsByName().forEach((n, c) -> names.append(names.length() == 0 ? "" : ", ").append(n).append(' ').append(c));
            out.printf("by name:    %s%n", names);
            StringBuilder dbs = new StringBuilder();
            in.commandsByDb().forEach((d, c) -> dbs.append(dbs.length() == 0 ? "" : ", ").append("db").append(d).append(' ').append(c));
            out.printf("by db:      %s%n", dbs);
            if (in.firstTimestampMs() >= 0) out.printf("time:       %s .. %s%n", java.time.Instant.ofEpochMilli(in.firstTimestampMs()), java.time.Instant.ofEpochMilli(in.lastTimestampMs()));
            out.printf("status:     %s%n", in.clean() ? "clean" : in.regions().size() + " damaged region(s): run salvor check");
        }
    }
}
