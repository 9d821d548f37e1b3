package dev.salvor.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.check.CheckReport;
import dev.salvor.check.Problem;
import dev.salvor.export.RedisStrings;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/** The JSON of a check: the file's facts, its verdict and every problem with its place. */
public final class CheckJson {
    private static final JsonFactory JSON = new JsonFactory();

    private CheckJson() {
    }

    /** {@code salvor check --json} of an RDB file: one pretty-printed object. */
    public static void write(Writer out, CheckReport r) throws IOException {
        JsonGenerator g = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeStringField("file", r.source());
        g.writeStringField("kind", "rdb");
        g.writeNumberField("size_bytes", r.sizeBytes());
        g.writeNumberField("rdb_version", r.version());
        g.writeNumberField("keys", r.keys());
        g.writeStringField("checksum", r.checksum().name().toLowerCase(Locale.ROOT));
        g.writeBooleanField("complete", r.complete());
        g.writeBooleanField("values_checked", r.valuesChecked());
        g.writeBooleanField("clean", r.clean());
        g.writeArrayFieldStart("problems");
        for (Problem p : r.problems()) {
            g.writeStartObject();
            g.writeNumberField("offset", p.offset());
            g.writeStringField("reason", p.reason());
            g.writeStringField("detail", p.detail());
            if (p.key() != null) {
                g.writeNumberField("db", p.db());
                g.writeFieldName("key");
                RedisStrings.write(g, p.key());
            }
            if (p.region() != null) {
                g.writeObjectFieldStart("region");
                g.writeNumberField("start", p.region().start());
                g.writeNumberField("end", p.region().end());
                g.writeNumberField("length", p.region().end() - p.region().start());
                if (p.region().lastGoodKey() != null) {
                    g.writeFieldName("last_good_key");
                    RedisStrings.write(g, p.region().lastGoodKey());
                }
                if (p.region().firstGoodKey() != null) {
                    g.writeFieldName("first_good_key");
                    RedisStrings.write(g, p.region().firstGoodKey());
                }
                g.writeBooleanField("truncated_tail", p.region().truncatedTail());
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("problems_omitted", r.problemsOmitted());
        g.writeEndObject();
        g.close();
    }
}
