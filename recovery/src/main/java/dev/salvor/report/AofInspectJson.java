package dev.salvor.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.inspect.AofInspection;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;

/** {@code salvor inspect --json} of an AOF: one pretty-printed object. */
public final class AofInspectJson {
    private static final JsonFactory JSON = new JsonFactory();

    private AofInspectJson() {
    }

    public static void write(Writer out, AofInspection in) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("file", in.source());
            g.writeStringField("kind", "aof");
            g.writeBooleanField("multi_part", in.multiPart());
            g.writeArrayFieldStart("segments");
            for (AofInspection.Segment s : in.segments()) {
                g.writeStartObject();
                g.writeStringField("file", s.name());
                g.writeStringField("kind", s.kind());
                g.writeNumberField("seq", s.seq());
                g.writeNumberField("size_bytes", s.sizeBytes());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("rdb_preambles", in.preambles());
            g.writeNumberField("rdb_preamble_keys", in.preambleKeys());
            g.writeNumberField("commands", in.commands());
            g.writeNumberField("transactions", in.transactions());
            if (in.firstTimestampMs() >= 0) {
                g.writeNumberField("first_timestamp_ms", in.firstTimestampMs());
                g.writeNumberField("last_timestamp_ms", in.lastTimestampMs());
            }
            g.writeObjectFieldStart("commands_by_name");
            for (Map.Entry<String, Long> e : in.commandsByName().entrySet()) g.writeNumberField(e.getKey(), e.getValue());
            g.writeEndObject();
            g.writeObjectFieldStart("commands_by_db");
            for (Map.Entry<Integer, Long> e : in.commandsByDb().entrySet()) g.writeNumberField(Integer.toString(e.getKey()), e.getValue());
            g.writeEndObject();
            g.writeNumberField("damaged_regions", in.regions().size());
            g.writeBooleanField("clean", in.clean());
            g.writeEndObject();
        }
    }
}
