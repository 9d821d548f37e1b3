package dev.salvor.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.rdb.ModuleValue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * What export writes for a module value beyond its framing: the value as a DUMP payload that
 * RESTORE takes where the module is loaded ({@code "dump"}, base64), and for RedisJSON
 * ({@code ReJSON-RL}) the document itself ({@code "json"}), read as RedisJSON's own loader reads
 * its three encodings: version 3 is one string of JSON text; version 2 the same text followed by
 * a count (and two strings when it is not zero) that older releases kept for RediSearch; version
 * 0, RedisJSON 1.0's tree of typed nodes. A document that cannot be read is not guessed at:
 * {@code "json_error"} says why, and the payload is still there.
 */
final class ModuleValues {
    static final String REJSON = "ReJSON-RL";
    /** RedisJSON 1.0's node types (the legacy tree of encoding version 0). */
    private static final int NULL = 0x1, STRING = 0x2, NUMBER = 0x4, INTEGER = 0x8, BOOLEAN = 0x10, DICT = 0x20, ARRAY = 0x40, KEYVAL = 0x80;
    /** Deeper trees are refused: RedisJSON itself refuses documents nested deeper than 128 levels. */
    private static final int MAX_DEPTH = 1024;
    private static final JsonFactory JSON = JsonFactory.builder().build();

    private ModuleValues() {
    }

    /** Writes the {@code json}/{@code json_error} and {@code dump}/{@code dump_omitted} members of a module value's object. */
    static void write(JsonGenerator g, ModuleValue m, int rdbVersion) throws IOException {
        if (!m.ofModule()) {
            dragonflyFields(g, m);
            return;
        }
        if (!m.captured()) {
            g.writeStringField("dump_omitted", "the value is larger than " + (ModuleValue.MAX_CAPTURED >> 20) + " MiB; value_offset and value_length locate it");
            return;
        }
        if (REJSON.equals(m.moduleName())) {
            String problem = document(null, m);
            if (problem == null) {
                g.writeFieldName("json");
                document(g, m);
            } else {
                g.writeStringField("json_error", problem);
            }
        }
        g.writeStringField("dump", Base64.getEncoder().encodeToString(m.dumpPayload(rdbVersion)));
    }

    /**
     * A Dragonfly probabilistic value (no module's): its fields by name, in the order Dragonfly
     * saves them, numbers as numbers, bit arrays and counters base64 as saved ({@code "filter"},
     * {@code "item"}, {@code "count"} repeat, so they are an array of pairs, not an object).
     */
    private static void dragonflyFields(JsonGenerator g, ModuleValue m) throws IOException {
        if (!m.captured()) {
            g.writeStringField("fields_omitted", "the value is larger than " + (ModuleValue.MAX_CAPTURED >> 20) + " MiB; value_offset and value_length locate it");
            return;
        }
        g.writeFieldName("fields");
        g.writeStartArray();
        for (int i = 0; i < m.items().size(); i++) {
            ModuleValue.Item item = m.items().get(i);
            g.writeStartArray();
            g.writeString(m.names().get(i));
            switch (item.kind()) {
                case DOUBLE -> g.writeNumber(Double.longBitsToDouble(item.bits()));
                case STRING -> g.writeString(Base64.getEncoder().encodeToString(item.string()));
                default -> g.writeNumber(Long.toUnsignedString(item.bits()));
            }
            g.writeEndArray();
        }
        g.writeEndArray();
    }

    /** Checks (g null) or writes the RedisJSON document; returns why it cannot be read, or null. */
    private static String document(JsonGenerator g, ModuleValue m) throws IOException {
        List<ModuleValue.Item> items = m.items();
        switch (m.encodingVersion()) {
            case 3, 2 -> {
                if (items.isEmpty() || items.get(0).kind() != ModuleValue.Kind.STRING) return "encoding version " + m.encodingVersion() + " starts with its JSON text; this value does not";
                int expected = m.encodingVersion() == 3 ? 1 : items.size() >= 2 && items.get(1).bits() != 0 ? 4 : 2;
                if (items.size() != expected) return "encoding version " + m.encodingVersion() + " holds " + expected + " items, this value " + items.size();
                return text(g, items.get(0).string());
            }
            case 0 -> {
                int[] at = {0};
                String problem = node(g, items, at, 0);
                if (problem == null && at[0] != items.size()) problem = (items.size() - at[0]) + " items follow the document";
                return problem;
            }
            default -> {
                return "RedisJSON encoding version " + m.encodingVersion() + " is not one RedisJSON writes (0, 2, 3)";
            }
        }
    }

    /** JSON text: parsed whole (one value, nothing after it), then copied event by event. */
    private static String text(JsonGenerator g, byte[] text) throws IOException {
        if (utf8(text) == null) return "the JSON text is not valid UTF-8";
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() == null) return "the JSON text is empty";
            if (g == null) p.skipChildren();
            else g.copyCurrentStructure(p);
            if (p.nextToken() != null) return "the JSON text holds more than one value";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return "the JSON text is not valid JSON: " + e.getOriginalMessage();
        }
        return null;
    }

    private static String node(JsonGenerator g, List<ModuleValue.Item> items, int[] at, int depth) throws IOException {
        if (depth > MAX_DEPTH) return "the document is nested deeper than " + MAX_DEPTH + " levels";
        if (at[0] >= items.size()) return "the document ends early (item " + at[0] + ")";
        ModuleValue.Item head = items.get(at[0]++);
        if (head.kind() != ModuleValue.Kind.UINT && head.kind() != ModuleValue.Kind.SINT) return "item " + (at[0] - 1) + ": expected a node type";
        switch ((int) Math.min(head.bits(), Integer.MAX_VALUE)) {
            case NULL -> {
                if (g != null) g.writeNull();
                return null;
            }
            case BOOLEAN, STRING -> {
                ModuleValue.Item s = next(items, at, ModuleValue.Kind.STRING);
                if (s == null) return "item " + at[0] + ": expected a string";
                String v = utf8(s.string());
                if (v == null) return "item " + (at[0] - 1) + ": a string that is not valid UTF-8";
                if (g != null) {
                    if (head.bits() == BOOLEAN) g.writeBoolean(s.string().length > 0 && s.string()[0] == '1');
                    else g.writeString(v);
                }
                return null;
            }
            case INTEGER -> {
                ModuleValue.Item n = items.size() > at[0] ? items.get(at[0]++) : null;
                if (n == null || n.kind() != ModuleValue.Kind.SINT && n.kind() != ModuleValue.Kind.UINT) return "item " + at[0] + ": expected an integer";
                if (g != null) g.writeNumber(n.bits());
                return null;
            }
            case NUMBER -> {
                ModuleValue.Item d = next(items, at, ModuleValue.Kind.DOUBLE);
                if (d == null) return "item " + at[0] + ": expected a double";
                double v = Double.longBitsToDouble(d.bits());
                if (Double.isNaN(v) || Double.isInfinite(v)) return "item " + (at[0] - 1) + ": " + v + " is no JSON number";
                if (g != null) g.writeNumber(v);
                return null;
            }
            case DICT, ARRAY -> {
                boolean dict = head.bits() == DICT;
                ModuleValue.Item n = next(items, at, ModuleValue.Kind.UINT);
                if (n == null) return "item " + at[0] + ": expected a count";
                if (Long.compareUnsigned(n.bits(), items.size()) > 0) return "item " + (at[0] - 1) + ": a count of " + Long.toUnsignedString(n.bits()) + " with " + items.size() + " items in all";
                if (g != null) {
                    if (dict) g.writeStartObject();
                    else g.writeStartArray();
                }
                for (long i = 0; i < n.bits(); i++) {
                    if (dict) {
                        ModuleValue.Item kv = next(items, at, ModuleValue.Kind.UINT);
                        if (kv == null || kv.bits() != KEYVAL) return "item " + at[0] + ": expected a key-value node";
                        ModuleValue.Item name = next(items, at, ModuleValue.Kind.STRING);
                        String field = name == null ? null : utf8(name.string());
                        if (field == null) return "item " + at[0] + ": expected a member name in UTF-8";
                        if (g != null) g.writeFieldName(field);
                    }
                    String problem = node(g, items, at, depth + 1);
                    if (problem != null) return problem;
                }
                if (g != null) {
                    if (dict) g.writeEndObject();
                    else g.writeEndArray();
                }
                return null;
            }
            default -> {
                return "item " + (at[0] - 1) + ": node type " + Long.toUnsignedString(head.bits()) + " is not one RedisJSON 1.0 writes";
            }
        }
    }

    private static ModuleValue.Item next(List<ModuleValue.Item> items, int[] at, ModuleValue.Kind kind) {
        if (at[0] >= items.size()) return null;
        ModuleValue.Item i = items.get(at[0]);
        // A module's signed and unsigned saves are the same item; either reads as a count.
        boolean ok = i.kind() == kind || kind == ModuleValue.Kind.UINT && i.kind() == ModuleValue.Kind.SINT;
        if (!ok) return null;
        at[0]++;
        return i;
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
