package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvor.fixtures.RdbBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Redis 8.10 (RDB 15) hash templates: HASH_TEMPLATE records (opcode 242) and the hashes stored
 * against them (types 29 to 32). Files are built byte by byte (no Redis 8.10 runs here) with the
 * contents of redis/librdb's own v15 test dumps, and the values read are compared with the
 * expectations librdb publishes for them ({@code test/dumps/hash_template_*_v15.json}).
 */
class TemplateHashTest {
    /** key -> (field -> value), in the order read. */
    static Map<String, Map<String, String>> hashes(byte[] file) throws IOException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            Map<String, String> cur = null;
            while ((t = r.next()) != RdbToken.END) {
                switch (t) {
                    case KEY -> {
                        cur = new LinkedHashMap<>();
                        out.put(new String(r.key(), StandardCharsets.UTF_8), cur);
                    }
                    case ELEMENT -> {
                        assertThat(r.elementKind()).isEqualTo(ElementKind.HASH_ENTRY);
                        assertThat(r.fieldExpireAtMs()).isEqualTo(-1);
                        cur.put(r.item().toString(), r.hashValue().toString());
                    }
                    case EOF -> assertThat(r.checksumStatus()).isEqualTo(ChecksumStatus.OK);
                    default -> {
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void referenceFormsResolveAgainstTheTemplate() throws IOException {
        // librdb test/dumps/hash_template_v15.json: h1..h5 = {name: nI, age: aI, city: cI}.
        // Template fields sorted by length then bytes (librdb parser.c templateStoreField): age, city, name.
        RdbBuilder b = new RdbBuilder("REDIS0015").aux("redis-ver", "8.10.0").hashTemplate(0, "age", "city", "name").selectDb(0, 5, 0);
        for (int i = 1; i <= 3; i++) {
            // HASH_TMPL_LP_REF (30): one listpack, template id first (librdb parser.c elementHashTmplLpRef).
            b.key(30, "h" + i).str(RdbBuilder.listpack(0L, "a" + i, "c" + i, "n" + i));
        }
        for (int i = 4; i <= 5; i++) {
            // HASH_TMPL_ARRAY_REF (32): template id, then one string per field (librdb parser.c elementHashTmplArrayRef).
            b.key(32, "h" + i).len(0).str("a" + i).str("c" + i).str("n" + i);
        }
        Map<String, Map<String, String>> got = hashes(b.finish());
        assertThat(got).containsOnlyKeys("h1", "h2", "h3", "h4", "h5");
        for (int i = 1; i <= 5; i++) {
            assertThat(got.get("h" + i)).containsExactlyInAnyOrderEntriesOf(map("name", "n" + i, "age", "a" + i, "city", "c" + i));
            // Fields come in the template's order.
            assertThat(List.copyOf(got.get("h" + i).keySet())).containsExactly("age", "city", "name");
        }
    }

    @Test
    void arrayReferencesAndIntegerAndEmptyValues() throws IOException {
        // librdb test/dumps/hash_template_array_v15.json: k1..k3 = {alpha, beta, gamma, delta}.
        RdbBuilder b = new RdbBuilder("REDIS0015").hashTemplate(7, "beta", "alpha", "delta", "gamma").selectDb(0, 3, 0);
        for (int i = 1; i <= 3; i++) b.key(32, "k" + i).len(7).str("B" + i).str("A" + i).str("D" + i).str("G" + i);
        Map<String, Map<String, String>> got = hashes(b.finish());
        for (int i = 1; i <= 3; i++) {
            assertThat(got.get("k" + i)).containsExactlyInAnyOrderEntriesOf(map("alpha", "A" + i, "beta", "B" + i, "gamma", "G" + i, "delta", "D" + i));
        }
        // librdb test/dumps/hash_template_values_v15.json: e1..e3 = {num: N000000, empty: "", big: 400 x "a"};
        // the number as a listpack integer, the empty string and a 400-byte string as listpack strings.
        String big = "a".repeat(400);
        RdbBuilder v = new RdbBuilder("REDIS0015").hashTemplate(1, "big", "num", "empty").selectDb(0, 3, 0);
        for (int i = 1; i <= 3; i++) v.key(30, "e" + i).str(RdbBuilder.listpack(1L, big, (long) i * 1000000, ""));
        Map<String, Map<String, String>> values = hashes(v.finish());
        for (int i = 1; i <= 3; i++) {
            assertThat(values.get("e" + i)).containsExactlyInAnyOrderEntriesOf(map("num", i + "000000", "empty", "", "big", big));
        }
    }

    @Test
    void selfContainedFormsOfDumpPayloads() throws IOException {
        // librdb test/dumps/hash_template_self_3keys_v15.json: {age: a1, city: c1, name: n1}.
        // HASH_TMPL_LP (29): fields format 0 (one listpack of names), values listpack with the source id first.
        byte[] lp = new RdbBuilder("").u8(29).len(0).str(RdbBuilder.listpack("age", "city", "name"))
                .str(RdbBuilder.listpack(3L, "a1", "c1", "n1")).dumpPayload(15);
        // HASH_TMPL_ARRAY (31): fields format 1 (count and strings), values as strings (librdb parser.c elementHashTmplSelfContained).
        byte[] arr = new RdbBuilder("").u8(31).len(1).len(3).str("age").str("city").str("name").str("a1").str("c1").str("n1").dumpPayload(15);
        for (byte[] payload : List.of(lp, arr)) {
            Map<String, String> got = new LinkedHashMap<>();
            try (RdbReader r = RdbReader.ofDumpPayload(payload, "dump")) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t == RdbToken.ELEMENT) got.put(r.item().toString(), r.hashValue().toString());
                }
            }
            assertThat(got).containsExactly(Map.entry("age", "a1"), Map.entry("city", "c1"), Map.entry("name", "n1"));
        }
    }

    @Test
    void aTemplateHashNeverGetsInventedFields() {
        // No template 9 declared: a located error at the id, not a hash with made-up names.
        RdbBuilder b = new RdbBuilder("REDIS0015").hashTemplate(0, "f").selectDb(0, 1, 0);
        int keyAt = b.offset();
        byte[] file = b.key(32, "h").len(9).str("v").finish();
        RdbFormatException e = catchThrowableOfType(() -> hashes(file), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.BAD_ENCODING);
        assertThat(e.offset()).isEqualTo(keyAt + 3);
        assertThat(e.getMessage()).contains("template 9").contains("\"h\"".substring(1, 2));
        // A listpack whose values outnumber the template's fields, or fall short.
        byte[] more = new RdbBuilder("REDIS0015").hashTemplate(0, "f").selectDb(0, 1, 0).key(30, "h").str(RdbBuilder.listpack(0L, "v", "w")).finish();
        assertThat(catchThrowableOfType(() -> hashes(more), RdbFormatException.class).reason()).isEqualTo(RdbFormatException.Reason.INVALID_LISTPACK);
        byte[] fewer = new RdbBuilder("REDIS0015").hashTemplate(0, "f", "g").selectDb(0, 1, 0).key(30, "h").str(RdbBuilder.listpack(0L, "v")).finish();
        assertThat(catchThrowableOfType(() -> hashes(fewer), RdbFormatException.class).getMessage()).contains("1 of 2 values");
    }

    @Test
    void templateRecordsAreCheckedAsRedisChecksThem() {
        for (RdbBuilder b : List.of(
                new RdbBuilder("REDIS0015").hashTemplate(0, "b", "a"),           // not ascending
                new RdbBuilder("REDIS0015").hashTemplate(0, "aa", "b"),          // longer before shorter
                new RdbBuilder("REDIS0015").hashTemplate(0, "a", "a"),           // repeated
                new RdbBuilder("REDIS0015").hashTemplate(0),                     // no fields
                new RdbBuilder("REDIS0015").hashTemplate(0, "a").hashTemplate(0, "b"))) {  // id declared twice
            byte[] file = b.selectDb(0, 0, 0).finish();
            assertThat(catchThrowableOfType(() -> hashes(file), RdbFormatException.class).reason()).isEqualTo(RdbFormatException.Reason.BAD_ENCODING);
        }
    }

    @Test
    void aResumedReaderKnowsTheTemplatesDeclaredBeforeItsStart() throws IOException {
        RdbBuilder b = new RdbBuilder("REDIS0015").hashTemplate(4, "x", "yy").selectDb(0, 2, 0);
        int second = -1;
        b.key(32, "h1").len(4).str("1").str("2");
        second = b.offset();
        byte[] file = b.key(32, "h2").len(4).str("3").str("4").finish();
        RdbReader.Context ctx;
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            while (r.next() != RdbToken.KEY) {
                // to the first key
            }
            ctx = r.context();
        }
        assertThat(ctx.templates().size()).isEqualTo(1);
        try (RdbReader r = RdbReader.probe(file, second, file.length - second, second, file.length, "synthetic", ctx)) {
            assertThat(r.next()).isEqualTo(RdbToken.KEY);
            assertThat(r.next()).isEqualTo(RdbToken.ELEMENT);
            assertThat(r.item() + "=" + r.hashValue()).isEqualTo("x=3");
        }
        // Without them (the template record lost), the hash is an error.
        try (RdbReader r = RdbReader.probe(file, second, file.length - second, second, file.length, "synthetic", ctx.withDb(0).withoutTemplates())) {
            assertThat(catchThrowableOfType(r::next, RdbFormatException.class)).isNotNull();
        }
    }

    @Test
    void theTemplateTypesAreRedis15sOnly() {
        // Type 30 in a Redis 8.10 file is a template hash; Dragonfly gives 30 to its JSON type.
        assertThat(RdbEncoding.of(30, RdbFlavor.REDIS)).isEqualTo(RdbEncoding.HASH_TMPL_LP_REF);
        assertThat(RdbEncoding.of(30, RdbFlavor.DRAGONFLY)).isEqualTo(RdbEncoding.DF_JSON);
        assertThat(RdbEncoding.of(30, RdbFlavor.VALKEY)).isNull();
        assertThat(RdbEncoding.HASH_TMPL_LP_REF.writtenBy(15)).isTrue();
        assertThat(RdbEncoding.HASH_TMPL_LP_REF.writtenBy(14)).isFalse();
        // The self-contained forms are DUMP payloads only: no save writes them into a file.
        assertThat(RdbEncoding.HASH_TMPL_LP.writtenBy(15)).isFalse();
        assertThat(RdbEncoding.HASH_TMPL_ARRAY_REF.family()).isEqualTo(RdbEncoding.Family.TEMPLATE_HASH);
    }

    @Test
    void gcraIsAClearUnsupportedType() {
        byte[] file = new RdbBuilder("REDIS0015").selectDb(0, 1, 0).key(33, "limiter").len(0).finish();
        RdbFormatException e = catchThrowableOfType(() -> hashes(file), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.UNSUPPORTED);
        assertThat(e.getMessage()).contains("GCRA");
    }
}
