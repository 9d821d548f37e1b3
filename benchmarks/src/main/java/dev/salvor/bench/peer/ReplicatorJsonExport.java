package dev.salvor.bench.peer;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.moilioncircle.redis.replicator.Configuration;
import com.moilioncircle.redis.replicator.FileType;
import com.moilioncircle.redis.replicator.RedisReplicator;
import com.moilioncircle.redis.replicator.Replicator;
import com.moilioncircle.redis.replicator.rdb.DefaultRdbVisitor;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueHash;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueList;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueModule;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueSet;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueStream;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueString;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyStringValueZSet;
import com.moilioncircle.redis.replicator.rdb.datatype.KeyValuePair;
import com.moilioncircle.redis.replicator.rdb.datatype.Stream;
import com.moilioncircle.redis.replicator.rdb.datatype.ZSetEntry;

import java.io.BufferedOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The Java peer of the benchmark script: redis-replicator reads an
 * RDB file and Jackson's streaming generator writes every key as one NDJSON line in Salvor's
 * export shape ({@code db, key, type, expire_at_ms, value}; a string that is not UTF-8 as
 * {@code {"base64":...}}). It does what a user would write with these two libraries to get the
 * same output, so the ratio against {@code salvor export} is measured on the same file in the same
 * run rather than quoted. Not part of the CLI.
 *
 * <p>The library's value decoding runs with two faults fixed ({@link PatchedValueVisitor}): as
 * released, 3.8.1 stops on files that real servers write with an {@code inf} score in a small zset
 * or a stream whose entries differ in their fields, which both benchmark datasets hold.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.salvor.bench.peer.ReplicatorJsonExport [--as-released] RDB [OUT|-]}.
 * Prints the number of keys written to stderr; exits 1 if the library fails on the file.
 */
public final class ReplicatorJsonExport implements AutoCloseable {
    private final JsonGenerator json;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private CharBuffer chars = CharBuffer.allocate(1024);
    private final boolean asReleased;
    private long keys;

    public ReplicatorJsonExport(OutputStream out) throws IOException {
        this(out, false);
    }

    /** {@code asReleased}: the library's own value decoding, without {@link PatchedValueVisitor}. */
    public ReplicatorJsonExport(OutputStream out, boolean asReleased) throws IOException {
        this.asReleased = asReleased;
        JsonFactory factory = JsonFactory.builder().build();
        json = factory.createGenerator(out, JsonEncoding.UTF8);
        json.setRootValueSeparator(null);
    }

    public static void main(String[] args) throws IOException {
        List<String> operands = new ArrayList<>(Arrays.asList(args));
        boolean asReleased = operands.remove("--as-released");
        if (operands.isEmpty() || operands.size() > 2) {
            System.err.println("usage: ReplicatorJsonExport [--as-released] RDB [OUT|-]");
            System.exit(2);
        }
        OutputStream sink = operands.size() == 1 || operands.get(1).equals("-") ? System.out : new FileOutputStream(operands.get(1));
        long keys;
        try (ReplicatorJsonExport export = new ReplicatorJsonExport(new BufferedOutputStream(sink, 1 << 16), asReleased)) {
            keys = export.run(new File(operands.get(0)));
        } catch (IOException | RuntimeException e) {
            System.err.println("redis-replicator failed: " + e);
            System.exit(1);
            return;
        }
        System.err.println(keys + " keys");
    }

    /** Reads the whole file, writing one line per key; returns the number of keys written. */
    public long run(File rdb) throws IOException {
        Replicator replicator = new RedisReplicator(rdb, FileType.RDB, Configuration.defaultSetting());
        if (!asReleased) replicator.setRdbVisitor(new DefaultRdbVisitor(replicator, new PatchedValueVisitor(replicator)));
        IOException[] failure = new IOException[1];
        replicator.addEventListener((r, event) -> {
            if (!(event instanceof KeyValuePair<?, ?> kv) || failure[0] != null) return;
            try {
                write(kv);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        replicator.addExceptionListener((r, e, event) -> failure[0] = e instanceof IOException io ? io : new IOException(e));
        replicator.open();
        if (failure[0] != null) throw failure[0];
        json.flush();
        return keys;
    }

    private void write(KeyValuePair<?, ?> kv) throws IOException {
        String type;
        if (kv instanceof KeyStringValueString) type = "string";
        else if (kv instanceof KeyStringValueList) type = "list";
        else if (kv instanceof KeyStringValueSet) type = "set";
        else if (kv instanceof KeyStringValueZSet) type = "zset";
        else if (kv instanceof KeyStringValueHash) type = "hash";
        else if (kv instanceof KeyStringValueStream) type = "stream";
        else if (kv instanceof KeyStringValueModule) type = "module";
        else return;
        json.writeStartObject();
        json.writeNumberField("db", kv.getDb() == null ? 0 : kv.getDb().getDbNumber());
        json.writeFieldName("key");
        redisString((byte[]) kv.getKey());
        json.writeStringField("type", type);
        Long expire = kv.getExpiredMs();
        if (expire != null) json.writeNumberField("expire_at_ms", expire);
        json.writeFieldName("value");
        switch (type) {
            case "string" -> redisString(((KeyStringValueString) kv).getValue());
            case "list" -> strings(((KeyStringValueList) kv).getValue());
            case "set" -> strings(((KeyStringValueSet) kv).getValue());
            case "zset" -> {
                json.writeStartArray();
                for (ZSetEntry e : ((KeyStringValueZSet) kv).getValue()) {
                    json.writeStartArray();
                    redisString(e.getElement());
                    score(e.getScore());
                    json.writeEndArray();
                }
                json.writeEndArray();
            }
            case "hash" -> pairs(((KeyStringValueHash) kv).getValue());
            case "stream" -> stream(((KeyStringValueStream) kv).getValue());
            default -> json.writeNull();
        }
        json.writeEndObject();
        json.writeRaw('\n');
        keys++;
    }

    private void strings(Iterable<byte[]> values) throws IOException {
        json.writeStartArray();
        for (byte[] v : values) redisString(v);
        json.writeEndArray();
    }

    private void pairs(Map<byte[], byte[]> map) throws IOException {
        json.writeStartArray();
        for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
            json.writeStartArray();
            redisString(e.getKey());
            redisString(e.getValue());
            json.writeEndArray();
        }
        json.writeEndArray();
    }

    private void score(double s) throws IOException {
        if (s == Double.POSITIVE_INFINITY) json.writeString("inf");
        else if (s == Double.NEGATIVE_INFINITY) json.writeString("-inf");
        else json.writeNumber(s);
    }

    private void stream(Stream s) throws IOException {
        json.writeStartObject();
        json.writeArrayFieldStart("entries");
        for (Stream.Entry e : s.getEntries().values()) {
            if (e.isDeleted()) continue;
            json.writeStartArray();
            json.writeString(e.getId().toString());
            pairs(e.getFields());
            json.writeEndArray();
        }
        json.writeEndArray();
        json.writeNumberField("length", s.getLength());
        json.writeStringField("last_id", s.getLastId().toString());
        json.writeArrayFieldStart("groups");
        List<Stream.Group> groups = new ArrayList<>(s.getGroups() == null ? List.of() : s.getGroups());
        groups.sort((a, b) -> Arrays.compareUnsigned(a.getName(), b.getName()));
        for (Stream.Group g : groups) {
            json.writeStartObject();
            json.writeFieldName("name");
            redisString(g.getName());
            json.writeStringField("last_delivered_id", g.getLastId().toString());
            json.writeArrayFieldStart("pending");
            for (Stream.ID id : g.getPendingEntries().keySet()) json.writeString(id.toString());
            json.writeEndArray();
            List<Stream.Consumer> consumers = new ArrayList<>(g.getConsumers());
            consumers.sort((a, b) -> Arrays.compareUnsigned(a.getName(), b.getName()));
            json.writeArrayFieldStart("consumers");
            for (Stream.Consumer c : consumers) redisString(c.getName());
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    /** A JSON string when the bytes are strict UTF-8 (the JDK's decoder), otherwise {"base64": ...}. */
    private void redisString(byte[] b) throws IOException {
        if (chars.capacity() < b.length) chars = CharBuffer.allocate(Math.max(b.length, chars.capacity() * 2));
        chars.clear();
        utf8.reset();
        try {
            var result = utf8.decode(ByteBuffer.wrap(b), chars, true);
            if (result.isError()) result.throwException();
            result = utf8.flush(chars);
            if (result.isError()) result.throwException();
        } catch (CharacterCodingException e) {
            json.writeStartObject();
            json.writeStringField("base64", Base64.getEncoder().encodeToString(b));
            json.writeEndObject();
            return;
        }
        json.writeString(chars.array(), 0, chars.position());
    }

    @Override
    public void close() throws IOException {
        try {
            json.close();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
