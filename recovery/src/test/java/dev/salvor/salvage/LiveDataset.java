package dev.salvor.salvage;

import dev.salvor.fixtures.RedisServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Has a real redis-server write an RDB with every type, small and large values, in several dbs.
 * Run {@link #main} to regenerate fixtures/.../rdb/salvage-7.0 (the salvage tests use those files).
 */
final class LiveDataset {
    private LiveDataset() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        for (boolean compression : new boolean[] {false, true}) {
            Path tmp = Files.createTempDirectory("salvor-live");
            Path f = write(tmp, compression);
            Files.copy(f, out.resolve(f.getFileName().toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static Path write(Path dir, boolean compression) throws IOException {
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"), "--rdbcompression", compression ? "yes" : "no")) {
            Random rnd = new Random(7);
            for (int db : new int[] {0, 1, 5}) {
                redis.call("SELECT", db);
                for (int i = 0; i < 120; i++) {
                    redis.call("SET", "str:" + db + ":" + i, text(rnd, 5 + rnd.nextInt(60)));
                    if (i % 3 == 0) redis.call("SET", "int:" + db + ":" + i, Integer.toString(rnd.nextInt()));
                    if (i % 10 == 0) redis.call("SET", "bin:" + db + ":" + i, bytes(rnd, 200 + rnd.nextInt(3000)));
                    if (i % 15 == 0) redis.call("SET", "long:" + db + ":" + i, text(rnd, 2000 + rnd.nextInt(4000)));
                    if (i % 4 == 0) redis.call("PEXPIREAT", "str:" + db + ":" + i, 4102444800000L + i);
                }
                for (int i = 0; i < 25; i++) {
                    List<Object> args = new ArrayList<>(List.of("RPUSH", "list:" + db + ":" + i));
                    for (int k = 0; k < 3 + rnd.nextInt(40); k++) args.add(text(rnd, 3 + rnd.nextInt(20)));
                    redis.call(args.toArray());
                    args = new ArrayList<>(List.of("SADD", "set:" + db + ":" + i));
                    for (int k = 0; k < 3 + rnd.nextInt(40); k++) args.add(i % 2 == 0 ? Integer.toString(rnd.nextInt(100000)) : text(rnd, 4 + rnd.nextInt(12)));
                    redis.call(args.toArray());
                    args = new ArrayList<>(List.of("ZADD", "zset:" + db + ":" + i));
                    for (int k = 0; k < 3 + rnd.nextInt(40); k++) {
                        args.add(k == 0 ? "-inf" : Double.toString(rnd.nextGaussian() * 1000));
                        args.add(text(rnd, 4 + rnd.nextInt(12)));
                    }
                    redis.call(args.toArray());
                    args = new ArrayList<>(List.of("HSET", "hash:" + db + ":" + i));
                    for (int k = 0; k < 3 + rnd.nextInt(40); k++) {
                        args.add("f" + k);
                        args.add(text(rnd, 1 + rnd.nextInt(30)));
                    }
                    redis.call(args.toArray());
                }
                // Large values: quicklist with many nodes, hashtable set/hash, skiplist zset.
                for (int chunk = 0; chunk < 10; chunk++) {
                    List<Object> list = new ArrayList<>(List.of("RPUSH", "biglist:" + db));
                    List<Object> set = new ArrayList<>(List.of("SADD", "bigset:" + db));
                    List<Object> hash = new ArrayList<>(List.of("HSET", "bighash:" + db));
                    List<Object> zset = new ArrayList<>(List.of("ZADD", "bigzset:" + db));
                    for (int k = 0; k < 300; k++) {
                        list.add(text(rnd, 10 + rnd.nextInt(30)));
                        set.add("m" + chunk + ":" + k);
                        hash.add("field" + chunk + ":" + k);
                        hash.add(text(rnd, 5 + rnd.nextInt(80)));
                        zset.add(Integer.toString(rnd.nextInt(1000)));
                        zset.add("z" + chunk + ":" + k);
                    }
                    redis.call(list.toArray());
                    redis.call(set.toArray());
                    redis.call(hash.toArray());
                    redis.call(zset.toArray());
                }
                // Explicit ids: the file is the same on every run, so the damage falls in the same places.
                for (int e = 0; e < 30; e++) redis.call("XADD", "stream:" + db, "1700000000000-" + (e + 1), "n", Integer.toString(e), "text", text(rnd, 20));
                redis.call("XGROUP", "CREATE", "stream:" + db, "g1", "0");
                redis.call("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "5", "STREAMS", "stream:" + db, ">");
            }
            Path saved = redis.save();
            Path out = dir.resolve(compression ? "dataset.rdb" : "dataset-nocompress.rdb");
            Files.copy(saved, out);
            return out;
        }
    }

    static String text(Random rnd, int n) {
        String words = "lorem ipsum dolor sit amet redis salvage page torn disk order cart item ";
        StringBuilder sb = new StringBuilder(n);
        while (sb.length() < n) sb.append(words, rnd.nextInt(words.length() / 2), words.length());
        return sb.substring(0, n);
    }

    static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
