package dev.salvor.memory;

import dev.salvor.fixtures.RedisServer;
import dev.salvor.fixtures.ServerBinaries;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values a server converts when it loads them: each server writes a file whose values were
 * shaped so that the encoding they had in memory when saved is not the one they get back on load
 * (a hash made a hashtable by one long value, sets and sorted sets shrunk below the listpack limits,
 * an intset that held a string once, lists trimmed to one node). A fresh server of the same
 * version loads the file and says MEMORY USAGE for each key; the model follows the load path.
 */
class LoadPathAccuracyTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"redis-7.0", "redis-7.2", "redis-7.4", "redis-8.0-m01", "valkey-8.0"})
    void convertedValuesAreEstimatedAsLoaded(String name) throws Exception {
        String binary = ServerBinaries.binaryFor(name);
        Path rdb = tmp.resolve("shapes.rdb");
        try (RedisServer s = RedisServer.startBinary(binary, tmp.resolve("writer"), null)) {
            shapes(s);
            Files.copy(s.save(), rdb);
        }
        // what a server books for a loaded hash table depends on its random hash seed (how far a
        // rehash got, how allocations land): two loads give two independent draws of the truth
        ServerMeasurement real = ServerMeasurement.measure(binary, rdb, tmp.resolve("measure"));
        ServerMeasurement again = ServerMeasurement.measure(binary, rdb, tmp.resolve("measure-again"));
        MemoryModel model = new MemoryModel(ServerFamily.ofVersion(real.version(), real.valkey()), Allocator.of(real.allocator()), ServerConfig.DEFAULTS);
        KeyEstimator estimator = new KeyEstimator(model);
        List<String> off = new ArrayList<>();
        int keys = 0;
        int exact = 0;
        try (RdbReader r = RdbReader.open(rdb)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t != RdbToken.KEY) continue;
                String key = new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                String enc = r.encoding().name();
                KeyMemory k = estimator.read(r);
                String id = ServerMeasurement.id(k.db(), k.key());
                long first = real.usage().get(id);
                long second = again.usage().get(id);
                long truth = Math.abs(k.bytes() - first) <= Math.abs(k.bytes() - second) ? first : second;
                keys++;
                if (k.bytes() == truth) exact++;
                else off.add(String.format(Locale.ROOT, "%s (%s -> %s): %d vs %d", key, enc, k.encoding(), k.bytes(), truth));
                // skiplist levels are random, and glibc at times hands out a larger chunk than asked
                // for (when the rest of a reused free chunk would be too small to keep): a few keys
                // are off by those bytes, which on a small key can be more than 10 %; the load path
                // itself must be right for each key
                double err = Math.abs(k.bytes() - truth) <= 32 ? 0 : Math.abs(k.bytes() - truth) / (double) truth;
                double limit = 0.10;
                assertThat(err).as("%s on %s: %s (%s) estimated %d, server says %d", key, name, k.encoding(), enc, k.bytes(), truth).isLessThanOrEqualTo(limit);
            }
        }
        System.out.printf("%s: %d of %d converted-shape keys exact; off: %s%n", name, exact, keys, off);
        assertThat(keys).isGreaterThan(40);
        assertThat(exact).isGreaterThanOrEqualTo((int) (0.8 * keys));
    }

    /** Values whose saved encoding differs from their loaded one. */
    private static void shapes(RedisServer s) throws Exception {
        String pad = "v".repeat(100);
        for (int n : new int[] {3, 5, 10, 20, 33, 60, 100, 200, 600}) {
            // one long value makes a hashtable; it is saved as a plain hash and packed again up to the long value on load
            List<Object> args = new ArrayList<>(List.of("HSET", "hash:long:" + n));
            for (int i = 0; i < n; i++) {
                args.add("field:" + i);
                args.add(i == n / 2 ? pad : "value-" + i);
            }
            s.call(args.toArray());
            // grown past the entry limit then shrunk: a hashtable saved, a listpack loaded
            List<Object> many = new ArrayList<>(List.of("HSET", "hash:shrunk:" + n));
            for (int i = 0; i < 600; i++) {
                many.add("f" + i);
                many.add(Integer.toString(i));
            }
            s.call(many.toArray());
            for (int i = n; i < 600; i++) s.call("HDEL", "hash:shrunk:" + n, "f" + i);
            // sets: strings shrunk below the listpack limit, and integers that once held a string
            for (int i = 0; i < 300; i++) s.call("SADD", "set:shrunk:" + n, "member-" + i);
            for (int i = n; i < 300; i++) s.call("SREM", "set:shrunk:" + n, "member-" + i);
            for (int i = 0; i < n; i++) s.call("SADD", "set:ints:" + n, Integer.toString(i * 7919 - 5000));
            s.call("SADD", "set:ints:" + n, "a string");
            s.call("SREM", "set:ints:" + n, "a string");
            // sorted sets shrunk below the listpack limit: saved as a skiplist, loaded as a listpack
            for (int i = 0; i < 300; i++) s.call("ZADD", "zset:shrunk:" + n, Double.toString(i / 3.0), "m" + i);
            s.call("ZREMRANGEBYRANK", "zset:shrunk:" + n, n, -1);
            // lists pushed element by element, and trimmed to one node
            for (int i = 0; i < n * 20; i++) s.call("RPUSH", "list:" + n, "element-" + i);
            s.call("LTRIM", "list:" + n, 0, n - 1);
        }
    }
}
