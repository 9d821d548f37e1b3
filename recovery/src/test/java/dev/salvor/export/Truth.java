package dev.salvor.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Order-insensitive comparison of exported NDJSON with a live-server truth: keys by (db, bytes),
 * strings by bytes (text or base64), scores as doubles, sets/hashes/zsets as unordered, streams
 * by entries, length, last id and groups (pending and consumers unordered).
 */
public final class Truth {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Truth() {
    }

    public static Map<String, String> load(String ndjson) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (String line : ndjson.split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            if (!n.has("key") || !n.has("type")) continue;
            String id = n.path("db").asInt(0) + "/" + b64(bytes(n.get("key")));
            out.put(id, n.get("type").asText() + " " + n.path("expire_at_ms").asText("-") + " " + norm(n.get("type").asText(), n.get("value")));
        }
        return out;
    }

    public static Map<String, String> load(Path file) throws IOException {
        return load(Files.readString(file, StandardCharsets.UTF_8));
    }

    private static byte[] bytes(JsonNode s) {
        if (s.isObject() && s.has("base64")) return Base64.getDecoder().decode(s.get("base64").asText());
        return s.asText().getBytes(StandardCharsets.UTF_8);
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static String score(JsonNode s) {
        double d = s.isTextual() ? switch (s.asText()) {
            case "inf", "+inf" -> Double.POSITIVE_INFINITY;
            case "-inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s.asText());
        } : s.asDouble();
        return Double.toString(d);
    }

    private static String norm(String type, JsonNode v) {
        switch (type) {
            case "string":
                return b64(bytes(v));
            case "list": {
                List<String> l = new ArrayList<>();
                v.forEach(e -> l.add(b64(bytes(e))));
                return l.toString();
            }
            case "set": {
                List<String> l = new ArrayList<>();
                v.forEach(e -> l.add(b64(bytes(e))));
                l.sort(null);
                return l.toString();
            }
            case "zset": {
                List<String> l = new ArrayList<>();
                v.forEach(e -> l.add(score(e.get(1)) + ":" + b64(bytes(e.get(0)))));
                l.sort(null);
                return l.toString();
            }
            case "hash": {
                List<String> l = new ArrayList<>();
                v.forEach(e -> l.add(b64(bytes(e.get(0))) + "=" + b64(bytes(e.get(1))) + (e.size() > 2 ? "@" + e.get(2).asLong() : "")));
                l.sort(null);
                return l.toString();
            }
            case "stream": {
                List<String> entries = new ArrayList<>();
                v.get("entries").forEach(e -> {
                    List<String> f = new ArrayList<>();
                    e.get(1).forEach(p -> f.add(b64(bytes(p.get(0))) + "=" + b64(bytes(p.get(1)))));
                    entries.add(e.get(0).asText() + f);
                });
                List<String> groups = new ArrayList<>();
                v.get("groups").forEach(g -> {
                    List<String> pending = new ArrayList<>();
                    g.get("pending").forEach(p -> pending.add(p.asText()));
                    pending.sort(null);
                    List<String> consumers = new ArrayList<>();
                    g.get("consumers").forEach(c -> consumers.add(b64(bytes(c))));
                    consumers.sort(null);
                    groups.add(b64(bytes(g.get("name"))) + " " + g.get("last_delivered_id").asText() + " " + pending + " " + consumers);
                });
                groups.sort(null);
                return entries + " len=" + v.get("length").asLong() + " last=" + v.get("last_id").asText() + " " + groups;
            }
            default:
                return v.toString();
        }
    }
}
