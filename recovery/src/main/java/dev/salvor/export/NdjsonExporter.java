package dev.salvor.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.salvor.rdb.ElementKind;
import dev.salvor.rdb.ElementView;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.ReadProgress;
import dev.salvor.rdb.RecordView;
import dev.salvor.rdb.RedisType;
import dev.salvor.rdb.StreamId;
import dev.salvor.rdb.StringRef;
import dev.salvor.rdb.walk.RdbVisitor;
import dev.salvor.rdb.walk.RdbWalker;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * Writes keys read by an {@link RdbReader} in Salvor's export format (one JSON object per key:
 * db, key, type, expire_at_ms, value). Keys and elements stream out in the file's order; with
 * sorting on, set, zset and hash elements are written in the canonical order of the format (by
 * bytes, or by score then member) as long as a value stays under the sort limit, and a larger
 * value falls back to file order so memory stays bounded whatever the key size.
 */
public final class NdjsonExporter implements Closeable, RdbVisitor {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
            .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
            .build();

    // Names written for every key, encoded once.
    private static final SerializedString DB = new SerializedString("db");
    private static final SerializedString KEY = new SerializedString("key");
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString EXPIRE_AT_MS = new SerializedString("expire_at_ms");
    private static final SerializedString VALUE = new SerializedString("value");
    private static final SerializedString[] TYPE_NAMES = java.util.Arrays.stream(RedisType.values())
            .map(t -> new SerializedString(t.wireName())).toArray(SerializedString[]::new);

    /** With sorting on, values whose elements take more than this are written in file order. */
    public static final long DEFAULT_SORT_LIMIT = 64L << 20;
    /** Sorting off: elements in file order. */
    public static final long NO_SORT = -1;
    private static final int RECORD_BUFFER_LIMIT = 8 << 20;

    private final OutputStream out;
    private final RecordBuffer record;
    private JsonGenerator g;
    private final ExportFormat format;
    private final KeySelector selector;
    private final long sortLimit;
    private final ElementBuffer buffer = new ElementBuffer();
    private long keysWritten;
    private long keysSkipped;
    private long functions;
    private long elements;
    private boolean first = true;
    private boolean closed;
    // The file a record comes from, when records of several files share one output (an AOF's parts).
    private String segment;

    // The key record being written: its type (null when no key record is open), and its state.
    private RedisType type;
    private long keyElements;
    private boolean keyExpiryUnknown;
    /** The RDB version of the key being written (a module value's DUMP payload carries it). */
    private int keyVersion;
    private boolean keyTailUnverified;
    /** Sorted output only: the value outgrew the sort limit and goes on in file order. */
    private boolean streaming;
    private boolean entriesOpen;
    private boolean groupOpen;
    private boolean inConsumers;
    /** Streams v5 (Redis 8.8): each group lists the ids nacked back to it. */
    private boolean nackedField;
    private boolean inNacked;
    /** Streams v4+ (Redis 8.6): the groups array was closed for the idempotent-producer state. */
    private boolean groupsClosed;
    private boolean producerOpen;
    /** A KeyDB cron job: the list being written ("keys" or "args"), or null before them. */
    private String cronList;
    private ElementView boundView;
    private IntFunction<Object> streamFields;
    private IntFunction<Object> streamValues;
    /** Text of a score or stream id being written. */
    private final char[] numberText = new char[Math.max(JsonNumbers.SCORE_CHARS, JsonNumbers.STREAM_ID_CHARS)];

    public NdjsonExporter(OutputStream out, ExportFormat format, KeySelector selector, long sortLimit) throws IOException {
        this.out = out;
        this.format = format;
        this.selector = selector;
        this.sortLimit = sortLimit;
        this.record = new RecordBuffer(out, RECORD_BUFFER_LIMIT);
        this.g = newGenerator();
        if (format == ExportFormat.JSON) out.write('[');
    }

    private JsonGenerator newGenerator() throws IOException {
        JsonGenerator gen = JSON.createGenerator(record, JsonEncoding.UTF8);
        // Records are separated by our own newlines, not by the generator.
        gen.setRootValueSeparator(new SerializedString(""));
        return gen;
    }

    /**
     * Drops the unfinished record; the generator's nesting state went with it, so start a new one.
     * A record over the buffer limit has already sent its first part to the output: that part is
     * closed as valid JSON and marked {@code "partial": true}, never left as a fragment.
     */
    private void abandonRecord() throws IOException {
        g.flush();
        if (record.discard()) {
            closeOpenRecord();
            endRecord();
        }
        g = newGenerator();
    }

    /**
     * Closes every array and object still open in the generator; the key's object gets the
     * partial flag. Reads fail only between whole tokens (a field name is always followed by its
     * value before the next read), so every open object is ready for another field.
     */
    private void closeOpenRecord() throws IOException {
        JsonStreamContext ctx = g.getOutputContext();
        while (!ctx.inRoot()) {
            if (ctx.inArray()) {
                g.writeEndArray();
            } else {
                if (ctx.getParent().inRoot()) {
                    g.writeBooleanField("partial", true);
                    writeSegment();
                }
                g.writeEndObject();
            }
            ctx = g.getOutputContext();
        }
    }

    public NdjsonExporter(OutputStream out) throws IOException {
        this(out, ExportFormat.NDJSON, KeySelector.ALL, NO_SORT);
    }

    /** Reads the whole input and writes every selected key and function. */
    public ExportSummary export(RdbReader reader) throws IOException {
        return export(reader, Long.MAX_VALUE, null);
    }

    /**
     * Writes every selected key and function of the records that start before {@code end} (an
     * offset where a top-level record begins), or up to the end of the file.
     */
    public ExportSummary export(RdbReader reader, long end) throws IOException {
        return export(reader, end, null);
    }

    /** As {@link #export(RdbReader, long)}; {@code progress} (may be null) hears the offset now and then. */
    public ExportSummary export(RdbReader reader, long end, LongConsumer progress) throws IOException {
        RdbWalker.walk(reader, this, end, progress);
        return summary();
    }

    /** Function libraries are written unless the export is narrowed to some keys. */
    public boolean includeFunctions() {
        return selector == KeySelector.ALL || selector instanceof Narrowing n && !n.narrows();
    }

    /** A selector that can tell whether it lets everything through. */
    public interface Narrowing extends KeySelector {
        boolean narrows();
    }

    public ExportSummary summary() {
        return new ExportSummary(keysWritten, keysSkipped, functions, elements);
    }

    private void beginRecord() throws IOException {
        if (format == ExportFormat.JSON && !first) record.write(',');
        if (format == ExportFormat.JSON) record.write('\n');
        first = false;
    }

    /** Opens a key's record up to its value: {"db":..,"key":..,"type":..,["expire_at_ms":..,]"value": */
    private void beginKeyRecord(int db, byte[] key, RedisType type, long expireAtMs) throws IOException {
        beginKeyRecord(db, key, type, expireAtMs, List.of());
    }

    /**
     * As above, with the key's Redis 8.6+ metadata classes (each framed, not decoded):
     * {@code "metadata": [{"class", "version", "flags", "value_offset", "value_length"}]}, written
     * only when the key has some.
     */
    private void beginKeyRecord(int db, byte[] key, RedisType type, long expireAtMs, List<dev.salvor.rdb.KeyMetadata> metadata) throws IOException {
        beginRecord();
        g.writeStartObject();
        g.writeFieldName(DB);
        g.writeNumber(db);
        g.writeFieldName(KEY);
        RedisStrings.write(g, key);
        g.writeFieldName(TYPE);
        g.writeString(TYPE_NAMES[type.ordinal()]);
        if (expireAtMs >= 0) {
            g.writeFieldName(EXPIRE_AT_MS);
            g.writeNumber(expireAtMs);
        }
        if (!metadata.isEmpty()) {
            g.writeFieldName("metadata");
            g.writeStartArray();
            for (dev.salvor.rdb.KeyMetadata m : metadata) {
                g.writeStartObject();
                g.writeStringField("class", m.className());
                g.writeNumberField("version", m.version());
                g.writeNumberField("flags", m.flags());
                g.writeNumberField("value_offset", m.valueOffset());
                g.writeNumberField("value_length", m.valueLength());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeFieldName(VALUE);
    }

    private void endRecord() throws IOException {
        g.flush();
        if (format == ExportFormat.NDJSON) record.write('\n');
        record.commit();
    }

    /**
     * From now on, key and function records end with {@code "segment": name}: the file of a
     * multi-part AOF (or the AOF with an RDB preamble) they come from; null: no such field.
     */
    public void segment(String name) {
        this.segment = name;
    }

    private void writeSegment() throws IOException {
        if (segment != null) g.writeStringField("segment", segment);
    }

    /** Writes a record of another kind through the generator (one object), framed like every other record. */
    public void writeRecord(RecordWriter w) throws IOException {
        beginRecord();
        try {
            w.write(g);
            endRecord();
        } catch (IOException | RuntimeException e) {
            abandonRecord();
            throw e;
        }
    }

    /** Writes one record's object. */
    public interface RecordWriter {
        void write(JsonGenerator g) throws IOException;
    }

    /** Writes a function library record: {"record":"function","library":name,"code":text}. */
    public void writeFunction(String library, StringRef code) throws IOException {
        beginRecord();
        g.writeStartObject();
        g.writeStringField("record", "function");
        g.writeFieldName("library");
        g.writeString(library);
        g.writeFieldName("code");
        RedisStrings.write(g, code);
        writeSegment();
        g.writeEndObject();
        endRecord();
        functions++;
    }

    @Override
    public void record(RdbToken token, RecordView record) throws IOException {
        if (token == RdbToken.FUNCTION && includeFunctions()) writeFunction(record.functionLibraryName(), record.functionCode());
        if (token == RdbToken.COMMAND && includeFunctions()) {
            // Valkey's UPDATE: a command the server replays while loading, in the AOF export's form.
            long at = record.tokenOffset();
            int db = record.db();
            java.util.List<byte[]> argv = record.commandArgs();
            writeRecord(g -> {
                g.writeStartObject();
                g.writeStringField("record", "command");
                g.writeNumberField("offset", at);
                g.writeNumberField("db", db);
                g.writeArrayFieldStart("argv");
                for (byte[] a : argv) RedisStrings.write(g, a);
                g.writeEndArray();
                g.writeEndObject();
            });
        }
    }

    @Override
    public Value beginKey(KeyHeader key) throws IOException {
        return beginKey(key, false, false);
    }

    /**
     * Opens the key's record up to its value (or skips the key, still decoding it, when not
     * selected). For a salvaged key next to damage: {@code expiryUnknown} adds
     * {@code "expiry_unknown": true} (its expiry prefix may have been lost to the damage),
     * {@code tailUnverified} adds {@code "unverified": true} (its value ends in unchecked bytes
     * shortly before the damage, and a wrong length may have taken bytes that were not its own).
     */
    public Value beginKey(KeyHeader k, boolean expiryUnknown, boolean tailUnverified) throws IOException {
        int db = k.db();
        byte[] key = k.key();
        RedisType t = k.type();
        if (!selector.select(db, key, t)) {
            keysSkipped++;
            return Value.DECODE;
        }
        type = t;
        keyElements = 0;
        keyExpiryUnknown = expiryUnknown;
        keyTailUnverified = tailUnverified;
        keyVersion = k.version();
        beginKeyRecord(db, key, t, k.expireAtMs(), k.keyMetadata());
        switch (t) {
            case STRING -> {
            }
            case LIST -> g.writeStartArray();
            case SET, ZSET, HASH -> {
                g.writeStartArray();
                buffer.clear();
                streaming = false;
            }
            case STREAM -> {
                g.writeStartObject();
                g.writeFieldName("entries");
                g.writeStartArray();
                entriesOpen = true;
                groupOpen = false;
                inConsumers = false;
                inNacked = false;
                groupsClosed = false;
                producerOpen = false;
                nackedField = k.encoding() == dev.salvor.rdb.RdbEncoding.STREAM_LISTPACKS_5;
            }
            case MODULE -> g.writeStartObject();
            case CRON -> {
                g.writeStartObject();
                cronList = null;
            }
            case ARRAY -> {
                g.writeStartObject();
                if (k.arrayInsertIndex() != -1) {
                    g.writeFieldName("insert_index");
                    g.writeNumber(Long.toUnsignedString(k.arrayInsertIndex()));
                }
                g.writeFieldName("elements");
                g.writeStartArray();
            }
        }
        return Value.ELEMENTS;
    }

    @Override
    public void element(ElementView e) throws IOException {
        elements++;
        keyElements++;
        switch (type) {
            case STRING, LIST -> RedisStrings.write(g, e.item());
            case SET, ZSET, HASH -> {
                if (sortLimit < 0 || streaming) {
                    writeElement(e, type);
                    return;
                }
                byte[] second = e.elementKind() == ElementKind.HASH_ENTRY ? e.hashValue().toBytes() : null;
                buffer.add(e.item().toBytes(), second, e.score(), e.fieldExpireAtMs());
                if (buffer.bytes() > sortLimit) {
                    for (ElementBuffer.Element b : buffer.inOrder()) writeBuffered(b, type);
                    buffer.clear();
                    streaming = true;
                }
            }
            case STREAM -> streamElement(e);
            case ARRAY -> {
                g.writeStartArray();
                g.writeNumber(Long.toUnsignedString(e.arrayIndex()));
                RedisStrings.write(g, e.item());
                g.writeEndArray();
            }
            case CRON -> cronElement(e);
            case MODULE -> {
                if (e.moduleValue().ofModule()) {
                    g.writeStringField("module", e.moduleName());
                    g.writeNumberField("encoding_version", e.moduleVersion());
                } else {
                    g.writeStringField("dragonfly_type", e.moduleValue().dragonflyType());
                }
                // In a Dragonfly compressed blob the value's offset is in the blob's content.
                if (e.compressedBlob() != null) g.writeNumberField("blob_offset", e.compressedBlob().start());
                g.writeNumberField("value_offset", e.moduleValueStart());
                g.writeNumberField("value_length", e.moduleValueEnd() - e.moduleValueStart());
                ModuleValues.write(g, e.moduleValue(), keyVersion);
            }
        }
    }

    @Override
    public void endKey(KeyHeader key) throws IOException {
        if (type == null) return;
        switch (type) {
            case STRING -> {
                if (keyElements != 1) throw new IllegalStateException("a string value has " + keyElements + " elements");
            }
            case LIST, MODULE -> {
                if (type == RedisType.LIST) g.writeEndArray();
                else g.writeEndObject();
            }
            case SET, ZSET, HASH -> {
                if (sortLimit >= 0 && !streaming) {
                    List<ElementBuffer.Element> list = buffer.sorted(type == RedisType.ZSET ? ElementBuffer.BY_SCORE_THEN_MEMBER : ElementBuffer.BY_FIRST);
                    for (ElementBuffer.Element b : list) writeBuffered(b, type);
                }
                buffer.clear();
                g.writeEndArray();
            }
            case ARRAY -> {
                g.writeEndArray();
                g.writeEndObject();
            }
            case CRON -> {
                if (cronList != null) g.writeEndArray();
                if (!"args".equals(cronList)) {
                    g.writeFieldName("args");
                    g.writeStartArray();
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            case STREAM -> {
                if (entriesOpen) throw new IllegalStateException("stream without metadata");
                if (!groupsClosed) {
                    if (groupOpen) closeGroup(inConsumers);
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
        }
        writeMemberExpiries(key.memberExpiries());
        if (keyExpiryUnknown) g.writeBooleanField("expiry_unknown", true);
        if (keyTailUnverified) g.writeBooleanField("unverified", true);
        writeSegment();
        g.writeEndObject();
        endRecord();
        type = null;
        keysWritten++;
    }

    /**
     * A KeyDB cron job: {@code {"script", "start_ms", "interval_ms", "keys": [...], "args": [...]}}
     * (KeyDB src/rdb.cpp saves them in this order).
     */
    private void cronElement(ElementView e) throws IOException {
        switch (e.elementKind()) {
            case CRON_JOB -> {
                g.writeFieldName("script");
                RedisStrings.write(g, e.item());
                g.writeNumberField("start_ms", e.cronStartMs());
                g.writeNumberField("interval_ms", e.cronIntervalMs());
                g.writeFieldName("keys");
                g.writeStartArray();
                cronList = "keys";
            }
            case CRON_KEY -> RedisStrings.write(g, e.item());
            default -> {
                if (!"args".equals(cronList)) {
                    g.writeEndArray();
                    g.writeFieldName("args");
                    g.writeStartArray();
                    cronList = "args";
                }
                RedisStrings.write(g, e.item());
            }
        }
    }

    /**
     * KeyDB's member expiries (AUX pairs after the key's value), in file order:
     * {@code "member_expire_at_ms": [[member, ms], ...]}, {@code null} for a member whose time the
     * file does not give; written only when the key has some.
     */
    private void writeMemberExpiries(List<dev.salvor.rdb.MemberExpiry> expiries) throws IOException {
        if (expiries.isEmpty()) return;
        g.writeFieldName("member_expire_at_ms");
        g.writeStartArray();
        for (dev.salvor.rdb.MemberExpiry m : expiries) {
            g.writeStartArray();
            RedisStrings.write(g, m.member());
            if (m.expireAtMs() >= 0) g.writeNumber(m.expireAtMs());
            else g.writeNull();
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    /** A read error, or a failure to write: the unfinished record is dropped (or closed as partial). */
    @Override
    public void aborted(Exception error, ReadProgress progress) throws IOException {
        if (type == null) return;
        type = null;
        buffer.clear();
        abandonRecord();
    }

    /**
     * Writes a collection held in memory (the intact part of a damaged key), in the same shape as
     * a streamed one, with {@code "partial": true} when asked.
     */
    public void writeElements(int db, byte[] key, RedisType type, long expireAtMs, List<ValueElement> values, boolean partial)
            throws IOException {
        beginKeyRecord(db, key, type, expireAtMs);
        g.writeStartArray();
        for (ValueElement e : values) {
            switch (type) {
                case LIST, SET -> RedisStrings.write(g, e.item());
                default -> writeMember(type, e.item(), e.value(), e.score(), e.fieldExpireAtMs());
            }
        }
        g.writeEndArray();
        endHeldRecord(partial, values.size());
    }

    /** Closes the record of a value held in memory: the partial flag, the counts. */
    private void endHeldRecord(boolean partial, int count) throws IOException {
        if (partial) g.writeBooleanField("partial", true);
        writeSegment();
        g.writeEndObject();
        endRecord();
        keysWritten++;
        elements += count;
    }

    private void writeBuffered(ElementBuffer.Element e, RedisType type) throws IOException {
        writeMember(type, e.first(), e.second(), e.score(), e.expireAtMs());
    }

    private void writeElement(ElementView e, RedisType type) throws IOException {
        switch (type) {
            case SET -> writeMember(type, e.item(), null, 0, -1);
            case ZSET -> writeMember(type, e.item(), null, e.score(), -1);
            default -> writeMember(type, e.item(), e.hashValue(), 0, e.fieldExpireAtMs());
        }
    }

    /**
     * One element of a set (member), zset ([member, score]) or hash ([field, value] or
     * [field, value, expire_at_ms]). Strings come as the reader's views or as kept bytes.
     */
    private void writeMember(RedisType type, Object member, Object value, double score, long expireAtMs) throws IOException {
        switch (type) {
            case SET -> writeText(member);
            case ZSET -> {
                g.writeStartArray();
                writeText(member);
                RedisStrings.writeScore(g, score, numberText);
                g.writeEndArray();
            }
            default -> {
                g.writeStartArray();
                writeText(member);
                writeText(value);
                if (expireAtMs >= 0) g.writeNumber(expireAtMs);
                g.writeEndArray();
            }
        }
    }

    private void writeText(Object s) throws IOException {
        if (s instanceof StringRef ref) RedisStrings.write(g, ref);
        else RedisStrings.write(g, (byte[]) s);
    }

    private void streamElement(ElementView r) throws IOException {
        switch (r.elementKind()) {
            case STREAM_ENTRY -> {
                if (r != boundView) {
                    // Bound once per reader, not per entry.
                    boundView = r;
                    streamFields = r::streamField;
                    streamValues = r::streamValue;
                }
                writeStreamEntry(r.streamId(), r.streamFieldCount(), streamFields, streamValues);
            }
            case STREAM_META -> {
                g.writeEndArray();
                entriesOpen = false;
                g.writeNumberField("length", r.streamLength());
                g.writeStringField("last_id", r.streamLastId().toString());
                g.writeFieldName("groups");
                g.writeStartArray();
            }
            case STREAM_GROUP -> {
                if (groupOpen) closeGroup(inConsumers);
                g.writeStartObject();
                g.writeFieldName("name");
                RedisStrings.write(g, r.groupName());
                g.writeStringField("last_delivered_id", r.groupLastId().toString());
                g.writeFieldName("pending");
                g.writeStartArray();
                groupOpen = true;
                inConsumers = false;
                inNacked = false;
            }
            case STREAM_GROUP_PENDING -> {
                StreamId id = r.pendingId();
                g.writeString(numberText, 0, JsonNumbers.streamId(id.ms(), id.seq(), numberText));
            }
            case STREAM_NACKED -> {
                if (!inNacked) {
                    endPendingOrConsumers();
                    g.writeFieldName("nacked");
                    g.writeStartArray();
                    inNacked = true;
                }
                g.writeString(r.pendingId().toString());
            }
            case STREAM_IDMP -> {
                if (groupOpen) closeGroup(inConsumers);
                groupOpen = false;
                g.writeEndArray();
                groupsClosed = true;
                g.writeFieldName("idmp");
                g.writeStartObject();
                g.writeNumberField("duration", r.idmpDuration());
                g.writeNumberField("max_entries", r.idmpMaxEntries());
                g.writeFieldName("producers");
                g.writeStartArray();
            }
            case STREAM_IDMP_PRODUCER -> {
                if (producerOpen) {
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeStartObject();
                g.writeFieldName("pid");
                RedisStrings.write(g, r.idmpProducer());
                g.writeFieldName("entries");
                g.writeStartArray();
                producerOpen = true;
            }
            case STREAM_IDMP_ENTRY -> {
                g.writeStartArray();
                RedisStrings.write(g, r.idmpIid());
                g.writeString(r.idmpStreamId().toString());
                g.writeEndArray();
            }
            case STREAM_IDMP_STATS -> {
                if (producerOpen) {
                    g.writeEndArray();
                    g.writeEndObject();
                    producerOpen = false;
                }
                g.writeEndArray();
                g.writeNumberField("iids_added", r.idmpIidsAdded());
                g.writeNumberField("iids_duplicates", r.idmpIidsDuplicates());
                g.writeEndObject();
            }
            case STREAM_CONSUMER -> {
                if (!inConsumers) {
                    g.writeEndArray();
                    g.writeFieldName("consumers");
                    g.writeStartArray();
                    inConsumers = true;
                }
                RedisStrings.write(g, r.consumerName());
            }
            default -> {
                // Per-consumer pending ids are not part of the export format.
            }
        }
    }

    /** [id, [[field, value], ...]]; fields and values come as the reader's views or as kept bytes. */
    private void writeStreamEntry(StreamId id, int fields, IntFunction<Object> field, IntFunction<Object> value) throws IOException {
        g.writeStartArray();
        g.writeString(numberText, 0, JsonNumbers.streamId(id.ms(), id.seq(), numberText));
        g.writeStartArray();
        for (int i = 0; i < fields; i++) {
            g.writeStartArray();
            writeText(field.apply(i));
            writeText(value.apply(i));
            g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndArray();
    }

    /**
     * Writes the intact entries of a damaged stream in the shape of a streamed one: its length and
     * last id are those of the kept entries, and it has no consumer groups (they follow the
     * entries in the file).
     */
    public void writeStreamEntries(int db, byte[] key, long expireAtMs, List<StreamEntry> entries, StreamId lastId, boolean partial)
            throws IOException {
        beginKeyRecord(db, key, RedisType.STREAM, expireAtMs);
        g.writeStartObject();
        g.writeFieldName("entries");
        g.writeStartArray();
        for (StreamEntry e : entries) writeStreamEntry(e.id(), e.fields().size(), e.fields()::get, e.values()::get);
        g.writeEndArray();
        g.writeNumberField("length", entries.size());
        g.writeStringField("last_id", lastId.toString());
        g.writeFieldName("groups");
        g.writeStartArray();
        g.writeEndArray();
        g.writeEndObject();
        endHeldRecord(partial, entries.size());
    }

    private void closeGroup(boolean inConsumers) throws IOException {
        if (!inNacked) {
            if (!inConsumers) {
                g.writeEndArray();
                g.writeFieldName("consumers");
                g.writeStartArray();
            }
            if (nackedField) {
                g.writeEndArray();
                g.writeFieldName("nacked");
                g.writeStartArray();
            }
        }
        g.writeEndArray();
        g.writeEndObject();
        inNacked = false;
    }

    /** Ends the current group's pending list (with an empty consumers list) or its consumers list. */
    private void endPendingOrConsumers() throws IOException {
        if (!inConsumers) {
            g.writeEndArray();
            g.writeFieldName("consumers");
            g.writeStartArray();
            inConsumers = true;
        }
        g.writeEndArray();
    }

    /** Finishes the output (closing the array for JSON) and flushes it. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        g.close();
        if (format == ExportFormat.JSON) out.write(first ? "]\n".getBytes(StandardCharsets.US_ASCII) : "\n]\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
