package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RedisServer;
import dev.salvor.fixtures.RestoreOracle;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Redis's corrupt-dump fuzzer, with the server as the oracle: keys of every type and encoding are
 * made with real commands (as {@code tests/integration/corrupt-dump-fuzzer.tcl} makes them), their
 * DUMP payloads get one or two random bytes changed (value bytes only; the footer has its own
 * rules) and a fresh CRC64, and each is RESTOREd with {@code sanitize-dump-payload yes}. Salvor
 * must refuse exactly the payloads the server refuses. {@code -Dsalvor.fuzzSeed=N} and
 * {@code -Dsalvor.fuzzRounds=N} run other or more cases.
 */
class DumpFuzzOracleTest {
    static final List<String> SERVERS = RestoreOracle.SERVERS;
    private static final long SEED = Long.getLong("salvor.fuzzSeed", 20240611L);
    private static final int ROUNDS = Integer.getInteger("salvor.fuzzRounds", 1500);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @FieldSource("SERVERS")
    void salvorRefusesWhatTheServerRefuses(String serverName) throws Exception {
        List<String> disagreements = new ArrayList<>();
        int refused = 0;
        try (RestoreOracle oracle = RestoreOracle.start(serverName, dir)) {
            Map<String, byte[]> dumps = generateTypes(oracle.server(), oracle.rdbVersion());
            List<String> keys = new ArrayList<>(new java.util.TreeSet<>(dumps.keySet())); // a fixed order: the seed decides
            Random random = new Random(SEED ^ serverName.hashCode());
            for (int round = 0; round < ROUNDS; round++) {
                String key = keys.get(random.nextInt(keys.size()));
                byte[] payload = dumps.get(key).clone();
                int body = payload.length - 10;
                int changes = random.nextDouble() > 0.9 ? 2 : 1;
                for (int c = 0; c < changes; c++) payload[random.nextInt(body)] = (byte) random.nextInt(256);
                long crc = Crc64.of(payload, 0, payload.length - 8);
                for (int i = 0; i < 8; i++) payload[payload.length - 8 + i] = (byte) (crc >>> (8 * i));
                RestoreOracle.Verdict server = oracle.restore(payload, Map.of());
                String salvor = CorruptDumpSamples.refusedByServerWithoutModules(payload);
                if (server.refused()) refused++;
                if (server.refused() != (salvor != null) && disagreements.size() < 40) {
                    disagreements.add(key + " round " + round + ": " + serverName + " " + server + ", Salvor "
                            + (salvor == null ? "loads" : salvor) + "\n    " + HexFormat.of().formatHex(payload));
                }
            }
        }
        assertThat(refused).as("the mutations must exercise refusals").isGreaterThan(ROUNDS / 10);
        assertThat(disagreements).as("seed %d", SEED).isEmpty();
    }

    /** The fuzzer's keys: small (packed) and big collections of every type, strings, an intset, LZF. */
    static Map<String, byte[]> generateTypes(RedisServer r, int rdbVersion) throws Exception {
        for (String[] c : new String[][] {{"list-max-ziplist-size", "5"}, {"hash-max-ziplist-entries", "5"},
                {"set-max-listpack-entries", "5"}, {"zset-max-ziplist-entries", "5"}, {"stream-node-max-entries", "5"}}) {
            r.command("CONFIG", "SET", c[0], c[1]); // set-max-listpack-entries is 7.2+
        }
        boolean fieldTtl = rdbVersion >= 12;
        collections(r, "", 3, fieldTtl);
        r.call("XGROUP", "CREATE", "stream", "mygroup", "0");
        Object read = r.call("XREADGROUP", "GROUP", "mygroup", "Alice", "COUNT", "2", "STREAMS", "stream", ">");
        List<?> entries = (List<?>) ((List<?>) ((List<?>) read).get(0)).get(1);
        byte[] first = (byte[]) ((List<?>) entries.get(0)).get(0);
        byte[] second = (byte[]) ((List<?>) entries.get(1)).get(0);
        r.call("XDEL", "stream", first);
        r.call("XACK", "stream", "mygroup", second);
        r.call("INCR", "int");
        r.call("SET", "string", "str");
        collections(r, "big", 10, fieldTtl);
        r.call("XADD", "streambig", "*", "item", "1", "value", "1");
        r.call("XADD", "streambig", "*", "item", "1", "unique", "value");
        r.call("SADD", "intset", "1", "-7", "300", "70000", "5000000000");
        r.call("SET", "lzf", "abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc-tail");
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Object k : (List<?>) r.call("KEYS", "*")) {
            String key = new String((byte[]) k);
            out.put(key, (byte[]) r.call("DUMP", key));
        }
        return out;
    }

    private static void collections(RedisServer r, String suffix, int elements, boolean fieldTtl) throws Exception {
        for (int j = 0; j < elements; j++) {
            String val = j % 2 == 0 ? Integer.toString(j) : "_" + j;
            r.call("HSET", "hash" + suffix, j, val);
            if (fieldTtl) {
                r.call("HSET", "hashmd" + suffix, j, val);
                r.call("HEXPIRE", "hashmd" + suffix, 1000 + j * 37, "FIELDS", "1", j);
            }
            r.call("LPUSH", "list" + suffix, val);
            r.call("ZADD", "zset" + suffix, j, val);
            r.call("SADD", "set" + suffix, val);
            r.call("XADD", "stream" + suffix, "*", "item", "1", "value", val);
        }
    }
}
