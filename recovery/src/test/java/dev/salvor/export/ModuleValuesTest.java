package dev.salvor.export;

import static dev.salvor.fixtures.Bytes.indexOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.diff.ValueDigest;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Module values in export: RedisJSON documents as JSON (the three encodings RedisJSON's loader
 * reads), every module value as a DUMP payload, and module values compared by content in diff.
 */
class ModuleValuesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    @TempDir
    Path tmp;

    /** A module id as Redis forms it: nine 6-bit characters, then the 10-bit encoding version. */
    private static long moduleId(String name, int encver) {
        long id = 0;
        for (char c : name.toCharArray()) id = id << 6 | CHARSET.indexOf(c);
        return id << 10 | encver;
    }

    private static Map<String, JsonNode> export(byte[] file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        return byKey(out.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, JsonNode> export(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(file); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        return byKey(out.toString(StandardCharsets.UTF_8));
    }

    private static Map<String, JsonNode> byKey(String ndjson) throws IOException {
        Map<String, JsonNode> m = new HashMap<>();
        for (String line : ndjson.split("\n")) {
            JsonNode n = JSON.readTree(line);
            m.put(n.get("key").asText(), n);
        }
        return m;
    }


    @Test
    void redisJson1DocumentFromARealFileIsExportedAsJson() throws Exception {
        // redis-rdb-tools' redis_40_with_module.rdb: key "foo" of ReJSON-RL, encoding version 0.
        // Read by hand from its bytes: UINT 0x20 (dict) UINT 2; UINT 0x80 STRING "name" UINT 0x2
        // STRING "bb"; UINT 0x80 STRING "counts" UINT 0x8 (integer) UINT 4; EOF.
        Path f = Fixtures.resolve("peer/redis_40_with_module.rdb");
        JsonNode foo = export(f).get("foo");
        assertThat(foo.get("type").asText()).isEqualTo("module");
        JsonNode v = foo.get("value");
        assertThat(v.get("module").asText()).isEqualTo("ReJSON-RL");
        assertThat(v.get("encoding_version").asInt()).isZero();
        assertThat(v.get("json")).isEqualTo(JSON.readTree("{\"name\":\"bb\",\"counts\":4}"));
        // The payload is the file's own bytes from the type byte to the value's EOF opcode,
        // located here by searching the raw file for the key and the end of the value.
        byte[] raw = Files.readAllBytes(f);
        int type = indexOf(raw, new byte[] {7, 3, 'f', 'o', 'o'});
        int eof = indexOf(raw, "counts".getBytes(StandardCharsets.US_ASCII)) + 6 + 2 + 2;
        byte[] payload = Base64.getDecoder().decode(v.get("dump").asText());
        byte[] body = new byte[eof + 1 - type - 4];
        body[0] = 7;
        System.arraycopy(raw, type + 5, body, 1, body.length - 1);
        assertThat(Arrays.copyOf(payload, payload.length - 10)).isEqualTo(body);
        assertThat(payload[payload.length - 10]).isEqualTo((byte) 8);
    }

    @Test
    void redisJsonTextEncodingsAndAnUnreadableDocument() throws Exception {
        String doc = "{\"a\":[1,2.5,\"x\",null,true],\"b\":{\"c\":\"\u00e9\"}}";
        byte[] file = new RdbBuilder("REDIS0011").selectDb(0, 4, 0)
                .key(7, "v3").len(moduleId("ReJSON-RL", 3)).len(5).str(doc).len(0)
                .key(7, "v2").len(moduleId("ReJSON-RL", 2)).len(5).str(doc).len(2).len(0).len(0)
                .key(7, "bad").len(moduleId("ReJSON-RL", 3)).len(5).str("{\"a\":").len(0)
                .key(7, "other").len(moduleId("hellotype", 0)).len(2).len(1).len(2).len(-5L).len(0)
                .finish();
        Map<String, JsonNode> m = export(file);
        assertThat(m.get("v3").get("value").get("json")).isEqualTo(JSON.readTree(doc));
        assertThat(m.get("v2").get("value").get("json")).isEqualTo(JSON.readTree(doc));
        assertThat(m.get("bad").get("value").has("json")).isFalse();
        assertThat(m.get("bad").get("value").get("json_error").asText()).contains("not valid JSON");
        assertThat(m.get("bad").get("value").has("dump")).isTrue();
        JsonNode other = m.get("other").get("value");
        assertThat(other.get("module").asText()).isEqualTo("hellotype");
        assertThat(other.has("json")).isFalse();
        // A negative integer saved through the module API is a full 64-bit length (0x81 + 8 bytes).
        byte[] payload = Base64.getDecoder().decode(other.get("dump").asText());
        int start = indexOf(file, new byte[] {7, 5, 'o', 't', 'h', 'e', 'r'}) + 7;
        byte[] body = new byte[payload.length - 10];
        body[0] = 7;
        System.arraycopy(file, start, body, 1, body.length - 1);
        assertThat(Arrays.copyOf(payload, payload.length - 10)).isEqualTo(body);
    }

    @Test
    void moduleValuesOfTheSameLengthWithOtherContentDiffer() throws Exception {
        byte[] one = new RdbBuilder("REDIS0011").selectDb(0, 1, 0).key(7, "k").len(moduleId("hellotype", 0)).len(2).len(1).len(2).len(11).len(0).finish();
        byte[] two = new RdbBuilder("REDIS0011").selectDb(0, 1, 0).key(7, "k").len(moduleId("hellotype", 0)).len(2).len(1).len(2).len(12).len(0).finish();
        assertThat(one.length).isEqualTo(two.length);
        assertThat(digest(one)).isNotEqualTo(digest(two));
        assertThat(digest(one)).isEqualTo(digest(one.clone()));
    }

    private static ValueDigest digest(byte[] file) throws IOException {
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.KEY) assertThat(t).isNotEqualTo(RdbToken.END);
            return ValueDigest.of(r);
        }
    }

    /**
     * The DUMP payload's footer as a real server judges it: RESTORE of a payload with a wrong
     * checksum is refused as such, while ours gets past the footer and stops only at the module
     * the server does not have (Redis loads module values only through their module). The file is
     * RDB 8, so the payload claims version 8, which the server here (7.0, RDB 10) takes.
     */
    @Test
    void theServerAcceptsTheDumpFooterAndAsksForTheModule() throws Exception {
        Path f = Fixtures.resolve("peer/redis_40_with_module.rdb");
        JsonNode v = null;
        for (JsonNode n : export(f).values()) if (n.get("type").asText().equals("module")) v = n.get("value");
        assertThat(v).isNotNull();
        assertThat(v.get("module").asText()).isEqualTo("ReJSON-RL");
        byte[] payload = Base64.getDecoder().decode(v.get("dump").asText());
        try (RedisServer redis = RedisServer.start(tmp)) {
            Object ours = redis.command("RESTORE", "m", "0", payload);
            byte[] tampered = payload.clone();
            tampered[tampered.length - 1] ^= 1;
            Object broken = redis.command("RESTORE", "t", "0", tampered);
            assertThat(broken).isInstanceOf(RedisServer.Error.class);
            assertThat(((RedisServer.Error) broken).message()).contains("checksum");
            assertThat(ours).isInstanceOf(RedisServer.Error.class);
            assertThat(((RedisServer.Error) ours).message()).doesNotContain("checksum").contains("Bad data format");
        }
    }
}
