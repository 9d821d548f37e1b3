package dev.salvor.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.salvor.diff.DiffCheckpoint;
import dev.salvor.diff.DiffEngine;
import dev.salvor.diff.Difference;
import dev.salvor.export.RedisStrings;

import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import java.util.Locale;

/** JSON of diff results, shared by diff and audit. */
public final class DiffJson {
    private static final JsonFactory JSON = new JsonFactory();

    private DiffJson() {
    }

    /**
     * {@code salvor diff --json}: a summary record (sides, key counts, times, counts by kind and by
     * database and type), then one record per difference, one per line.
     */
    public static void write(Writer out, DiffEngine.Report r, int onlyDb) throws IOException {
        write(out, r, onlyDb, null);
    }

    /** What a resumed diff can and cannot promise, in the report beside the resume facts. */
    public static final String RESUME_NOTE = "a resumed read is one SCAN spread over the runs: a key present and unchanged on the server "
            + "for all of it is compared as by one run; a key added, deleted or changed between the runs may be seen as it was, as it is, "
            + "or (added or deleted meanwhile) not at all, as in one long scan; differences are read again at the end";

    /** As above; {@code checkpoint} (null without one) adds what the run's checkpoint and resume did. */
    public static void write(Writer out, DiffEngine.Report r, int onlyDb, DiffCheckpoint.Facts checkpoint) throws IOException {
        JsonGenerator g = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.setRootValueSeparator(new SerializedString("\n"));
        g.writeStartObject();
        g.writeStringField("record", "summary");
        g.writeStringField("a", r.a());
        g.writeStringField("b", r.b());
        g.writeNumberField("keys_a", r.keysA());
        g.writeNumberField("keys_b", r.keysB());
        g.writeNumberField("millis_a", r.millisA());
        g.writeNumberField("millis_b", r.millisB());
        if (onlyDb >= 0) g.writeNumberField("only_db", onlyDb);
        g.writeBooleanField("identical", r.identical());
        counts(g, "by_kind", r.countsByKind());
        counts(g, "by_db_and_type", r.countsByDbAndType());
        if (!r.notices().isEmpty()) {
            g.writeArrayFieldStart("notices");
            for (String n : r.notices()) g.writeString(n);
            g.writeEndArray();
        }
        if (checkpoint != null) {
            g.writeObjectFieldStart("checkpoint");
            g.writeStringField("file", checkpoint.checkpoint().toString());
            g.writeNumberField("run", checkpoint.run());
            g.writeBooleanField("resumed", checkpoint.resumed());
            g.writeStringField("first_run_started_at", checkpoint.firstRunStartedAt());
            g.writeNumberField("checkpoints_written", checkpoint.checkpointsWritten());
            counts(g, "keys_from_checkpoint", checkpoint.keysFromCheckpoint());
            counts(g, "scan_positions_resumed", checkpoint.positionsResumed());
            if (checkpoint.resumed()) g.writeStringField("note", RESUME_NOTE);
            g.writeEndObject();
        }
        g.writeEndObject();
        for (Difference d : r.differences()) difference(g, d, true);
        g.close();
    }

    public static void counts(JsonGenerator g, String name, Map<String, Long> counts) throws IOException {
        g.writeObjectFieldStart(name);
        for (Map.Entry<String, Long> e : counts.entrySet()) g.writeNumberField(e.getKey(), e.getValue());
        g.writeEndObject();
    }

    /** One difference as an object: kind, db, key (a Redis string), types, expiries, details. */
    public static void difference(JsonGenerator g, Difference d, boolean asRecord) throws IOException {
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
