package dev.salvor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RedisServer;
import dev.salvor.format.InputFile;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys written twice are found from fingerprints the workers note, partition by partition, and
 * confirmed by reading the keys again. Files are written by a real redis-server (the same 3,000
 * key names in databases 0 and 1, a few hashes); a duplicate is made by copying one key's record
 * bytes to the end of the file, which the server then refuses to load ("Duplicated key found in
 * RDB file"). Ranges of 4 KiB put the two copies in different ranges.
 */
class KeyFingerprintsTest {
    private static final long RANGE = 4096;
    /** Every key collides with every other: fingerprints alone would call each one a duplicate. */
    private static final KeyFingerprints.KeyHash ALL_EQUAL = (db, key) -> 42;
    /** Keys collide by length: same-length names of both databases share a fingerprint. */
    private static final KeyFingerprints.KeyHash BY_LENGTH = (db, key) -> (long) key.length << 40;

    @TempDir
    static Path shared;

    static Path clean;
    static Path twice;
    static Loc copied;
    static long copyAt;

    @TempDir
    Path dir;

    record Loc(long recordOffset, long keyEnd) {
    }

    @BeforeAll
    static void write() throws IOException {
        try (RedisServer redis = RedisServer.start(shared.resolve("writer"))) {
            for (int db = 0; db < 2; db++) {
                redis.call("SELECT", Integer.toString(db));
                for (int batch = 0; batch < 6; batch++) {
                    List<Object> mset = new ArrayList<>(List.of("MSET"));
                    for (int i = batch * 500; i < (batch + 1) * 500; i++) {
                        mset.add("key:" + i);
                        mset.add("value-" + i + "-" + db);
                    }
                    redis.call(mset.toArray());
                }
                for (int i = 0; i < 20; i++) redis.call("HSET", "hash:" + i, "f", "v" + i, "g", "w");
            }
            clean = Files.copy(redis.save(), shared.resolve("clean.rdb"));
        }
        byte[] f = Files.readAllBytes(clean);
        copied = firstKeyOf(clean, 1);
        copyAt = f.length - 9;
        assertThat(f[(int) copyAt] & 0xff).as("the EOF opcode").isEqualTo(0xff);
        byte[] record = java.util.Arrays.copyOfRange(f, (int) copied.recordOffset(), (int) copied.keyEnd());
        byte[] out = new byte[f.length + record.length];
        System.arraycopy(f, 0, out, 0, (int) copyAt);
        System.arraycopy(record, 0, out, (int) copyAt, record.length);
        System.arraycopy(f, (int) copyAt, out, (int) copyAt + record.length, f.length - (int) copyAt);
        RdbCheckerTest.fixCrc(out);
        twice = Files.write(shared.resolve("twice.rdb"), out);
    }

    @Test
    void aKeyCopiedIntoALaterRangeIsReportedWithBothOffsets() throws Exception {
        assertThat(serverLoads(twice)).as("redis-server loads the file with a key twice").isFalse();
        assertThat(serverLoads(clean)).isTrue();
        ParallelCheck.Result r = run(twice, KeyFingerprints.KEY_HASH, KeyFingerprints.defaultBudgetWords());
        assertThat(r.problems()).isEmpty();
        assertThat(r.duplicates()).hasSize(1);
        Problem p = r.duplicates().get(0);
        assertThat(p.reason()).isEqualTo("duplicate key");
        assertThat(p.offset()).isEqualTo(copyAt);
        assertThat(p.db()).isEqualTo(1);
        assertThat(p.detail()).contains("already written at offset " + copied.recordOffset() + " in this database");
        assertThat(copyAt / RANGE).as("the copies are in different ranges").isGreaterThan(copied.recordOffset() / RANGE);
        // The whole check says the same, once.
        assertThat(RdbChecker.checkFile(twice, null).problems()).extracting(Problem::offset).containsExactly(copyAt);
    }

    @Test
    void keysThatOnlyShareAFingerprintAreNoDuplicates() throws Exception {
        for (KeyFingerprints.KeyHash weak : List.of(ALL_EQUAL, BY_LENGTH)) {
            ParallelCheck.Result r = run(clean, weak, KeyFingerprints.defaultBudgetWords());
            assertThat(r.complete()).isTrue();
            assertThat(r.keys()).isEqualTo(6040);
            assertThat(r.duplicates()).as("keys of one fingerprint, different bytes or databases").isEmpty();
            // With the real duplicate, exactly it, as with the real hash.
            ParallelCheck.Result d = run(twice, weak, KeyFingerprints.defaultBudgetWords());
            assertThat(d.duplicates()).usingRecursiveFieldByFieldElementComparator()
                    .isEqualTo(run(twice, KeyFingerprints.KEY_HASH, KeyFingerprints.defaultBudgetWords()).duplicates());
        }
    }

    @Test
    void fingerprintsPastTheBudgetSpillToATemporaryFileAndFindTheSame() throws Exception {
        String tmp = System.getProperty("java.io.tmpdir");
        System.setProperty("java.io.tmpdir", dir.toString());
        try {
            ParallelCheck.Result spilled = run(twice, BY_LENGTH, 16);
            assertThat(spilled.fingerprintsSpilled()).isTrue();
            ParallelCheck.Result inMemory = run(twice, BY_LENGTH, KeyFingerprints.defaultBudgetWords());
            assertThat(inMemory.fingerprintsSpilled()).isFalse();
            assertThat(spilled.duplicates()).usingRecursiveFieldByFieldElementComparator().isEqualTo(inMemory.duplicates()).hasSize(1);
            try (Stream<Path> left = Files.list(dir)) {
                assertThat(left).as("the temporary file is removed").isEmpty();
            }
        } finally {
            System.setProperty("java.io.tmpdir", tmp);
        }
    }

    @Test
    void keysAreHashedOnTheWorkersNotOnTheThreadThatWalksTheFraming() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        KeyFingerprints.KeyHash recording = (db, key) -> {
            threads.add(Thread.currentThread().getName());
            return KeyFingerprints.KEY_HASH.of(db, key);
        };
        ParallelCheck.Result r = run(clean, recording, KeyFingerprints.defaultBudgetWords());
        assertThat(r.duplicates()).isEmpty();
        assertThat(threads).isNotEmpty().doesNotContain(Thread.currentThread().getName()).allMatch(t -> t.startsWith("salvor-check-"));
    }

    /**
     * Every key twice (the server's whole key section copied before the EOF opcode): more repeats
     * than are compared. The full check reports the same first ones, and the cap, as the quick
     * check, which finds them by a table of hashes on one thread and a second read of the file.
     */
    @Test
    void moreRepeatsThanTheCapAreReportedAsTheOneThreadSearchReportsThem() throws Exception {
        Path many;
        try (RedisServer redis = RedisServer.start(dir.resolve("many"))) {
            for (int batch = 0; batch < 24; batch++) {
                List<Object> mset = new ArrayList<>(List.of("MSET"));
                for (int i = batch * 500; i < (batch + 1) * 500; i++) {
                    mset.add("k" + i);
                    mset.add("v" + i);
                }
                redis.call(mset.toArray());
            }
            many = redis.save();
        }
        byte[] f = Files.readAllBytes(many);
        long first = firstKeyOf(many, 0).recordOffset();
        int eof = f.length - 9;
        byte[] out = new byte[f.length + eof - (int) first];
        System.arraycopy(f, 0, out, 0, eof);
        System.arraycopy(f, (int) first, out, eof, eof - (int) first);
        System.arraycopy(f, eof, out, eof + eof - (int) first, 9);
        RdbCheckerTest.fixCrc(out);
        Path doubled = Files.write(dir.resolve("doubled.rdb"), out);

        ParallelCheck.Result full = run(doubled, KeyFingerprints.KEY_HASH, KeyFingerprints.defaultBudgetWords());
        assertThat(full.duplicates()).hasSize(DuplicateKeys.MAX_SUSPECTS + 1);
        assertThat(full.duplicates()).last().extracting(Problem::detail).asString().startsWith("more than 10000 keys repeat");
        List<Problem> quick = RdbChecker.checkFile(doubled, RdbChecker.Mode.QUICK, 1, null).problems();
        assertThat(sorted(full.duplicates())).usingRecursiveFieldByFieldElementComparator().isEqualTo(quick);
    }

    private static List<Problem> sorted(List<Problem> ps) {
        List<Problem> out = new ArrayList<>(ps);
        out.sort(java.util.Comparator.comparingLong(Problem::offset));
        return out;
    }

    private static ParallelCheck.Result run(Path file, KeyFingerprints.KeyHash hash, long budget) throws IOException {
        try (InputFile in = InputFile.open(file)) {
            return ParallelCheck.run(in, 2, RANGE, null, hash, budget);
        }
    }

    private static Loc firstKeyOf(Path file, int db) throws IOException {
        try (RdbReader r = RdbReader.open(file)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY && r.db() == db) {
                    long at = r.recordOffset();
                    r.skipValue();
                    return new Loc(at, r.keyEndOffset());
                }
            }
        }
        throw new AssertionError("no key in db " + db + " of " + file);
    }

    private boolean serverLoads(Path file) throws IOException {
        Path d = Files.createTempDirectory(dir, "load");
        Files.copy(file, d.resolve("dump.rdb"));
        try (RedisServer s = RedisServer.start(d)) {
            return s.call("DBSIZE") instanceof Long;
        } catch (IOException e) {
            if (!Files.readString(d.resolve("redis.log")).contains("Duplicated key found in RDB file")) throw e;
            return false;
        }
    }
}
