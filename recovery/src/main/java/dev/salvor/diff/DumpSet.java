package dev.salvor.diff;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.salvor.export.KeySelector;
import dev.salvor.export.RedisStrings;
import dev.salvor.rdb.Crc64;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * A DUMP payload set: one JSON object per line, {@code {"db", "key", "expire_at_ms", "dump"}}
 * with the key's DUMP payload (value, RDB version, CRC64) in base64, as RESTORE takes it. Written
 * from an RDB file by copying each value's bytes; read as a diff source by decoding each payload
 * with the RDB parser.
 */
public final class DumpSet {
    private static final JsonFactory JSON = new JsonFactory();

    private DumpSet() {
    }

    /** Writes the payload set of an RDB file; returns the number of keys. */
    public static long write(Path rdb, KeySelector selector, OutputStream out) throws IOException {
        long n = 0;
        try (RdbReader r = RdbReader.open(rdb).skim(true); FileChannel ch = FileChannel.open(rdb);
             JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.setRootValueSeparator(new SerializedString("\n"));
            int version = 0;
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.HEADER) version = r.version();
                if (t != RdbToken.KEY) continue;
                int type = r.encoding().rdbType();
                int db = r.db();
                byte[] key = r.key();
                long exp = r.expireAtMs();
                boolean selected = selector.select(db, key, r.type());
                long from = r.valueOffset();
                r.skipValue();
                if (!selected) continue;
                long to = r.keyEndOffset();
                if (to - from > Integer.MAX_VALUE - 16) throw new IOException(rdb + ": value of " + (to - from) + " bytes is too large for one payload");
                byte[] payload = new byte[(int) (to - from) + 11];
                payload[0] = (byte) type;
                ByteBuffer bb = ByteBuffer.wrap(payload, 1, (int) (to - from));
                for (long p = from; bb.hasRemaining(); ) {
                    int k = ch.read(bb, p);
                    if (k < 0) throw new IOException(rdb + ": ended inside a value at " + p);
                    p += k;
                }
                int end = payload.length - 10;
                payload[end] = (byte) version;
                payload[end + 1] = (byte) (version >>> 8);
                long crc = Crc64.of(payload, 0, end + 2);
                for (int i = 0; i < 8; i++) payload[end + 2 + i] = (byte) (crc >>> (8 * i));
                g.writeStartObject();
                g.writeNumberField("db", db);
                g.writeFieldName("key");
                RedisStrings.write(g, key);
                if (exp >= 0) g.writeNumberField("expire_at_ms", exp);
                g.writeStringField("dump", Base64.getEncoder().encodeToString(payload));
                g.writeEndObject();
                n++;
            }
            g.writeRaw('\n');
        }
        return n;
    }

    /** Whether a file is a payload set (JSON lines) rather than an RDB. */
    public static boolean looksLikeOne(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            int c = in.read();
            return c == '{';
        }
    }

    /** A payload set as a diff source. */
    public static final class Source implements KeySource {
        private final Path file;

        public Source(Path file) {
            this.file = file;
        }

        @Override
        public String describe() {
            return file.toString();
        }

        @Override
        public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
            long lineNo = 0;
            for (String line : (Iterable<String>) Files.lines(file, StandardCharsets.UTF_8)::iterator) {
                lineNo++;
                if (line.isBlank()) continue;
                Entry e = parse(line, lineNo);
                try (RdbReader r = RdbReader.ofDumpPayload(e.payload, file + " line " + lineNo)) {
                    if (r.next() != RdbToken.KEY || !selector.select(e.db, e.key, r.type())) continue;
                    sink.accept(new KeyRecord(e.db, e.key, e.expireAtMs, ValueDigest.of(r), lineNo));
                }
            }
        }

        @Override
        public CollectedValue fetch(KeyRecord record) throws IOException {
            long lineNo = 0;
            for (String line : (Iterable<String>) Files.lines(file, StandardCharsets.UTF_8)::iterator) {
                if (++lineNo != record.locator()) continue;
                Entry e = parse(line, lineNo);
                try (RdbReader r = RdbReader.ofDumpPayload(e.payload, file + " line " + lineNo)) {
                    r.next();
                    CollectedValue v = CollectedValue.of(r);
                    return new CollectedValue(v.type(), e.expireAtMs, v.elements());
                }
            }
            return null;
        }

        private record Entry(int db, byte[] key, long expireAtMs, byte[] payload) {
        }

        private Entry parse(String line, long lineNo) throws IOException {
            int db = 0;
            byte[] key = null, payload = null;
            long exp = -1;
            try (JsonParser p = JSON.createParser(line)) {
                if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException(file + ": line " + lineNo + " is not a JSON object");
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (f) {
                        case "db" -> db = p.getIntValue();
                        case "expire_at_ms" -> exp = p.getLongValue();
                        case "dump" -> payload = Base64.getDecoder().decode(p.getText());
                        case "key" -> {
                            if (v == JsonToken.START_OBJECT) {
                                p.nextToken();
                                p.nextToken();
                                key = Base64.getDecoder().decode(p.getText());
                                p.nextToken();
                            } else {
                                key = p.getText().getBytes(StandardCharsets.UTF_8);
                            }
                        }
                        default -> p.skipChildren();
                    }
                }
            } catch (IllegalArgumentException | com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IOException(file + ": line " + lineNo + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
            if (key == null || payload == null) throw new IOException(file + ": line " + lineNo + " needs key and dump");
            return new Entry(db, key, exp, payload);
        }

        @Override
        public boolean live() {
            return false;
        }

        @Override
        public void close() {
        }
    }
}
