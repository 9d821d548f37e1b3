package dev.salvor.repair;

import dev.salvor.fixtures.RedisServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Has a real redis-server write a multi-part AOF (RDB base by BGREWRITEAOF, then an incr file with
 * timestamp annotations and transactions), and reads datasets back from live servers, for tests
 * whose oracle must not be Salvor's own parser: every key's DUMP payload and expiry as the server
 * gives them, commands parsed by a separate minimal RESP reader.
 */
final class LiveAof {
    /** What the server wrote: the directory, and the dataset the base holds (read from the server as it was rewritten). */
    record Written(Path dir, Path base, Path incr, Map<String, Dump> baseDataset) {
    }

    /**
     * One key as the server gives it: its DUMP payload (for locating its record in a file the same
     * server wrote), its content read back with ordinary commands in a canonical order (what two
     * servers holding the same value agree on; DUMP orders hashtables by memory layout), and its
     * absolute expiry (-1: none).
     */
    record Dump(int db, byte[] key, byte[] payload, String content, long expireAtMs) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Dump d && db == d.db && Arrays.equals(key, d.key) && content.equals(d.content) && expireAtMs == d.expireAtMs;
        }

        @Override
        public int hashCode() {
            return content.hashCode() * 31 + Arrays.hashCode(key) + db;
        }

        @Override
        public String toString() {
            return "db" + db + ":" + new String(key, StandardCharsets.ISO_8859_1);
        }
    }

    private LiveAof() {
    }

    static Written write(Path work) throws IOException {
        Path data = work.resolve("server");
        Map<String, Dump> base;
        try (RedisServer redis = RedisServer.start(data, "--appendonly", "yes", "--aof-use-rdb-preamble", "yes", "--aof-timestamp-enabled", "yes",
                "--appenddirname", "appendonlydir", "--appendfilename", "appendonly.aof", "--rdbcompression", "no", "--appendfsync", "always")) {
            Random rnd = new Random(11);
            for (int db : new int[] {0, 3}) {
                redis.call("SELECT", db);
                for (int i = 0; i < 150; i++) {
                    redis.call("SET", "s:" + db + ":" + i, "value-" + i + "-" + text(rnd, 10 + rnd.nextInt(200)));
                    if (i % 5 == 0) redis.call("PEXPIREAT", "s:" + db + ":" + i, 4102444800000L + i);
                    if (i % 3 == 0) redis.call("SET", "n:" + db + ":" + i, Long.toString(rnd.nextLong()));
                }
                for (int i = 0; i < 30; i++) {
                    List<Object> l = new ArrayList<>(List.of("RPUSH", "l:" + db + ":" + i));
                    List<Object> h = new ArrayList<>(List.of("HSET", "h:" + db + ":" + i));
                    List<Object> z = new ArrayList<>(List.of("ZADD", "z:" + db + ":" + i));
                    List<Object> s = new ArrayList<>(List.of("SADD", "t:" + db + ":" + i));
                    int n = 2 + rnd.nextInt(i % 7 == 0 ? 400 : 30);
                    for (int k = 0; k < n; k++) {
                        l.add("e" + k + "-" + text(rnd, 5 + rnd.nextInt(20)));
                        h.add("f" + k);
                        h.add(text(rnd, 1 + rnd.nextInt(40)));
                        z.add(Double.toString(rnd.nextGaussian() * 100));
                        z.add("m" + k);
                        s.add(i % 2 == 0 ? Integer.toString(rnd.nextInt(1_000_000)) : "w" + k + text(rnd, 4));
                    }
                    redis.call(l.toArray());
                    redis.call(h.toArray());
                    redis.call(z.toArray());
                    redis.call(s.toArray());
                }
                for (int e = 0; e < 40; e++) redis.call("XADD", "x:" + db, "1700000000000-" + (e + 1), "n", Integer.toString(e), "t", text(rnd, 30));
                redis.call("XGROUP", "CREATE", "x:" + db, "g", "0");
                redis.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "4", "STREAMS", "x:" + db, ">");
            }
            redis.call("BGREWRITEAOF");
            awaitRewrite(redis);
            base = dataset(redis);
            // After the rewrite: commands in the incr file, some of them in transactions, some
            // touching keys of the base.
            for (int i = 0; i < 200; i++) {
                redis.call("SELECT", i % 2 == 0 ? 0 : 3);
                if (i % 10 == 0) {
                    redis.call("MULTI");
                    redis.call("INCR", "counter");
                    redis.call("RPUSH", "l:0:1", "tx" + i);
                    redis.call("SET", "after:" + i, text(rnd, 30));
                    redis.call("EXEC");
                } else if (i % 7 == 0) {
                    redis.call("DEL", "s:" + (i % 2 == 0 ? 0 : 3) + ":" + i);
                } else {
                    redis.call("SET", "after:" + i, text(rnd, 20 + rnd.nextInt(100)));
                    redis.call("HSET", "h:0:2", "f" + i, "v" + i);
                }
                if (i % 50 == 0) sleepOverASecond(); // a new #TS annotation
            }
        }
        Path dir = data.resolve("appendonlydir");
        Path baseFile;
        Path incrFile;
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.sorted().toList();
            baseFile = all.stream().filter(p -> p.getFileName().toString().endsWith(".base.rdb")).findFirst().orElseThrow();
            incrFile = all.stream().filter(p -> p.getFileName().toString().endsWith(".incr.aof")).reduce((a, b) -> b).orElseThrow();
        }
        return new Written(dir, baseFile, incrFile, base);
    }

    private static void sleepOverASecond() {
        try {
            Thread.sleep(1100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitRewrite(RedisServer redis) throws IOException {
        for (int i = 0; i < 600; i++) {
            String info = new String((byte[]) redis.call("INFO", "persistence"), StandardCharsets.UTF_8);
            if (info.contains("aof_rewrite_in_progress:0") && info.contains("aof_rewrite_scheduled:0") && info.contains("aof_last_bgrewrite_status:ok")) return;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        throw new IOException("BGREWRITEAOF did not finish");
    }

    /** Every key of every database, as DUMP, ordinary reads and PEXPIRETIME give it. */
    @SuppressWarnings("unchecked")
    static Map<String, Dump> dataset(RedisServer redis) throws IOException {
        for (int i = 0; i < 600; i++) {
            String info = new String((byte[]) redis.call("INFO", "persistence"), StandardCharsets.UTF_8);
            if (info.contains("loading:0")) break;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        Map<String, Dump> out = new TreeMap<>();
        for (int db = 0; db < 16; db++) {
            redis.call("SELECT", db);
            for (Object k : (List<Object>) redis.call("KEYS", "*")) {
                byte[] key = (byte[]) k;
                byte[] payload = (byte[]) redis.call("DUMP", key);
                long at = (Long) redis.call("PEXPIRETIME", key);
                Dump d = new Dump(db, key, payload, content(redis, key), at);
                out.put(id(db, key), d);
            }
        }
        redis.call("SELECT", 0);
        return out;
    }

    /** The value read back with ordinary commands, unordered collections sorted. */
    @SuppressWarnings("unchecked")
    private static String content(RedisServer redis, byte[] key) throws IOException {
        String type = (String) redis.call("TYPE", key);
        List<String> parts = new ArrayList<>();
        switch (type) {
            case "string" -> parts.add(b64(redis.call("GET", key)));
            case "list" -> ((List<Object>) redis.call("LRANGE", key, 0, -1)).forEach(e -> parts.add(b64(e)));
            case "set" -> ((List<Object>) redis.call("SMEMBERS", key)).forEach(e -> parts.add(b64(e)));
            case "hash", "zset" -> {
                List<Object> flat = (List<Object>) (type.equals("hash") ? redis.call("HGETALL", key) : redis.call("ZRANGE", key, 0, -1, "WITHSCORES"));
                for (int i = 0; i < flat.size(); i += 2) parts.add(b64(flat.get(i)) + "=" + b64(flat.get(i + 1)));
            }
            case "stream" -> {
                parts.add(String.valueOf(render(redis.call("XRANGE", key, "-", "+"))));
                parts.add(String.valueOf(render(redis.call("XINFO", "GROUPS", key))));
            }
            default -> parts.add("?" + type);
        }
        if (!type.equals("list") && !type.equals("stream")) java.util.Collections.sort(parts);
        return type + ":" + String.join(",", parts);
    }

    private static Object render(Object reply) {
        if (reply instanceof byte[] b) return new String(b, StandardCharsets.ISO_8859_1);
        if (reply instanceof List<?> l) return l.stream().map(LiveAof::render).toList();
        return reply;
    }

    private static String b64(Object bulk) {
        return Base64.getEncoder().encodeToString((byte[]) bulk);
    }

    static String id(int db, byte[] key) {
        return db + ":" + Base64.getEncoder().encodeToString(key);
    }

    /**
     * Where the key's record lies in an RDB the same server wrote, found from its DUMP payload
     * (type byte, then the value's bytes) and its name: [start, end) including an expiry prefix,
     * or null when the bytes are not found (they are then not counted as untouched).
     */
    static long[] locate(byte[] rdb, Dump d) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(d.payload()[0]);
        // Key names here are short, not numbers: a one-byte length, then the bytes.
        p.write(d.key().length);
        p.writeBytes(d.key());
        p.write(d.payload(), 1, d.payload().length - 11);
        byte[] pattern = p.toByteArray();
        int at = indexOf(rdb, pattern);
        if (at < 0 || indexOf(Arrays.copyOfRange(rdb, at + 1, rdb.length), pattern) >= 0) return null;
        long start = at;
        if (d.expireAtMs() >= 0) {
            if (at < 9 || (rdb[at - 9] & 0xff) != 0xfc) return null;
            start = at - 9;
        }
        return new long[] {start, at + pattern.length};
    }

    static int indexOf(byte[] hay, byte[] needle) {
        return dev.salvor.fixtures.Bytes.indexOf(hay, needle);
    }

    /** The commands of an intact AOF part, parsed without Salvor: each as its arguments; annotations skipped. */
    static List<byte[][]> commands(byte[] aof, int from) {
        List<byte[][]> out = new ArrayList<>();
        int p = from;
        while (p < aof.length) {
            if (aof[p] == '#') {
                while (aof[p] != '\n') p++;
                p++;
                continue;
            }
            int eol = lineEnd(aof, p);
            int argc = Integer.parseInt(new String(aof, p + 1, eol - p - 1, StandardCharsets.US_ASCII));
            p = eol + 2;
            byte[][] argv = new byte[argc][];
            for (int i = 0; i < argc; i++) {
                eol = lineEnd(aof, p);
                int len = Integer.parseInt(new String(aof, p + 1, eol - p - 1, StandardCharsets.US_ASCII));
                p = eol + 2;
                argv[i] = Arrays.copyOfRange(aof, p, p + len);
                p += len + 2;
            }
            out.add(argv);
        }
        return out;
    }

    private static int lineEnd(byte[] b, int p) {
        while (b[p] != '\r') p++;
        return p;
    }

    static String text(Random rnd, int n) {
        String words = "lorem ipsum dolor sit amet redis preamble base torn page rewrite ";
        StringBuilder sb = new StringBuilder(n);
        while (sb.length() < n) sb.append(words, rnd.nextInt(words.length() / 2), words.length());
        return sb.substring(0, n);
    }
}
