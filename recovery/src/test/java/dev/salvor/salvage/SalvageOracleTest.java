package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.fixtures.ServerBinaries;
import dev.salvor.rdb.ChecksumStatus;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Salvage judged by an oracle that shares nothing with it: the server that wrote each file gave
 * every key's DUMP payload ({@link DumpOracle} locates those bytes in the file, so it knows which
 * keys a damage touched), and the server of the file's own version loads the repaired file and
 * DUMPs back what it holds. Per damaged file:
 * <ul>
 *   <li>nothing is invented: every key the server loads was in the original, byte for byte (a
 *       partial key holds only original elements);</li>
 *   <li>nothing untouched is lost silently: every key whose entry lies outside the damage is
 *       recovered, or named in the report (lost, doubtful, seen in the damage);</li>
 *   <li>the loss count is true: the reported lower bound never exceeds the keys really lost, and
 *       equals it when the report says nothing is unknown; a database whose RESIZEDB survived
 *       (and into which no keys of another were assumed) has its losses counted exactly.</li>
 * </ul>
 */
class SalvageOracleTest {
    /** The servers whose datasets the fixtures hold; each file is loaded back by the server that wrote it. */
    static final List<String> SERVERS = List.of("redis-7.0", "redis-7.2", "redis-7.4", "redis-8.0-m01", "valkey-8.0");
    private static final Map<String, DumpOracle> ORACLES = new HashMap<>();

    @TempDir
    static Path dir;

    static synchronized DumpOracle oracle(String server) throws IOException {
        DumpOracle o = ORACLES.get(server);
        if (o == null) {
            o = DumpOracle.load(Fixtures.resolve("oracle/" + server));
            ORACLES.put(server, o);
        }
        return o;
    }

    static Stream<Arguments> damages() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (String server : SERVERS) {
            byte[] b = oracle(server).bytes;
            int n = b.length;
            Random rnd = new Random(server.hashCode() + 31L * Long.getLong("salvor.damageSeed", 0));
            cases.add(Arguments.of(server, Damage.truncate(b, n / 2)));
            cases.add(Arguments.of(server, Damage.truncate(b, n * 9 / 10)));
            cases.add(Arguments.of(server, Damage.truncate(b, n - 3)));
            cases.add(Arguments.of(server, Damage.zeroPage(b, (n / 3) / 4096 * 4096)));
            cases.add(Arguments.of(server, Damage.zeroPage(b, (2 * n / 3) / 4096 * 4096)));
            for (int i = 0; i < 2; i++) cases.add(Arguments.of(server, Damage.flip(b, 64 + rnd.nextInt(n - 128))));
            for (int i = 0; i < 2; i++) cases.add(Arguments.of(server, Damage.insert(b, 64 + rnd.nextInt(n - 128), rnd)));
            for (int i = 0; i < 2; i++) cases.add(Arguments.of(server, Damage.delete(b, 64 + rnd.nextInt(n - 128), 50)));
            cases.add(Arguments.of(server, Damage.magic(b)));
            for (int round = 0; round < Integer.getInteger("salvor.extraDamage", 0); round++) {
                cases.add(Arguments.of(server, Damage.zeroPage(b, (64 + rnd.nextInt(n - 4096)) / 4096 * 4096)));
                cases.add(Arguments.of(server, Damage.insert(b, 64 + rnd.nextInt(n - 128), rnd)));
                cases.add(Arguments.of(server, Damage.delete(b, 64 + rnd.nextInt(n - 128), 1 + rnd.nextInt(200))));
                cases.add(Arguments.of(server, Damage.truncate(b, 64 + rnd.nextInt(n - 64))));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("damages")
    void salvageAgreesWithTheWritingServer(String server, Damage damage) throws Exception {
        DumpOracle o = oracle(server);
        // SALVOR_DEBUG_DIR keeps each damaged file for a closer look.
        String keep = System.getenv("SALVOR_DEBUG_DIR");
        if (keep != null) Files.write(Files.createDirectories(Path.of(keep)).resolve(server + "-" + damage.name() + ".rdb"), damage.bytes());
        Path caseDir = Files.createTempDirectory(dir, server + "-" + damage.name());
        Path damaged = caseDir.resolve("damaged.rdb");
        Files.write(damaged, damage.bytes());
        Path repaired = Files.createDirectories(caseDir.resolve("server")).resolve("dump.rdb");
        SalvageReport report;
        try (FileChannel in = FileChannel.open(damaged); OutputStream out = Files.newOutputStream(repaired)) {
            report = RdbSalvager.salvage(damaged, new RepairWriter(in, out), null);
        }
        try (RedisServer redis = start(server, repaired.getParent())) {
            Verdict v = new Verdict(o, damage, report, load(redis), redis);
            v.nothingInvented();
            v.nothingUntouchedLostSilently();
            v.lossCountIsTrue();
        }
    }

    /** A key as the server loaded it from the repaired file. */
    record Loaded(int db, byte[] key, byte[] dump, long expireAtMs) {
    }

    private static RedisServer start(String server, Path serverDir) throws IOException {
        String binary = ServerBinaries.binaryFor(server);
        RedisServer redis = RedisServer.startBinary(binary, serverDir, null, "--dbfilename", "dump.rdb");
        // Wait until the file is loaded (commands answer LOADING until then).
        for (int i = 0; i < 300; i++) {
            Object info = redis.call("INFO", "persistence");
            if (info instanceof byte[] b && new String(b, StandardCharsets.US_ASCII).contains("loading:0")) return redis;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return redis;
    }

    private static Map<String, Loaded> load(RedisServer redis) throws IOException {
        Map<String, Loaded> out = new HashMap<>();
        {
            for (int db = 0; db < 16; db++) {
                redis.call("SELECT", db);
                String cursor = "0";
                do {
                    @SuppressWarnings("unchecked")
                    List<Object> reply = (List<Object>) redis.call("SCAN", cursor, "COUNT", "1000");
                    cursor = new String((byte[]) reply.get(0), StandardCharsets.US_ASCII);
                    @SuppressWarnings("unchecked")
                    List<Object> keys = (List<Object>) reply.get(1);
                    for (Object k : keys) {
                        byte[] key = (byte[]) k;
                        byte[] dump = (byte[]) redis.call("DUMP", key);
                        long exp = (Long) redis.call("PEXPIRETIME", key);
                        out.put(DumpOracle.id(db, key), new Loaded(db, key, dump, exp));
                    }
                } while (!cursor.equals("0"));
            }
        }
        return out;
    }

    /** The assertions for one damaged file. */
    static final class Verdict {
        final DumpOracle o;
        final Damage damage;
        final SalvageReport report;
        final Map<String, Loaded> loaded;
        final RedisServer redis;
        final Map<String, DumpOracle.Entry> original = new HashMap<>();
        /** Original keys found loaded, whole or partial (by original id). */
        final Set<String> recoveredWhole = new HashSet<>();
        final Set<String> recoveredPartial = new HashSet<>();
        final Set<String> partialNames = new HashSet<>();
        /** A recovered key differs from the original where only the checksum could tell (a flipped byte). */
        boolean undetectableChange;

        Verdict(DumpOracle o, Damage damage, SalvageReport report, Map<String, Loaded> loaded, RedisServer redis) {
            this.redis = redis;
            this.o = o;
            this.damage = damage;
            this.report = report;
            this.loaded = loaded;
            for (DumpOracle.Entry e : o.entries) original.put(e.id(), e);
            for (byte[] k : report.partialKeys()) partialNames.add(new String(k, StandardCharsets.ISO_8859_1));
        }

        private boolean partial(byte[] key) {
            return partialNames.contains(new String(key, StandardCharsets.ISO_8859_1));
        }

        private static boolean named(List<byte[]> names, byte[] key) {
            return names.stream().anyMatch(n -> Arrays.equals(n, key));
        }

        /** The original key a loaded one is: the same db, or a later one when the report says the db was assumed. */
        private DumpOracle.Entry originalOf(Loaded l) {
            DumpOracle.Entry e = original.get(DumpOracle.id(l.db(), l.key()));
            if (e != null) return e;
            if (report.assumedDbs().stream().noneMatch(a -> a.db() == l.db())) return null;
            for (int later = l.db() + 1; later < 16; later++) {
                e = original.get(DumpOracle.id(later, l.key()));
                if (e != null) return e;
            }
            return null;
        }

        void nothingInvented() throws IOException {
            for (Loaded l : loaded.values()) {
                DumpOracle.Entry e = originalOf(l);
                boolean flipInside = damage.name().startsWith("flip") && e != null && e.start() <= damage.from() && damage.from() < e.end();
                if (e == null && damage.name().startsWith("flip") && report.checksum() != ChecksumStatus.OK) {
                    // A byte flipped inside a key's name is invisible but to the checksum, which says so.
                    undetectableChange = true;
                    continue;
                }
                assertThat(e).as("%s: loaded key %s db %d was in the original", damage, DumpOracle.printable(l.key()), l.db()).isNotNull();
                if (partial(l.key())) {
                    recoveredPartial.add(e.id());
                    assertPartialHoldsOriginalElements(l, e);
                    continue;
                }
                recoveredWhole.add(e.id());
                if (flipInside && report.checksum() != ChecksumStatus.OK) {
                    undetectableChange |= !sameValue(l, e);
                    continue;
                }
                assertThat(sameValue(l, e)).as("%s: %s holds the original value", damage, DumpOracle.printable(l.key())).isTrue();
                if (!named(report.expiryUnknownKeys(), l.key())) {
                    assertThat(l.expireAtMs()).as("%s: %s keeps its expiry", damage, DumpOracle.printable(l.key())).isEqualTo(e.expireAtMs());
                }
            }
        }

        /** The value part of a DUMP payload (its trailer names the RDB version and a checksum). */
        private static byte[] valueOf(byte[] dump) {
            return Arrays.copyOf(dump, dump.length - 10);
        }

        /**
         * The same value: the same DUMP bytes, or (hashtable-encoded sets and hashes come out in
         * the new process's hash order) the same content as the original restored beside it.
         */
        private boolean sameValue(Loaded l, DumpOracle.Entry e) throws IOException {
            if (Arrays.equals(valueOf(l.dump()), valueOf(e.dump()))) return true;
            redis.call("SELECT", l.db());
            redis.call("RESTORE", "__original__", "0", e.dump(), "REPLACE");
            try {
                String type = type(l.key());
                if (!type.equals(type("__original__".getBytes(StandardCharsets.US_ASCII)))) return false;
                List<String> got = new ArrayList<>(elements(redis, type, l.key()));
                List<String> want = new ArrayList<>(elements(redis, type, "__original__".getBytes(StandardCharsets.US_ASCII)));
                if (type.equals("set") || type.equals("hash")) {
                    java.util.Collections.sort(got);
                    java.util.Collections.sort(want);
                }
                return got.equals(want);
            } finally {
                redis.call("DEL", "__original__");
            }
        }

        private String type(byte[] key) throws IOException {
            Object t = redis.call("TYPE", key);
            return t instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(t);
        }

        /** The original restored beside the partial key: every element the partial one holds is an original one. */
        private void assertPartialHoldsOriginalElements(Loaded l, DumpOracle.Entry e) throws IOException {
            redis.call("SELECT", l.db());
            redis.call("RESTORE", "__original__", "0", e.dump(), "REPLACE");
            try {
                String type = type(l.key());
                List<String> got = elements(redis, type, l.key());
                List<String> all = elements(redis, type, "__original__".getBytes(StandardCharsets.US_ASCII));
                if (type.equals("list") || type.equals("stream")) {
                    assertThat(all.subList(0, Math.min(all.size(), got.size()))).as("%s: partial %s is a prefix of the original", damage,
                            DumpOracle.printable(l.key())).isEqualTo(got);
                } else {
                    assertThat(all).as("%s: partial %s holds only original elements", damage, DumpOracle.printable(l.key())).containsAll(got);
                }
                assertThat(got.size()).isLessThanOrEqualTo(all.size());
            } finally {
                redis.call("DEL", "__original__");
            }
        }

        private static List<String> elements(RedisServer redis, String type, byte[] key) throws IOException {
            Object reply = switch (type) {
                case "list" -> redis.call("LRANGE", key, "0", "-1");
                case "set" -> redis.call("SMEMBERS", key);
                case "zset" -> redis.call("ZRANGE", key, "0", "-1", "WITHSCORES");
                case "hash" -> redis.call("HGETALL", key);
                case "stream" -> redis.call("XRANGE", key, "-", "+");
                case "string" -> List.of(redis.call("GET", key));
                default -> throw new AssertionError("no elements for type " + type);
            };
            List<String> out = new ArrayList<>();
            List<?> items = (List<?>) reply;
            int step = type.equals("zset") || type.equals("hash") ? 2 : 1;
            for (int i = 0; i < items.size(); i += step) {
                StringBuilder sb = new StringBuilder();
                for (int j = i; j < i + step; j++) sb.append(text(items.get(j))).append('\n');
                out.add(sb.toString());
            }
            return out;
        }

        private static String text(Object o) {
            if (o instanceof byte[] b) return new String(b, StandardCharsets.ISO_8859_1);
            if (o instanceof List<?> l) {
                StringBuilder sb = new StringBuilder("[");
                for (Object x : l) sb.append(text(x)).append(',');
                return sb.append(']').toString();
            }
            return String.valueOf(o);
        }

        void nothingUntouchedLostSilently() {
            Set<String> seen = new HashSet<>();
            for (SalvageReport.SeenKey k : report.losses().seenInDamage()) seen.add(new String(k.key(), StandardCharsets.ISO_8859_1));
            for (DumpOracle.Entry e : o.entries) {
                if (!e.untouchedBy(damage.from(), damage.to()) || damage.name().startsWith("truncate") && e.end() > damage.from()) continue;
                if (recoveredWhole.contains(e.id()) || recoveredPartial.contains(e.id())) continue;
                boolean namedInReport = named(report.lostKeys(), e.key()) || named(report.doubtfulKeys(), e.key())
                        || seen.contains(new String(e.key(), StandardCharsets.ISO_8859_1));
                assertThat(namedInReport || undetectableChange).as("%s: untouched key %s (db %d, [%d, %d)) is recovered or named in the report",
                        damage, DumpOracle.printable(e.key()), e.db(), e.start(), e.end()).isTrue();
            }
        }

        void lossCountIsTrue() {
            SalvageReport.Losses l = report.losses();
            long trueLost = o.entries.stream().filter(e -> !recoveredWhole.contains(e.id()) && !recoveredPartial.contains(e.id())).count();
            if (undetectableChange) return; // a changed name or value the structure cannot show; the checksum says so
            assertThat(l.atLeast()).as("%s: reported losses (at least %d) never exceed the true ones (%d)", damage, l.atLeast(), trueLost)
                    .isLessThanOrEqualTo(trueLost);
            boolean somethingUnknown = !SalvageSummary.unknowns(l).isEmpty() || !report.assumedDbs().isEmpty();
            if (!somethingUnknown) {
                assertThat(l.atLeast()).as("%s: nothing unknown, so the loss count is exact", damage).isEqualTo(trueLost);
            } else {
                assertThat(SalvageSummary.lossLines(report)).as("%s: what is unknown is said", damage).isNotEmpty();
            }
            Map<Integer, Long> trueCount = new HashMap<>();
            Map<Integer, Long> trueLostPerDb = new HashMap<>();
            for (DumpOracle.Entry e : o.entries) {
                trueCount.merge(e.db(), 1L, Long::sum);
                if (!recoveredWhole.contains(e.id()) && !recoveredPartial.contains(e.id())) trueLostPerDb.merge(e.db(), 1L, Long::sum);
            }
            for (SalvageReport.DbCount d : l.databases()) {
                if (!d.announced()) continue;
                assertThat(d.announcedKeys()).as("%s: db %d's RESIZEDB count", damage, d.db()).isEqualTo(trueCount.getOrDefault(d.db(), 0L));
                boolean assumedHere = report.assumedDbs().stream().anyMatch(a -> a.db() == d.db());
                if (!assumedHere) {
                    assertThat(d.lostAtLeast()).as("%s: db %d's losses, counted from its RESIZEDB", damage, d.db())
                            .isEqualTo(trueLostPerDb.getOrDefault(d.db(), 0L));
                }
            }
        }
    }
}
