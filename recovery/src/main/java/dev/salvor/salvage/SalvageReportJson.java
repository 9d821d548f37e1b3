package dev.salvor.salvage;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.export.RedisStrings;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;

/** Writes a {@link SalvageReport} as {@code OUT.report.json}. */
public final class SalvageReportJson {
    private static final JsonFactory JSON = new JsonFactory();

    private SalvageReportJson() {
    }

    public static void write(SalvageReport r, List<QuarantineWriter.Entry> quarantine, String quarantineFile,
                             String repairedFile, List<String> notes, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("source", r.source());
            g.writeNumberField("size_bytes", r.sizeBytes());
            g.writeNumberField("rdb_version", r.version());
            g.writeStringField("flavor", r.flavor().name().toLowerCase(Locale.ROOT));
            g.writeBooleanField("header_damaged", r.headerDamaged());
            g.writeStringField("checksum", r.checksum().name().toLowerCase(Locale.ROOT));
            g.writeBooleanField("reached_eof", r.reachedEof());
            g.writeObjectFieldStart("counts");
            g.writeNumberField("recovered", r.keysRecovered());
            g.writeNumberField("partial", r.keysPartial());
            g.writeNumberField("lost", r.keysLost());
            g.writeNumberField("expiry_unknown", r.expiryUnknownKeys().size());
            g.writeNumberField("doubtful", r.doubtfulKeys().size());
            g.writeNumberField("unverified", r.unverifiedKeys().size());
            g.writeNumberField("damaged_regions", r.regions().size());
            g.writeNumberField("damaged_bytes", r.bytesDamaged());
            g.writeEndObject();
            if (repairedFile != null) g.writeStringField("repaired_file", repairedFile);
            if (quarantineFile != null) g.writeStringField("quarantine_file", quarantineFile);
            g.writeArrayFieldStart("regions");
            for (int i = 0; i < r.regions().size(); i++) {
                CorruptRegion c = r.regions().get(i);
                g.writeStartObject();
                g.writeNumberField("start", c.start());
                g.writeNumberField("end", c.end());
                g.writeNumberField("length", c.length());
                g.writeNumberField("error_offset", c.errorOffset());
                g.writeStringField("reason", c.reason());
                g.writeStringField("detail", c.detail());
                g.writeBooleanField("truncated_tail", c.truncation());
                key(g, "last_good_key", c.lastGoodKey());
                key(g, "first_good_key", c.firstGoodKey());
                key(g, "lost_key", c.lostKey());
                if (quarantine != null && i < quarantine.size()) g.writeNumberField("quarantine_offset", quarantine.get(i).quarantineOffset());
                g.writeEndObject();
            }
            g.writeEndArray();
            keys(g, "partial_keys", r.partialKeys());
            keys(g, "expiry_unknown_keys", r.expiryUnknownKeys());
            g.writeArrayFieldStart("assumed_db");
            for (SalvageReport.AssumedDb a : r.assumedDbs()) {
                g.writeStartObject();
                g.writeNumberField("from", a.from());
                g.writeNumberField("to", a.to());
                g.writeNumberField("db", a.db());
                g.writeNumberField("keys", a.keys());
                g.writeEndObject();
            }
            g.writeEndArray();
            keys(g, "unverified_keys", r.unverifiedKeys());
            keys(g, "doubtful_keys", r.doubtfulKeys());
            keys(g, "lost_keys", r.lostKeys());
            g.writeArrayFieldStart("notes");
            for (String n : notes) g.writeString(n);
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** A list of key names as Redis strings. */
    private static void keys(JsonGenerator g, String field, List<byte[]> names) throws IOException {
        g.writeArrayFieldStart(field);
        for (byte[] k : names) RedisStrings.write(g, k);
        g.writeEndArray();
    }

    private static void key(JsonGenerator g, String name, byte[] key) throws IOException {
        g.writeFieldName(name);
        if (key == null) g.writeNull();
        else RedisStrings.write(g, key);
    }
}
