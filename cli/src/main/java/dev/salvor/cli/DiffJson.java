package dev.salvor.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.diff.Difference;
import dev.salvor.export.RedisStrings;

import java.io.IOException;
import java.util.Map;
import java.util.Locale;

/** JSON of diff results, shared by diff and audit. */
final class DiffJson {
    private DiffJson() {
    }

    static void counts(JsonGenerator g, String name, Map<String, Long> counts) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, Long> e : counts.entrySet()) g.writeNumberField(e.getKey(), e.getValue());
        g.writeEndObject();
    }

    /** One difference as an object: kind, db, key (a Redis string), types, expiries, details. */
    static void difference(JsonGenerator g, Difference d, boolean asRecord) throws IOException {
        g.writeStartObject();
        if (asRecord) g.writeStringField("record", "difference");
        g.writeStringField("kind", d.kind().name().toLowerCase(Locale.ROOT));
        g.writeNumberField("db", d.db());
        g.writeFieldName("key");
        RedisStrings.write(g, d.key());
        if (d.typeA() != null) g.writeStringField("type_a", d.typeA());
        if (d.typeB() != null) g.writeStringField("type_b", d.typeB());
        if (d.expireA() >= 0) g.writeNumberField("expire_at_ms_a", d.expireA());
        if (d.expireB() >= 0) g.writeNumberField("expire_at_ms_b", d.expireB());
        g.writeArrayFieldStart("details");
        for (String s : d.details()) g.writeString(s);
        g.writeEndArray();
        g.writeEndObject();
    }
}
