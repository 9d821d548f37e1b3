package dev.salvor.diff;

import com.fasterxml.jackson.core.Base64Variant;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.salvor.export.KeySelector;
import dev.salvor.export.RedisStrings;
import dev.salvor.format.FileRanges;
import dev.salvor.format.InputFile;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RedisType;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
        try (InputFile in = InputFile.open(rdb); RdbReader r = RdbReader.open(in);
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
                r.skipValue(RdbReader.Skip.FRAMING);
                if (!selected) continue;
                long to = r.keyEndOffset();
                // A key read from a Dragonfly compressed blob has its value's bytes in the blob's content.
                byte[] inBlob = r.blobValueBytes();
                long length = inBlob != null ? inBlob.length : to - from;
                if (length > Integer.MAX_VALUE - 16) throw new IOException(rdb + ": value of " + length + " bytes is too large for one payload");
                byte[] payload = new byte[(int) length + 1 + dev.salvor.rdb.DumpFooter.SIZE];
                payload[0] = (byte) type;
                if (inBlob != null) System.arraycopy(inBlob, 0, payload, 1, inBlob.length);
                else FileRanges.readFully(in.channel(), from, payload, 1, (int) length);
                payload = dev.salvor.rdb.DumpFooter.seal(payload, payload.length - dev.salvor.rdb.DumpFooter.SIZE, version);
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
        // An RDB starts with its magic; a payload set with '{', or is only a newline when it holds
        // no key (what export writes for an empty RDB). An empty file is neither: a damaged RDB.
        try (var in = new BufferedInputStream(Files.newInputStream(file))) {
            int c, n = 0;
            while ((c = in.read()) == '\n' || c == '\r' || c == ' ' || c == '\t') n++;
            return c == '{' || c < 0 && n > 0;
        }
    }

    /**
     * A payload set as a diff source. The file is read as a stream of JSON objects, never line by
     * line into strings: a payload is decoded from base64 straight into bytes as they arrive, so a
     * 64 MB line costs its payload once (plus one copy), not five times over.
     */
    public static final class Source implements KeySource {
        /**
         * The largest payload read: a server with the default {@code proto-max-bulk-len} (512 MB)
         * takes no larger RESTORE argument, so a larger one is damage, refused before it is held.
         */
        public static final long MAX_PAYLOAD_BYTES = 512L << 20;
        private static final Base64Variant BASE64 = Base64Variants.MIME_NO_LINEFEEDS.withReadPadding(Base64Variant.PaddingReadBehaviour.PADDING_ALLOWED);

        private final Path file;
        private final long maxPayload;

        public Source(Path file) {
            this(file, MAX_PAYLOAD_BYTES);
        }

        public Source(Path file, long maxPayloadBytes) {
            this.file = file;
            this.maxPayload = maxPayloadBytes;
        }

        @Override
        public String describe() {
            return file.toString();
        }

        @Override
        public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                 JsonParser p = JSON.createParser(in)) {
                JsonToken t;
                while ((t = next(p, "after line " + p.currentLocation().getLineNr())) != null) {
                    JsonLocation at = p.currentTokenLocation();
                    String where = "line " + at.getLineNr();
                    Entry e = parse(p, t, where);
                    RedisType type = null;
                    ValueDigest digest;
                    try (RdbReader r = RdbReader.ofDumpPayload(e.payload, file + " " + where)) {
                        if (r.next() != RdbToken.KEY) continue;
                        type = r.type();
                        if (!selector.select(e.db, e.key, type)) continue;
                        digest = ValueDigest.of(r);
                    } catch (RdbFormatException damage) {
                        // One corrupt payload is one damaged key, not the end of the comparison; fetch
                        // reads it again to say what is wrong. Without a readable type, only the
                        // database and name filters apply.
                        if (!selectedAnyType(selector, e.db, e.key, type)) continue;
                        digest = ValueDigest.unreadable(type);
                    }
                    // The record's byte offset: fetch reads the one object there again.
                    sink.accept(new KeyRecord(e.db, e.key, e.expireAtMs, digest, at.getByteOffset()));
                }
            }
        }

        private static boolean selectedAnyType(KeySelector selector, int db, byte[] key, RedisType type) {
            if (type != null) return selector.select(db, key, type);
            for (RedisType t : RedisType.values()) {
                if (selector.select(db, key, t)) return true;
            }
            return false;
        }

        @Override
        public CollectedValue fetch(KeyRecord record) throws IOException {
            try (FileChannel ch = FileChannel.open(file)) {
                ch.position(record.locator());
                try (JsonParser p = JSON.createParser(new BufferedInputStream(Channels.newInputStream(ch), 1 << 16))) {
                    String where = "byte offset " + record.locator();
                    Entry e = parse(p, next(p, where), where);
                    try (RdbReader r = RdbReader.ofDumpPayload(e.payload, file + " " + where)) {
                        r.next();
                        CollectedValue v = CollectedValue.of(r);
                        return new CollectedValue(v.type(), e.expireAtMs, v.elements());
                    }
                }
            }
        }

        private record Entry(int db, byte[] key, long expireAtMs, byte[] payload) {
        }

        private JsonToken next(JsonParser p, String where) throws IOException {
            try {
                return p.nextToken();
            } catch (JsonProcessingException e) {
                throw located(e, where);
            }
        }

        private IOException located(JsonProcessingException e, String where) {
            JsonLocation l = e.getLocation();
            String at = l == null ? where : "line " + l.getLineNr() + " (byte offset " + l.getByteOffset() + ")";
            return new IOException(file + ": " + at + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        }

        private Entry parse(JsonParser p, JsonToken first, String where) throws IOException {
            int db = 0;
            byte[] key = null, payload = null;
            long exp = -1;
            try {
                if (first != JsonToken.START_OBJECT) throw new IOException(file + ": " + where + " is not a JSON object");
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String f = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (f) {
                        case "db" -> db = p.getIntValue();
                        case "expire_at_ms" -> exp = p.getLongValue();
                        case "dump" -> {
                            if (v != JsonToken.VALUE_STRING) throw new IOException(file + ": " + where + ": dump is not a base64 string");
                            BoundedBytes out = new BoundedBytes(maxPayload, file + ": " + where);
                            p.readBinaryValue(BASE64, out);
                            payload = out.toByteArray();
                        }
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
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + where + ": " + e.getMessage());
            } catch (JsonProcessingException e) {
                throw located(e, where);
            }
            if (key == null || payload == null) throw new IOException(file + ": " + where + " needs key and dump");
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

    /**
     * Decoded payload bytes, kept in chunks as they arrive (memory follows the bytes present, never
     * a declared size) and refused past a limit; joined once at the end.
     */
    private static final class BoundedBytes extends OutputStream {
        /** Below G1's humongous size for small heaps, so chunks pack into regions without waste. */
        private static final int CHUNK = 256 << 10;
        private final long max;
        private final String where;
        private final List<byte[]> chunks = new ArrayList<>();
        private byte[] current = new byte[8192];
        private int used;
        private long total;

        BoundedBytes(long max, String where) {
            this.max = max;
            this.where = where;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (total + len > max) throw new IOException(where + ": DUMP payload longer than " + max + " bytes (no server would RESTORE it)");
            total += len;
            while (len > 0) {
                if (used == current.length) {
                    chunks.add(current);
                    current = new byte[(int) Math.min(CHUNK, Math.max(8192, total))];
                    used = 0;
                }
                int k = Math.min(len, current.length - used);
                System.arraycopy(b, off, current, used, k);
                used += k;
                off += k;
                len -= k;
            }
        }

        byte[] toByteArray() {
            if (total > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("DUMP payload of " + total + " bytes is too large for one array");
            byte[] out = new byte[(int) total];
            int at = 0;
            for (byte[] c : chunks) {
                System.arraycopy(c, 0, out, at, c.length);
                at += c.length;
            }
            System.arraycopy(current, 0, out, at, used);
            chunks.clear();
            return out;
        }
    }
}
