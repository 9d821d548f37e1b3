package dev.salvor.memory;

import java.util.Locale;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.export.RedisStrings;

import java.io.IOException;

/** The report as one JSON object (what {@code salvor memory --json} prints). */
public final class MemoryReportJson {
    private MemoryReportJson() {
    }

    public static void write(JsonGenerator g, MemoryReport r, int prefixCount) throws IOException {
        g.writeStartObject();
        g.writeStringField("file", r.source());
        if (r.sizeBytes() >= 0) g.writeNumberField("size_bytes", r.sizeBytes());
        g.writeNumberField("rdb_version", r.rdbVersion());
        if (r.serverVersion() != null) g.writeStringField("server_version", r.serverVersion());
        g.writeStringField("model", r.model());
        if (r.ctimeMs() >= 0) g.writeNumberField("ctime_ms", r.ctimeMs());
        g.writeNumberField("reference_time_ms", r.referenceMs());
        g.writeStringField("reference_time_from", r.referenceFrom());
        g.writeStringField("checksum", r.checksum().name().toLowerCase(Locale.ROOT));
        g.writeObjectFieldStart("total");
        group(g, r.totals(), false);
        g.writeNumberField("keyspace_overhead_bytes", r.keyspaceOverhead());
        g.writeNumberField("partial_keys", r.partialKeys());
        g.writeNumberField("function_libraries", r.functions());
        g.writeNumberField("module_values", r.moduleValues());
        g.writeEndObject();
        if (r.salvage() != null) {
            MemoryReport.Salvage s = r.salvage();
            g.writeObjectFieldStart("salvage");
            g.writeNumberField("recovered", s.keysRecovered());
            g.writeNumberField("partial", s.keysPartial());
            g.writeNumberField("lost", s.keysLost());
            g.writeNumberField("damaged_regions", s.regions());
            g.writeNumberField("damaged_bytes", s.bytesDamaged());
            g.writeBooleanField("reached_eof", s.reachedEof());
            g.writeEndObject();
        }
        groups(g, "by_db", r.byDb());
        groups(g, "by_type", r.byType());
        groups(g, "by_encoding", r.byEncoding());
        g.writeArrayFieldStart("expiry");
        for (MemoryReport.ExpiryBucket b : r.expiry()) {
            g.writeStartObject();
            g.writeStringField("window", b.name());
            g.writeNumberField("keys", b.keys());
            g.writeNumberField("bytes", b.bytes());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("biggest_keys");
        for (KeyMemory k : r.biggestKeys()) KeyRecordWriter.writeJson(g, k);
        g.writeEndArray();
        g.writeObjectFieldStart("prefixes");
        g.writeStringField("separators", r.separators());
        g.writeNumberField("prefixes_kept", r.prefixes().nodes());
        g.writeNumberField("prefixes_folded", r.prefixes().foldedPrefixes());
        g.writeArrayFieldStart("top");
        for (PrefixTree.Node n : r.prefixes().top(prefixCount)) {
            g.writeStartObject();
            g.writeFieldName("prefix");
            RedisStrings.write(g, n.prefix());
            g.writeNumberField("depth", n.depth());
            g.writeNumberField("keys", n.keys());
            g.writeNumberField("bytes", n.bytes());
            if (!n.exact()) g.writeBooleanField("lower_bound", true);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.writeArrayFieldStart("notes");
        for (String n : r.notes()) g.writeString(n);
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void groups(JsonGenerator g, String name, java.util.List<MemoryReport.Group> list) throws IOException {
        g.writeArrayFieldStart(name);
        for (MemoryReport.Group x : list) {
            g.writeStartObject();
            group(g, x, true);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void group(JsonGenerator g, MemoryReport.Group x, boolean named) throws IOException {
        if (named) g.writeStringField("name", x.name());
        g.writeNumberField("keys", x.keys());
        g.writeNumberField("bytes", x.bytes());
        g.writeNumberField("dataset_bytes", x.datasetBytes());
        g.writeNumberField("expiring_keys", x.expiring());
    }
}
