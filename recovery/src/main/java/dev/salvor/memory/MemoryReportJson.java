package dev.salvor.memory;

import java.util.Locale;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.export.RedisStrings;

import java.io.IOException;
import java.io.Writer;
import java.util.List;

/** The report as one JSON object (what {@code salvor memory --json} prints). */
public final class MemoryReportJson {
    private static final JsonFactory JSON = new JsonFactory();

    private MemoryReportJson() {
    }

    /** {@code salvor memory --json}: the report as one pretty-printed object. */
    public static void write(Writer out, MemoryReport r, int prefixCount) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.useDefaultPrettyPrinter();
            write(g, r, prefixCount);
        }
    }

    /** {@code salvor memory --diff --json}: totals of both files, what was added, removed, grown and shrunk. */
    public static void writeDiff(Writer out, MemoryDiff.Result d) throws IOException {
        JsonGenerator g = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeStringField("old", d.before().source());
        g.writeStringField("new", d.after().source());
        g.writeStringField("model", d.after().model());
        g.writeNumberField("old_bytes", d.before().totals().bytes());
        g.writeNumberField("new_bytes", d.after().totals().bytes());
        g.writeNumberField("old_keys", d.before().totals().keys());
        g.writeNumberField("new_keys", d.after().totals().keys());
        g.writeNumberField("keys_added", d.keysAdded());
        g.writeNumberField("bytes_added", d.bytesAdded());
        g.writeNumberField("keys_removed", d.keysRemoved());
        g.writeNumberField("bytes_removed", d.bytesRemoved());
        g.writeNumberField("keys_changed", d.keysChanged());
        g.writeNumberField("bytes_grown", d.bytesGrown());
        g.writeNumberField("bytes_shrunk", d.bytesShrunk());
        prefixChanges(g, "prefixes_grown", d.prefixesGrown());
        prefixChanges(g, "prefixes_shrunk", d.prefixesShrunk());
        keyChanges(g, "keys_grown", d.grown());
        keyChanges(g, "keys_shrunk", d.shrunk());
        g.writeEndObject();
        g.close();
    }

    private static void prefixChanges(JsonGenerator g, String name, List<MemoryDiff.PrefixChange> list) throws IOException {
        g.writeArrayFieldStart(name);
        for (MemoryDiff.PrefixChange p : list) {
            g.writeStartObject();
            g.writeFieldName("prefix");
            RedisStrings.write(g, p.prefix());
            g.writeNumberField("old_keys", p.oldKeys());
            g.writeNumberField("new_keys", p.newKeys());
            g.writeNumberField("old_bytes", p.oldBytes());
            g.writeNumberField("new_bytes", p.newBytes());
            g.writeNumberField("delta", p.delta());
            if (!p.exact()) g.writeBooleanField("lower_bound", true);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void keyChanges(JsonGenerator g, String name, List<MemoryDiff.KeyChange> list) throws IOException {
        g.writeArrayFieldStart(name);
        for (MemoryDiff.KeyChange k : list) {
            g.writeStartObject();
            g.writeNumberField("db", k.db());
            g.writeFieldName("key");
            RedisStrings.write(g, k.key());
            g.writeStringField("type", k.type().wireName());
            if (k.oldBytes() >= 0) g.writeNumberField("old_bytes", k.oldBytes());
            if (k.newBytes() >= 0) g.writeNumberField("new_bytes", k.newBytes());
            g.writeNumberField("delta", k.delta());
            g.writeEndObject();
        }
        g.writeEndArray();
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
