package dev.salvor.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.aof.AofManifest;
import dev.salvor.repair.AofRegion;
import dev.salvor.repair.AofRepairReport;
import dev.salvor.salvage.SalvageReportJson;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.Map;

/**
 * The JSON of an AOF check or repair ({@code salvor check --json} of an AOF, the repair's report
 * file): counts, what was dropped, the manifest's problems, the RDB preambles, {@code ok_up_to} and
 * every damaged region with its lines.
 */
public final class AofRepairJson {
    private static final JsonFactory JSON = new JsonFactory();

    private AofRepairJson() {
    }

    /** One pretty-printed object. */
    public static void write(Writer out, AofRepairReport r) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.useDefaultPrettyPrinter();
            writeObject(g, r);
        }
    }

    /** One pretty-printed object, in UTF-8. */
    public static void write(OutputStream out, AofRepairReport r) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.useDefaultPrettyPrinter();
            writeObject(g, r);
        }
    }

    /** The report as one JSON object on {@code g}. */
    public static void writeObject(JsonGenerator g, AofRepairReport r) throws IOException {
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

}
