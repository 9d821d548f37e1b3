package dev.salvor.memory;

import dev.salvor.fixtures.RedisServer;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What a real server says about a file it loaded: {@code MEMORY USAGE key SAMPLES 0} for every
 * key, and how much {@code used_memory_dataset} the keys account for.
 *
 * <p>used_memory_dataset is used_memory minus what the server books as overhead (start-up
 * memory, clients, replication and AOF buffers, scripts and functions caches, and per database
 * the dict entries, bucket arrays and value objects of its keys). A server that holds no key still
 * shows some (buffers that the client accounting has not caught up with, memory that loading a
 * file leaves allocated, the function libraries the file brings). So the keys' share is measured
 * as the difference between two fresh servers of the same binary started the same way: one that
 * loaded the file, and one that loaded a keyless file holding the same function libraries
 * (written by that server itself after FUNCTION LOAD). Each reading is taken once it is stable.
 */
record ServerMeasurement(String version, boolean valkey, String allocator, long datasetLoaded, long datasetBase,
                         Map<String, Long> usage) {

    static String id(int db, byte[] key) {
        return db + ":" + HexFormat.of().formatHex(key);
    }

    long keysDataset() {
        return datasetLoaded - datasetBase;
    }

    static ServerMeasurement measure(String binary, Path rdb, Path work) throws IOException {
        Path baseDir = work.resolve("base-writer");
        Path baseRdb = work.resolve("base.rdb");
        try (RedisServer s = RedisServer.startBinary(binary, baseDir, null)) {
            for (String code : functions(rdb)) s.call("FUNCTION", "LOAD", code);
            Files.copy(s.save(), baseRdb, StandardCopyOption.REPLACE_EXISTING);
        }
        long base;
        try (RedisServer s = startWith(binary, baseRdb, work.resolve("base"))) {
            base = settledDataset(s);
        }
        try (RedisServer s = startWith(binary, rdb, work.resolve("loaded"))) {
            long loaded = settledDataset(s);
            Map<String, String> info = info(s, "server");
            info.putAll(info(s, "memory"));
            boolean valkey = "valkey".equals(info.get("server_name"));
            String version = valkey ? info.get("valkey_version") : info.get("redis_version");
            Map<String, Long> usage = new HashMap<>();
            for (String line : infoText(s, "keyspace").split("\r\n")) {
                if (!line.startsWith("db")) continue;
                int db = Integer.parseInt(line.substring(2, line.indexOf(':')));
                s.call("SELECT", db);
                String cursor = "0";
                do {
                    List<?> reply = (List<?>) s.call("SCAN", cursor, "COUNT", 1000);
                    cursor = new String((byte[]) reply.get(0), StandardCharsets.US_ASCII);
                    for (Object k : (List<?>) reply.get(1)) {
                        byte[] key = (byte[]) k;
                        usage.put(id(db, key), (Long) s.call("MEMORY", "USAGE", key, "SAMPLES", 0));
                    }
                } while (!cursor.equals("0"));
            }
            return new ServerMeasurement(version, valkey, info.get("mem_allocator"), loaded, base, usage);
        }
    }

    private static RedisServer startWith(String binary, Path rdb, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(rdb, dir.resolve("dump.rdb"), StandardCopyOption.REPLACE_EXISTING);
        RedisServer s = RedisServer.startBinary(binary, dir, null);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (infoText(s, "persistence").contains("loading:1")) {
            if (System.nanoTime() > deadline) throw new IOException(binary + " did not finish loading " + rdb);
            sleep(50);
        }
        return s;
    }

    /** used_memory_dataset once two readings a quarter second apart agree (the client accounting runs in the server's cron). */
    private static long settledDataset(RedisServer s) throws IOException {
        long last = -1;
        for (int i = 0; i < 40; i++) {
            long now = Long.parseLong(info(s, "memory").get("used_memory_dataset"));
            if (now == last) return now;
            last = now;
            sleep(250);
        }
        return last;
    }

    private static List<String> functions(Path rdb) throws IOException {
        List<String> out = new ArrayList<>();
        try (RdbReader r = RdbReader.open(rdb)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.FUNCTION) out.add(r.functionCode().toString());
                if (r.inValue()) r.skipValue();
            }
        }
        return out;
    }

    private static String infoText(RedisServer s, String section) throws IOException {
        return new String((byte[]) s.call("INFO", section), StandardCharsets.UTF_8);
    }

    private static Map<String, String> info(RedisServer s, String section) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : infoText(s, section).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) m.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return m;
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }
}
