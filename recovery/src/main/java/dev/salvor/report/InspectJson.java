package dev.salvor.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.inspect.Inspection;
import dev.salvor.inspect.SalvagedInspection;
import dev.salvor.salvage.SalvageReportJson;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The JSON of an inspection: what the file is, who wrote it, what it holds, and its checksum. */
public final class InspectJson {
    private static final JsonFactory JSON = new JsonFactory();

    private InspectJson() {
    }

    /**
     * {@code salvor inspect --json} of an RDB file: its facts, counts and checksum; for a damaged
     * file read by salvage ({@code salvaged}), its damage and losses too.
     */
    public static void write(Writer out, Inspection in, List<String> wrappers, SalvagedInspection salvaged) throws IOException {
        JsonGenerator g = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeStringField("file", in.source());
        g.writeNumberField("size_bytes", in.sizeBytes());
        g.writeArrayFieldStart("unwrapped_from");
        for (String w : wrappers) g.writeString(w);
        g.writeEndArray();
        g.writeStringField("kind", "rdb");
        g.writeNumberField("rdb_version", in.version());
        g.writeStringField("magic", in.magic());
        g.writeStringField("flavor", in.flavor().name().toLowerCase(Locale.ROOT));
        g.writeStringField("written_by", in.producer().label());
        dev.salvor.rdb.Producer producer = in.producer();
        g.writeObjectFieldStart("producer");
        g.writeStringField("name", producer.kind().id());
        if (producer.version() != null) g.writeStringField("version", producer.version());
        else g.writeNullField("version");
        g.writeStringField("decided_by", producer.decidedBy());
        g.writeEndObject();
        g.writeObjectFieldStart("aux");
        for (Map.Entry<String, String> aux : in.auxFields()) g.writeStringField(aux.getKey(), aux.getValue());
        g.writeEndObject();
        g.writeArrayFieldStart("functions");
        for (String f : in.functions()) g.writeString(f);
        g.writeEndArray();
        g.writeObjectFieldStart("modules");
        for (Map.Entry<String, Long> m : in.modules().entrySet()) g.writeNumberField(m.getKey(), m.getValue());
        g.writeEndObject();
        g.writeNumberField("keys", in.keys());
        g.writeNumberField("expiring_keys", in.expiringKeys());
        g.writeObjectFieldStart("databases");
        for (Map.Entry<Integer, Inspection.DbStats> e : in.databases().entrySet()) {
            g.writeObjectFieldStart(Integer.toString(e.getKey()));
            g.writeNumberField("keys", e.getValue().keys());
            g.writeNumberField("expiring_keys", e.getValue().expiringKeys());
            g.writeNumberField("resize_db_size", e.getValue().resizeDbSize());
            g.writeNumberField("resize_expires_size", e.getValue().resizeExpiresSize());
            g.writeEndObject();
        }
        g.writeEndObject();
        g.writeObjectFieldStart("keys_by_type");
        for (Map.Entry<String, Long> e : in.keysByType().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
        g.writeEndObject();
        g.writeObjectFieldStart("keys_by_encoding");
        for (Map.Entry<String, Long> e : in.keysByEncoding().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
        g.writeEndObject();
        g.writeNumberField("slot_info_records", in.slotInfoRecords());
        g.writeStringField("checksum", in.checksum().name().toLowerCase(Locale.ROOT));
        g.writeStringField("stored_checksum", String.format("%016x", in.storedChecksum()));
        g.writeStringField("computed_checksum", String.format("%016x", in.computedChecksum()));
        g.writeBooleanField("trailing_data", in.trailingData());
        g.writeBooleanField("clean", in.clean() && salvaged == null);
        // What the counts cover: the whole file, what was read before the first damage, or the
        // intact records read past every damaged region.
        g.writeStringField("counts_cover", salvaged != null ? "intact_records" : in.error() != null ? "before_first_damage" : "whole_file");
        if (salvaged != null) {
            g.writeObjectFieldStart("damage");
            g.writeNumberField("keys_partial_not_counted", salvaged.salvage().keysPartial());
            SalvageReportJson.regions(g, salvaged.salvage().regions(), null);
            SalvageReportJson.losses(g, salvaged.salvage().losses());
            g.writeEndObject();
        }
        if (in.error() != null) {
            g.writeObjectFieldStart("error");
            g.writeNumberField("offset", in.error().offset());
            g.writeStringField("reason", in.error().reason().text());
            g.writeStringField("message", in.error().getMessage());
            g.writeEndObject();
        }
        g.writeEndObject();
        g.close();
    }
}
