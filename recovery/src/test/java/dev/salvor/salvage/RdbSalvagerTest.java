package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.export.ExportFormat;
import dev.salvor.export.KeySelector;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.fixtures.ServerBinaries;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damages real RDB files written by redis-server and proves, key by key against the intact
 * file: every key whose bytes the damage did not touch is recovered, no recovered key differs,
 * partial keys hold only true elements, and redis-server loads the repaired file with exactly
 * the recovered keys.
 */
class RdbSalvagerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static final Map<String, Original> ORIGINALS = new HashMap<>();

    /** An intact file, its exported truth per key, and each key's byte range. */
    record Original(Path file, byte[] bytes, Map<String, String> truth, List<KeyRange> ranges) {
    }

    /** A key's bytes; bare when it is a plain-encoded record (types 0 to 4) without expiry or other prefix. */
    record KeyRange(String id, long start, long end, boolean bare) {
    }

    /** Real files of other server versions (from the fixtures); loaded back only where redis-server 7.0 reads them. */
    static final List<String> VERSIONS = List.of("redis-2.8", "redis-3.2", "redis-4.0", "redis-5.0", "redis-6.2", "redis-7.0", "redis-7.2", "redis-7.4", "redis-8.0-m01", "valkey-8.0");

    @BeforeAll
    static void writeDatasets() throws IOException {
        // Written once by redis-server 7.0 through LiveDataset and kept, so that every run damages
        // the same bytes (a server orders keys by a per-process hash seed).
        ORIGINALS.put("uncompressed", load(dev.salvor.fixtures.Fixtures.resolve("rdb/salvage-7.0/dataset-nocompress.rdb")));
        ORIGINALS.put("compressed", load(dev.salvor.fixtures.Fixtures.resolve("rdb/salvage-7.0/dataset.rdb")));
        for (String v : VERSIONS) ORIGINALS.put(v, load(dev.salvor.fixtures.Fixtures.resolve("rdb/" + v + "/dataset.rdb")));
    }

    static Original load(Path file) throws IOException {
        List<KeyRange> ranges = new ArrayList<>();
        try (RdbReader r = RdbReader.open(file)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    String id = id(r.db(), r.key());
                    long start = r.recordOffset();
                    boolean bare = r.encoding().bare() && r.expireAtMs() < 0 && r.lruIdle() < 0 && r.lfuFreq() < 0;
                    r.skipValue();
                    ranges.add(new KeyRange(id, start, r.keyEndOffset(), bare));
                }
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(file); NdjsonExporter e = sortedExporter(out)) {
            e.export(r);
        }
        return new Original(file, Files.readAllBytes(file), byKey(out.toString(StandardCharsets.UTF_8)), ranges);
    }

    static NdjsonExporter sortedExporter(OutputStream out) throws IOException {
        return new NdjsonExporter(out, ExportFormat.NDJSON, KeySelector.ALL, NdjsonExporter.DEFAULT_SORT_LIMIT);
    }

    static String id(int db, byte[] key) {
        return db + "/" + Base64.getEncoder().encodeToString(key);
    }

    static Map<String, String> byKey(String ndjson) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String line : ndjson.split("\n")) {
            if (line.isEmpty()) continue;
            JsonNode n = JSON.readTree(line);
            if (!n.has("key")) continue;
            JsonNode k = n.get("key");
            byte[] key = k.isTextual() ? k.asText().getBytes(StandardCharsets.UTF_8) : Base64.getDecoder().decode(k.get("base64").asText());
            m.put(id(n.get("db").asInt(), key), line);
        }
        return m;
    }


    static Stream<Arguments> damages() {
        return damages(Long.getLong("salvor.damageSeed", 0), Integer.getInteger("salvor.extraDamage", 0));
    }

    /** The fixed damages of every file, and {@code rounds} rounds of random ones at positions drawn with {@code seed}. */
    static Stream<Arguments> damages(long seed, int rounds) {
        List<Arguments> cases = new ArrayList<>();
        List<String> all = new ArrayList<>(List.of("uncompressed", "compressed"));
        all.addAll(VERSIONS);
        for (String which : all) {
            Original o = ORIGINALS.get(which);
            byte[] b = o.bytes();
            int n = b.length;
            Random rnd = new Random(which.hashCode() + 31L * seed);
            cases.add(Arguments.of(which, Damage.truncate(b, n / 2)));
            cases.add(Arguments.of(which, Damage.truncate(b, n * 9 / 10)));
            cases.add(Arguments.of(which, Damage.truncate(b, n - 3)));
            for (int i = 0; i < 3; i++) cases.add(Arguments.of(which, Damage.flip(b, 64 + rnd.nextInt(n - 128))));
            cases.add(Arguments.of(which, Damage.zeroPage(b, (n / 3) / 4096 * 4096)));
            cases.add(Arguments.of(which, Damage.zeroPage(b, (2 * n / 3) / 4096 * 4096)));
            for (int i = 0; i < 2; i++) cases.add(Arguments.of(which, Damage.insert(b, 64 + rnd.nextInt(n - 128), rnd)));
            for (int i = 0; i < 2; i++) cases.add(Arguments.of(which, Damage.delete(b, 64 + rnd.nextInt(n - 128), 50)));
            cases.add(Arguments.of(which, Damage.header(b)));
            // More random damage on demand (-Dsalvor.extraDamage=N, other positions with -Dsalvor.damageSeed=S).
            for (int round = 0; round < rounds; round++) {
                cases.add(Arguments.of(which, Damage.flip(b, 64 + rnd.nextInt(n - 128))));
                cases.add(Arguments.of(which, Damage.zeroPage(b, (64 + rnd.nextInt(n - 4096)) / 4096 * 4096)));
                cases.add(Arguments.of(which, Damage.insert(b, 64 + rnd.nextInt(n - 128), rnd)));
                cases.add(Arguments.of(which, Damage.delete(b, 64 + rnd.nextInt(n - 128), 1 + rnd.nextInt(200))));
                cases.add(Arguments.of(which, Damage.truncate(b, 64 + rnd.nextInt(n - 64))));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("damages")
    void recoversEveryUntouchedKeyAndInventsNothing(String which, Damage damage) throws Exception {
        check(which, damage);
    }

    /** Where the known misses were found: {@code -Dsalvor.damageSeed=7 -Dsalvor.extraDamage=16} (1,116 cases). */
    static final long KNOWN_MISSES_SEED = 7;
    static final int KNOWN_MISSES_ROUNDS = 16;
    /**
     * Each as "file damage", with what goes wrong: three intact keys next to the damage are lost
     * (a candidate chain is refused or starts late), two keys with binary names that were never in
     * the file are read from misaligned bytes.
     */
    static final List<String> KNOWN_MISSES = List.of(
            "redis-2.8 zero-page@221184",  // the intact key db1:list after the page is not recovered
            "redis-4.0 delete@26245",      // the intact key list:len513 next to the damage is not recovered
            "redis-7.0 delete@169300",     // a binary-named key read from misaligned bytes, put in an assumed database
            "redis-7.0 delete@219665",     // a key named "\0" read from misaligned bytes
            "redis-7.4 delete@76");        // the intact key list:bulk:010 next to the damage is not recovered

    /**
     * The cases salvage is known to get wrong (README: seed 7, 16 rounds): each must still fail
     * {@link #check}. When one starts passing, this test fails so that it is taken off the list
     * (and the README's count is updated): a fix is never left unrecorded, a regression never
     * hidden among the known misses.
     */
    @Test
    void knownMissesTofix() throws Exception {
        Map<String, Damage> seed7 = new java.util.HashMap<>();
        damages(KNOWN_MISSES_SEED, KNOWN_MISSES_ROUNDS).forEach(a -> {
            Object[] args = a.get();
            seed7.put(args[0] + " " + ((Damage) args[1]).name(), (Damage) args[1]);
        });
        List<String> nowPassing = new ArrayList<>();
        for (String miss : KNOWN_MISSES) {
            Damage d = seed7.get(miss);
            assertThat(d).as("known miss %s is one of the seed-%d cases", miss, KNOWN_MISSES_SEED).isNotNull();
            try {
                check(miss.substring(0, miss.indexOf(' ')), d);
                nowPassing.add(miss);
            } catch (AssertionError expected) {
                // Still a miss, as documented.
            }
        }
        assertThat(nowPassing).as("known misses that now pass: remove them from KNOWN_MISSES and update the README").isEmpty();
    }

    void check(String which, Damage damage) throws Exception {
        Original o = ORIGINALS.get(which);
        Path damaged = Path.of(System.getenv().getOrDefault("SALVOR_DEBUG_DIR", dir.toString())).resolve(which + "-" + damage.name() + ".rdb");
        Files.write(damaged, damage.bytes());

        // Keys the damage touched.
        Set<String> touched = new HashSet<>();
        // The key after a touched one: a plain value whose lengths still line up after damage can
        // swallow it, and nothing but the checksum shows that.
        Set<String> successors = new HashSet<>();
        boolean afterTouched = false;
        for (KeyRange k : o.ranges()) {
            boolean hit = damage.from() == damage.to() ? k.start() < damage.from() && damage.from() < k.end()
                    : k.start() < damage.to() && damage.from() < k.end();
            if (hit) touched.add(k.id());
            else if (afterTouched) successors.add(k.id());
            afterTouched = hit;
        }

        ByteArrayOutputStream exported = new ByteArrayOutputStream();
        SalvageReport report;
        try (NdjsonExporter e = sortedExporter(exported)) {
            report = RdbSalvager.salvage(damaged, new ExportingVisitor(e), null);
        }
        Map<String, String> recovered = byKey(exported.toString(StandardCharsets.UTF_8));
        // A flipped byte inside raw bytes, or damage that leaves every structure valid (bytes cut
        // from inside a plain value whose lengths still line up), shows only in the checksum.
        boolean undetectable = damage.name().startsWith("flip")
                || report.regions().isEmpty() && report.checksum() == dev.salvor.rdb.ChecksumStatus.MISMATCH;

        for (Map.Entry<String, String> r : recovered.entrySet()) {
            String truth = o.truth().get(r.getKey());
            if (truth == null && undetectable && report.checksum() != dev.salvor.rdb.ChecksumStatus.OK
                    && touchedNameLengths(o, touched).contains(JSON.readTree(r.getValue()).get("key").toString().length())) {
                // A byte flipped inside a key's name is as invisible as one inside its value; the checksum says so.
                continue;
            }
            if (truth == null && !report.assumedDbs().isEmpty()) {
                // Read after damage that swallowed a SELECTDB: the report says its database is
                // assumed; the key must be exactly a key of a later database.
                JsonNode got = JSON.readTree(r.getValue());
                int db = got.get("db").asInt();
                String inLaterDb = null;
                for (int later = db + 1; later < 16 && inLaterDb == null; later++) {
                    inLaterDb = o.truth().get(later + r.getKey().substring(r.getKey().indexOf('/')));
                }
                assertThat(report.assumedDbs()).anyMatch(a -> a.db() == db);
                assertThat(inLaterDb).as("key %s of an assumed database exists in a later one", r.getKey()).isNotNull();
                com.fasterxml.jackson.databind.node.ObjectNode expected = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(inLaterDb);
                expected.put("db", db);
                com.fasterxml.jackson.databind.node.ObjectNode actual = (com.fasterxml.jackson.databind.node.ObjectNode) got.deepCopy();
                actual.remove("expiry_unknown");
                if (got.has("expiry_unknown")) expected.remove("expire_at_ms");
                if (!got.path("partial").asBoolean(false)) assertThat(actual).isEqualTo(expected);
                continue;
            }
            assertThat(truth).as("recovered key %s exists in the original", r.getKey()).isNotNull();
            JsonNode got = JSON.readTree(r.getValue());
            if (got.path("partial").asBoolean(false)) {
                assertThat(touched).as("only a damaged key is partial").contains(r.getKey());
                assertThat(elements(truth)).as("partial %s holds only true elements", r.getKey()).containsAll(elements(r.getValue()));
            } else if (got.path("unverified").asBoolean(false)) {
                // Kept but flagged: a key shortly before damage whose length the damage may have fooled.
                assertThat(report.unverifiedKeys().stream().map(k -> id(got.get("db").asInt(), k))).contains(r.getKey());
            } else if (got.path("expiry_unknown").asBoolean(false)) {
                // The first key after a region, without an expiry of its own: everything else must match.
                assertThat(report.expiryUnknownKeys().stream().map(k -> id(got.get("db").asInt(), k))).contains(r.getKey());
                com.fasterxml.jackson.databind.node.ObjectNode expected = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(truth);
                expected.remove("expire_at_ms");
                expected.put("expiry_unknown", true);
                if (!damage.name().startsWith("flip")) assertThat(got).as("recovered %s equals the original but its expiry", r.getKey()).isEqualTo(expected);
            } else if (!undetectable) {
                assertThat(r.getValue()).as("recovered %s equals the original", r.getKey()).isEqualTo(truth);
            } else if (!r.getValue().equals(truth)) {
                // A flipped byte inside raw string bytes is invisible to structure checks; only the
                // checksum can tell, and the report must say so.
                assertThat(touched).contains(r.getKey());
                assertThat(report.checksum()).isNotEqualTo(dev.salvor.rdb.ChecksumStatus.OK);
            }
        }
        int version;
        try (RdbReader r = RdbReader.open(o.file())) {
            r.next();
            version = r.version();
        }
        Set<String> ambiguous = ambiguousLead(o, damage, touched);
        Set<String> predecessors = predecessors(o, damage);
        for (KeyRange k : o.ranges()) {
            if (touched.contains(k.id()) || predecessors.contains(k.id()) || ambiguous.contains(k.id())) continue;
            if (undetectable && !damage.name().startsWith("flip") && successors.contains(k.id())) continue;
            String name = k.id().substring(k.id().indexOf('/'));
            if (!report.assumedDbs().isEmpty() && recovered.keySet().stream().anyMatch(id -> id.endsWith(name)
                    && Integer.parseInt(id.substring(0, id.indexOf('/'))) < Integer.parseInt(k.id().substring(0, k.id().indexOf('/'))))) {
                continue; // recovered, in the database the report says was assumed
            }
            assertThat(recovered).as("untouched key %s is recovered after %s", k.id(), damage.name()).containsKey(k.id());
        }
        assertThat(report.keysRecovered() + report.keysPartial()).isEqualTo(recovered.size());
        // Records read but not trusted are named in the report, and none of them was output.
        for (byte[] doubtful : report.doubtfulKeys()) {
            String suffix = "/" + Base64.getEncoder().encodeToString(doubtful);
            assertThat(recovered.keySet()).noneMatch(id -> id.endsWith(suffix) && !o.truth().containsKey(id));
        }
        if (!damage.name().startsWith("flip")) assertThat(report.clean()).isFalse();

        if (version <= 10) {
            assertRepairedFileLoads(damaged, recovered.keySet());
        } else {
            // Debian's redis-server 7.0 cannot load RDB 11+; the repaired file must still read back clean.
            Path repaired = dir.resolve(which + "-" + damage.name() + "-repaired.rdb");
            try (FileChannel in = FileChannel.open(damaged); OutputStream out = Files.newOutputStream(repaired)) {
                RdbSalvager.salvage(damaged, new RepairWriter(in, out), null);
            }
            ByteArrayOutputStream back = new ByteArrayOutputStream();
            try (RdbReader r = RdbReader.open(repaired); NdjsonExporter e = sortedExporter(back)) {
                e.export(r);
                assertThat(r.checksumStatus()).isEqualTo(dev.salvor.rdb.ChecksumStatus.OK);
            }
            assertThat(byKey(back.toString(StandardCharsets.UTF_8)).keySet()).isEqualTo(recovered.keySet());
            // And the server of the file's own version loads it (from ../shared/servers: without
            // it the check above stands alone; in CI a missing server fails).
            if (ServerBinaries.NAMES.contains(which) && (ServerBinaries.shared().isPresent() || ServerBinaries.inCi())) {
                assertRepairedFileLoads(damaged, recovered.keySet(), ServerBinaries.binaryFor(which));
            }
        }
    }

    /**
     * The keys right after damage that salvage refuses by rule, reported lost: bare records (they
     * are indistinguishable from the elements of a plain collection whose header the damage
     * destroyed) unless they run to {@link Resynchronizer#BARE_CONFIRMATIONS} or to the end, and a
     * record whose type byte could end an integer-encoded string.
     */
    private static Set<String> ambiguousLead(Original o, Damage damage, Set<String> touched) {
        List<KeyRange> sorted = new ArrayList<>(o.ranges());
        sorted.sort(java.util.Comparator.comparingLong(KeyRange::start));
        Set<String> lead = new HashSet<>();
        int i = 0;
        while (i < sorted.size() && (sorted.get(i).start() < damage.from() || touched.contains(sorted.get(i).id()))) i++;
        while (i < sorted.size()) {
            KeyRange k = sorted.get(i);
            if (CandidateChain.tailOfInteger(o.bytes(), (int) k.start()) || !WrittenByServer.name(name(k))) {
                lead.add(k.id());
                i++;
            } else if (k.bare()) {
                int j = i;
                while (j < sorted.size() && sorted.get(j).bare()) j++;
                if (j == sorted.size() || j - i >= CandidateChain.BARE_CONFIRMATIONS) break;
                for (int x = i; x < j; x++) lead.add(sorted.get(x).id());
                i = j;
            } else {
                break;
            }
        }
        return lead;
    }

    private static byte[] name(KeyRange k) {
        return Base64.getDecoder().decode(k.id().substring(k.id().indexOf('/') + 1));
    }

    /**
     * The key before the damage may go with it (its length may have run into the damage), and
     * when that key's name is not text (a misaligned read looks like that), the one before it too.
     */
    private static Set<String> predecessors(Original o, Damage damage) {
        List<KeyRange> sorted = new ArrayList<>(o.ranges());
        sorted.sort(java.util.Comparator.comparingLong(KeyRange::start));
        Set<String> out = new HashSet<>();
        int i = -1;
        for (int j = 0; j < sorted.size(); j++) if (sorted.get(j).end() <= damage.from()) i = j;
        while (i >= 0) {
            out.add(sorted.get(i).id());
            if (WrittenByServer.name(name(sorted.get(i)))) break;
            i--;
        }
        return out;
    }

    private static Set<Integer> touchedNameLengths(Original o, Set<String> touched) throws IOException {
        Set<Integer> lengths = new HashSet<>();
        for (String id : touched) {
            String truth = o.truth().get(id);
            if (truth != null) lengths.add(JSON.readTree(truth).get("key").toString().length());
        }
        return lengths;
    }

    private static Set<String> elements(String record) throws IOException {
        Set<String> out = new HashSet<>();
        JsonNode v = JSON.readTree(record).get("value");
        if (v.has("entries")) v = v.get("entries"); // a stream: its entries are the elements
        if (v.isArray()) v.forEach(e -> out.add(e.toString()));
        else out.add(v.toString());
        return out;
    }

    private static void assertRepairedFileLoads(Path damaged, Set<String> expectedKeys) throws IOException {
        assertRepairedFileLoads(damaged, expectedKeys, RedisServer.binary());
    }

    /** The repaired file loads in {@code binary} and holds exactly the expected keys. */
    private static void assertRepairedFileLoads(Path damaged, Set<String> expectedKeys, String binary) throws IOException {
        Path repairDir = Files.createTempDirectory(dir, "repaired");
        Path repaired = repairDir.resolve("dump.rdb");
        try (FileChannel in = FileChannel.open(damaged); OutputStream out = Files.newOutputStream(repaired);
             OutputStream quarantine = OutputStream.nullOutputStream()) {
            RdbSalvager.salvage(damaged, new VisitorChain(new RepairWriter(in, out), new QuarantineWriter(in, quarantine)), null);
        }
        try (RedisServer redis = RedisServer.startBinary(binary, repairDir, null, "--dbfilename", "dump.rdb")) {
            Set<String> loaded = new HashSet<>();
            for (int db = 0; db < 16; db++) {
                redis.call("SELECT", db);
                String cursor = "0";
                do {
                    @SuppressWarnings("unchecked")
                    List<Object> reply = (List<Object>) redis.call("SCAN", cursor, "COUNT", "1000");
                    cursor = new String((byte[]) reply.get(0), StandardCharsets.US_ASCII);
                    @SuppressWarnings("unchecked")
                    List<Object> keys = (List<Object>) reply.get(1);
                    for (Object k : keys) loaded.add(id(db, (byte[]) k));
                } while (!cursor.equals("0"));
            }
            assertThat(loaded).as("%s loads exactly the recovered keys", binary).isEqualTo(expectedKeys);
        }
    }
}
