package dev.salvor.memory;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.salvor.export.RedisStrings;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * One record per key, streamed as the keys are read: NDJSON ({@code db}, {@code key} as a Redis
 * string of the export format, {@code type}, {@code encoding}, {@code bytes}, {@code elements},
 * {@code largest_element_bytes}, {@code expire_at_ms} when set, {@code partial} when true) or CSV
 * with the same columns (a key that is not UTF-8 goes, base64, in {@code key_base64}).
 */
public final class KeyRecordWriter implements MemoryAnalyzer.KeySink, AutoCloseable {
    public enum Format { NDJSON, CSV }

    static final String CSV_HEADER = "db,key,key_base64,type,encoding,bytes,elements,largest_element_bytes,expire_at_ms,partial\n";

    private final Format format;
    private final OutputStream out;
    private final JsonGenerator json;
    private final StringBuilder line = new StringBuilder(256);
    private long records;

    public KeyRecordWriter(Format format, OutputStream out) throws IOException {
        this.format = format;
        this.out = out;
        if (format == Format.NDJSON) {
            json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
            json.setRootValueSeparator(new SerializedString("\n"));
        } else {
            json = null;
            out.write(CSV_HEADER.getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Override
    public void key(KeyMemory k) throws IOException {
        records++;
        if (json != null) {
            writeJson(json, k);
            return;
        }
        line.setLength(0);
        line.append(k.db()).append(',');
        if (RedisStrings.isText(k.key(), 0, k.key().length)) {
            csvField(line, new String(k.key(), StandardCharsets.UTF_8));
            line.append(',');
        } else {
            line.append(',').append(Base64.getEncoder().encodeToString(k.key()));
        }
        line.append(',').append(k.type().wireName()).append(',').append(k.encoding()).append(',').append(k.bytes()).append(',')
                .append(k.elements()).append(',').append(k.largestElement()).append(',');
        if (k.expireAtMs() >= 0) line.append(k.expireAtMs());
        line.append(',').append(k.partial() ? "true" : "").append('\n');
        out.write(line.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void csvField(StringBuilder b, String s) {
        boolean quote = s.isEmpty() || s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        if (!quote) {
            b.append(s);
            return;
        }
        b.append('"').append(s.replace("\"", "\"\"")).append('"');
    }

    static void writeJson(JsonGenerator g, KeyMemory k) throws IOException {
        g.writeStartObject();
        g.writeNumberField("db", k.db());
        g.writeFieldName("key");
        RedisStrings.write(g, k.key());
        g.writeStringField("type", k.type().wireName());
        g.writeStringField("encoding", k.encoding());
        g.writeNumberField("bytes", k.bytes());
        g.writeNumberField("elements", k.elements());
        g.writeNumberField("largest_element_bytes", k.largestElement());
        if (k.expireAtMs() >= 0) g.writeNumberField("expire_at_ms", k.expireAtMs());
        if (k.partial()) g.writeBooleanField("partial", true);
        g.writeEndObject();
    }

    @Override
    public void close() throws IOException {
        if (json != null) {
            json.flush();
            if (records > 0) out.write('\n');
        }
        out.flush();
    }
}
