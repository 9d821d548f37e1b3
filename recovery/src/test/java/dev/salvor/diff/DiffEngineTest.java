package dev.salvor.diff;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.export.KeySelector;
import dev.salvor.fixtures.Fixtures;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class DiffEngineTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");

    /** A "live" side that hides one key from the scan and holds it again when re-read. */
    static final class Flaky implements KeySource {
        final RdbFileSource file = new RdbFileSource(RDB, "flaky");
        final String hidden;
        final List<KeyRecord> all = new ArrayList<>();

        Flaky(String hidden) {
            this.hidden = hidden;
        }

        @Override
        public String describe() {
            return "flaky";
        }

        @Override
        public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
            file.scan(selector, r -> {
                all.add(r);
                if (!new String(r.key(), StandardCharsets.UTF_8).equals(hidden)) sink.accept(r);
            });
        }

        @Override
        public CollectedValue fetch(KeyRecord record) throws IOException {
            return file.fetch(record);
        }

        @Override
        public boolean live() {
            return true;
        }

        @Override
        public KeyRecord refetch(KeyRecord record) {
            return all.stream().filter(r -> r.db() == record.db() && java.util.Arrays.equals(r.key(), record.key())).findFirst().orElse(null);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void identicalFilesAndEveryTypeIncludingStreamsAndFieldTtls() throws IOException {
        // Same dataset written by two servers (Redis 7.4 and 8.0-m01): every type, streams with
        // groups and hash fields with TTLs, all equal.
        try (KeySource a = new RdbFileSource(RDB, "a"); KeySource b = new RdbFileSource(Fixtures.resolve("rdb/redis-8.0-m01/dataset.rdb"), "b")) {
            DiffEngine.Report r = new DiffEngine(0, false).diff(a, b, KeySelector.ALL);
            assertThat(r.keysA()).isEqualTo(550);
            assertThat(r.identical()).as("%s", r.differences().list()).isTrue();
        }
    }

    /** A minimal RDB 12 file with one hash whose fields carry TTLs (HASH_METADATA), built byte by byte. */
    static Path hashWithTtls(Path dir, String name, long ttlOfB) throws IOException {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        o.writeBytes("REDIS0012".getBytes(StandardCharsets.US_ASCII));
        o.write(0xfe);
        o.write(0);
        o.write(24);
        o.write(1);
        o.write('h');
        long min = 1893456000000L;
        for (int i = 0; i < 8; i++) o.write((int) (min >>> (8 * i)));
        o.write(2);
        o.write(0); // field a: no TTL
        o.write(1);
        o.write('a');
        o.write(1);
        o.write('1');
        o.write(ttlOfB - min + 1 < 64 ? (int) (ttlOfB - min + 1) : 0);
        o.write(1);
        o.write('b');
        o.write(1);
        o.write('2');
        o.write(0xff);
        byte[] body = o.toByteArray();
        long crc = dev.salvor.rdb.Crc64.of(body, 0, body.length);
        for (int i = 0; i < 8; i++) o.write((int) (crc >>> (8 * i)));
        Path f = dir.resolve(name);
        java.nio.file.Files.write(f, o.toByteArray());
        return f;
    }

    @Test
    void hashFieldTtlDifferencesAreReported(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path a = hashWithTtls(dir, "a.rdb", 1893456000010L), b = hashWithTtls(dir, "b.rdb", 1893456000020L);
        try (KeySource sa = new RdbFileSource(a, "a"); KeySource sb = new RdbFileSource(b, "b")) {
            DiffEngine.Report r = new DiffEngine(0, false).diff(sa, sb, KeySelector.ALL);
            assertThat(r.differences().list()).hasSize(1);
            assertThat(r.differences().list().get(0).kind()).isEqualTo(Difference.Kind.VALUE_DIFFERS);
            assertThat(r.differences().list().get(0).details()).containsExactly("field b: 2 ttl 1893456000010 -> 2 ttl 1893456000020");
        }
    }

    @Test
    void spilledSortedRunsGiveTheSameAnswerAsMemory() throws IOException {
        Path a = RDB, b = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");
        DiffEngine.Report inMemory;
        try (KeySource sa = new RdbFileSource(a, "a"); KeySource sb = new RdbFileSource(b, "b")) {
            inMemory = new DiffEngine(2000, false).diff(sa, sb, KeySelector.ALL);
        }
        DiffEngine spilled = new DiffEngine(2000, false, 16 << 10); // 16 KiB: dozens of runs
        DiffEngine.Report onDisk;
        try (KeySource sa = new RdbFileSource(a, "a"); KeySource sb = new RdbFileSource(b, "b")) {
            onDisk = spilled.diff(sa, sb, KeySelector.ALL);
        }
        assertThat(spilled.spilledRuns()).isGreaterThan(10);
        assertThat(onDisk.keysA()).isEqualTo(inMemory.keysA());
        assertThat(onDisk.countsByKind()).isEqualTo(inMemory.countsByKind());
        assertThat(onDisk.differences().list()).hasSameSizeAs(inMemory.differences().list());
        for (int i = 0; i < onDisk.differences().list().size(); i++) {
            Difference x = onDisk.differences().list().get(i), y = inMemory.differences().list().get(i);
            assertThat(x.key()).isEqualTo(y.key());
            assertThat(x.kind()).isEqualTo(y.kind());
            assertThat(x.details()).isEqualTo(y.details());
        }
    }

    @Test
    void aKeyThatChangesOnALiveSideDuringTheReadIsNotADifference() throws IOException {
        try (KeySource a = new RdbFileSource(RDB, "a"); KeySource b = new Flaky("str:len:00005")) {
            DiffEngine.Report r = new DiffEngine(2000, false).diff(a, b, KeySelector.ALL);
            // The name exists in db 0 and db 15: both were hidden during the scan and are back now.
            assertThat(r.differences().list()).hasSize(2).allMatch(d -> d.kind() == Difference.Kind.CHANGED_DURING_READ);
            assertThat(r.identical()).isTrue();
        }
        // The same key missing from a file is a real difference.
        try (KeySource a = new RdbFileSource(RDB, "a"); KeySource b = new RdbFileSource(Fixtures.resolve("rdb/redis-7.0/dataset.rdb"), "b")) {
            DiffEngine.Report r = new DiffEngine(2000, false).diff(a, b, KeySelector.ALL);
            assertThat(r.identical()).isFalse(); // 7.0 has no hash field TTLs and fewer keys
            assertThat(r.differences().list()).anyMatch(d -> d.kind() == Difference.Kind.ONLY_IN_A);
        }
    }

    /** A live side that reads database 5 only (like redis://host:port/5) but answers a re-read in any database. */
    static final class OneDb implements KeySource {
        final RdbFileSource file = new RdbFileSource(RDB, "db5");
        final List<KeyRecord> all = new ArrayList<>();

        @Override
        public String describe() {
            return "db5";
        }

        @Override
        public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
            file.scan(KeySelector.ALL, r -> {
                all.add(r);
                if (r.db() == 5 && selector.select(r.db(), r.key(), r.digest().type())) sink.accept(r);
            });
        }

        @Override
        public CollectedValue fetch(KeyRecord record) throws IOException {
            return file.fetch(record);
        }

        @Override
        public boolean covers(int db) {
            return db == 5;
        }

        @Override
        public boolean live() {
            return true;
        }

        @Override
        public KeyRecord refetch(KeyRecord record) {
            return all.stream().filter(r -> r.db() == record.db() && java.util.Arrays.equals(r.key(), record.key())).findFirst().orElse(null);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aKeyOfADatabaseTheLiveSideDoesNotReadIsNeverCalledChanged() throws IOException {
        try (KeySource a = new RdbFileSource(RDB, "a"); KeySource b = new OneDb()) {
            DiffEngine.Report r = new DiffEngine(2000, false).diff(a, b, KeySelector.ALL);
            // Keys outside db 5 are only in A (nothing read them on B); none was re-read and seen to change.
            assertThat(r.differences().list()).isNotEmpty().noneMatch(d -> d.kind() == Difference.Kind.CHANGED_DURING_READ)
                    .allMatch(d -> d.kind() == Difference.Kind.ONLY_IN_A && d.db() != 5);
        }
    }

    /**
     * A live side whose SCAN hands out keys more than once, as a server does when it resizes its
     * table during the scan: every 7th key again right after itself, and the first five again at
     * the end. Keys named by {@code hidden} are left out.
     */
    static final class Repeating implements KeySource {
        final RdbFileSource file = new RdbFileSource(RDB, "repeating");
        final java.util.function.Predicate<String> hidden;
        final List<KeyRecord> all = new ArrayList<>();
        long handedOut;

        Repeating(java.util.function.Predicate<String> hidden) {
            this.hidden = hidden;
        }

        @Override
        public String describe() {
            return "repeating";
        }

        @Override
        public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
            List<KeyRecord> shown = new ArrayList<>();
            file.scan(selector, r -> {
                all.add(r);
                if (hidden.test(new String(r.key(), StandardCharsets.UTF_8))) return;
                shown.add(r);
                sink.accept(r);
                handedOut++;
                if (shown.size() % 7 == 0) {
                    sink.accept(r);
                    handedOut++;
                }
            });
            for (KeyRecord r : shown.subList(0, 5)) {
                sink.accept(r);
                handedOut++;
            }
        }

        @Override
        public CollectedValue fetch(KeyRecord record) throws IOException {
            return file.fetch(record);
        }

        @Override
        public boolean live() {
            return true;
        }

        @Override
        public KeyRecord refetch(KeyRecord record) {
            // What the server holds when asked again: the keys it hands out, the hidden ones never.
            return all.stream().filter(r -> r.db() == record.db() && java.util.Arrays.equals(r.key(), record.key()))
                    .filter(r -> !hidden.test(new String(r.key(), StandardCharsets.UTF_8))).findFirst().orElse(null);
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    /**
     * A key a live SCAN hands out twice is one key, on either side and in both modes (in memory and
     * spilled to sorted runs): no "only in B" or "only in A" for the second sighting, each side's
     * count is of distinct keys, and a key only on one side is reported once however often it came.
     */
    @Test
    void aKeyALiveScanHandsOutTwiceIsOneKey() throws IOException {
        for (long maxMemory : new long[] {-1, 1 << 20}) {
            try (KeySource a = new RdbFileSource(RDB, "a"); Repeating b = new Repeating(k -> false)) {
                DiffEngine.Report r = new DiffEngine(0, false, maxMemory).diff(a, b, KeySelector.ALL);
                assertThat(b.handedOut).isGreaterThan(550 + 70);
                assertThat(r.differences().list()).as("max memory %d", maxMemory).isEmpty();
                assertThat(r.identical()).isTrue();
                assertThat(r.keysB()).isEqualTo(550);
            }
            // Repeats on the A side too, and keys only on one side, each repeated.
            try (Repeating a = new Repeating(k -> k.startsWith("str:len:")); Repeating b = new Repeating(k -> k.startsWith("set:"))) {
                DiffEngine.Report r = new DiffEngine(0, false, maxMemory).diff(a, b, KeySelector.ALL);
                List<Difference> d = r.differences().list();
                long onlyInA = a.all.stream().filter(k -> new String(k.key(), StandardCharsets.UTF_8).startsWith("set:")).count();
                long onlyInB = b.all.stream().filter(k -> new String(k.key(), StandardCharsets.UTF_8).startsWith("str:len:")).count();
                assertThat(onlyInA).isPositive();
                assertThat(onlyInB).isPositive();
                assertThat(d).as("max memory %d", maxMemory).hasSize((int) (onlyInA + onlyInB))
                        .allMatch(x -> x.kind() == Difference.Kind.ONLY_IN_A || x.kind() == Difference.Kind.ONLY_IN_B);
                assertThat(d.stream().filter(x -> x.kind() == Difference.Kind.ONLY_IN_A)).hasSize((int) onlyInA)
                        .allMatch(x -> new String(x.key(), StandardCharsets.UTF_8).startsWith("set:"));
                assertThat(d.stream().map(x -> x.db() + ":" + new String(x.key(), StandardCharsets.ISO_8859_1)).distinct()).hasSize(d.size());
                assertThat(r.keysA()).isEqualTo(550 - onlyInB);
                assertThat(r.keysB()).isEqualTo(550 - onlyInA);
            }
        }
    }
}
