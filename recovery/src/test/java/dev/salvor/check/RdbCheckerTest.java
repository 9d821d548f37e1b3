package dev.salvor.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.rdb.Crc64;
import dev.salvor.rdb.RdbEncoding;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check} judges a file as the server that loads it (with {@code sanitize-dump-payload yes})
 * does. Each case is a file a real redis-server wrote, with one value made invalid and the CRC64
 * recomputed, so the checksum matches: the server refuses to load it, the full check reports the
 * damaged key, and only the explicit quick check (framing and checksum) calls it clean.
 */
class RdbCheckerTest {
    @TempDir
    static Path shared;

    static Path written;

    @TempDir
    Path dir;

    /** One file with a key per encoding the cases damage, written by Debian's redis-server 7.0. */
    @BeforeAll
    static void write() throws IOException {
        try (RedisServer redis = RedisServer.start(shared.resolve("writer"))) {
            redis.call("HSET", "hash:lp", "f0", "v0", "f1", "v1", "f2", "v2");
            redis.call("SADD", "set:intset", "1", "2", "3", "400");
            redis.call("SET", "str:lzf", "abcdefgh".repeat(40));
            List<Object> z = new ArrayList<>(List.of("ZADD", "zset:skiplist"));
            for (int i = 0; i < 200; i++) {
                z.add(Integer.toString(i));
                z.add("member-" + i);
            }
            redis.call(z.toArray());
            redis.call("RPUSH", "list:ql", "a", "b", "c");
            redis.call("SET", "plain", "value");
            written = redis.save();
        }
    }

    @Test
    void theUnchangedFileIsCleanAndLoads() throws Exception {
        CheckReport r = RdbChecker.checkFile(written, null);
        assertThat(r.problems()).isEmpty();
        assertThat(r.valuesChecked()).isTrue();
        assertThat(r.keys()).isEqualTo(6);
        assertThat(serverLoads(Files.readAllBytes(written))).isTrue();
    }

    @Test
    void duplicateHashFieldInAListpack() throws Exception {
        byte[] f = Files.readAllBytes(written);
        int at = find(f, blobOf(written, "hash:lp"), new byte[] {(byte) 0x82, 'f', '1'});
        f[at + 2] = '0'; // f1 becomes a second f0
        assertRefused(f, "hash:lp", "duplicate member");
    }

    @Test
    void intsetOutOfOrder() throws Exception {
        byte[] f = Files.readAllBytes(written);
        long blob = blobOf(written, "set:intset");
        // 16-bit intset: header (width 2, count 4), then 1, 2, 3, 400: make it 1, 3, 2, 400.
        int first = (int) blob + 8;
        byte t = f[first + 2];
        f[first + 2] = f[first + 4];
        f[first + 4] = t;
        assertRefused(f, "set:intset", "invalid intset");
    }

    @Test
    void lzfGarbage() throws Exception {
        byte[] f = Files.readAllBytes(written);
        Loc loc = locate(written, "str:lzf");
        assertThat(f[(int) loc.valueOffset] & 0xff).as("an LZF string").isEqualTo(0xc3);
        int data = (int) loc.valueOffset + 1 + lengthSize(f[(int) loc.valueOffset + 1]);
        data += lengthSize(f[data]);
        f[data] = (byte) 0x3f; // the first token becomes a back reference, with nothing before it
        assertRefused(f, "str:lzf", "LZF failure");
    }

    @Test
    void nanScoreInASkiplistZset() throws Exception {
        byte[] f = Files.readAllBytes(written);
        Loc loc = locate(written, "zset:skiplist");
        assertThat(loc.encoding).isEqualTo(RdbEncoding.ZSET_2);
        // Members come with an 8-byte binary score right after them: find member-7's.
        int member = find(f, loc.valueOffset, "\bmember-7".getBytes(StandardCharsets.US_ASCII)); // length 8, then the text
        int score = member + 1 + "member-7".length();
        long nan = Double.doubleToRawLongBits(Double.NaN);
        for (int i = 0; i < 8; i++) f[score + i] = (byte) (nan >>> (8 * i));
        assertRefused(f, "zset:skiplist", "invalid value");
    }

    @Test
    void aKeyWrittenTwice() throws Exception {
        byte[] f = Files.readAllBytes(written);
        Loc loc = locate(written, "plain");
        byte[] record = Arrays.copyOfRange(f, (int) loc.recordOffset, (int) loc.keyEnd);
        byte[] twice = new byte[f.length + record.length];
        System.arraycopy(f, 0, twice, 0, (int) loc.keyEnd);
        System.arraycopy(record, 0, twice, (int) loc.keyEnd, record.length);
        System.arraycopy(f, (int) loc.keyEnd, twice, (int) loc.keyEnd + record.length, f.length - (int) loc.keyEnd);
        Problem p = assertRefused(twice, "plain", "duplicate key");
        assertThat(p.offset()).isEqualTo(loc.keyEnd);
        assertThat(p.detail()).contains("already written at offset " + loc.recordOffset);
    }

    @Test
    void ziplistHeaderClaimingFourGigabytes() throws Exception {
        // Redis 2.8 wrote ziplists; 7.0 loads its files.
        Path old = Fixtures.resolve("rdb/redis-2.8/dataset.rdb");
        String key = firstKey(old, r -> r.encoding() == RdbEncoding.HASH_ZIPLIST);
        Loc loc = locate(old, key);
        byte[] f = Files.readAllBytes(old);
        assertThat(f[(int) loc.valueOffset] & 0xc0).as("a raw (not LZF) ziplist").isNotEqualTo(0xc0);
        int zl = (int) blobOf(old, key);
        for (int i = 0; i < 4; i++) f[zl + i] = (byte) 0xff;
        assertRefused(f, key, "invalid ziplist");
    }

    /**
     * Damage that breaks the framing (a blob's string length made too long, in a database other than 0): the
     * region found by reading past it names the damaged key (not the one before) and its database (not -1).
     */
    @Test
    void aRegionPastBrokenFramingNamesItsKeyAndDatabase() throws Exception {
        Path old = Fixtures.resolve("rdb/redis-2.8/dataset.rdb");
        int[] db = {-1};
        String key = firstKey(old, r -> {
            if (r.db() <= 0 || r.encoding().family() != RdbEncoding.Family.PACKED) return false;
            db[0] = r.db();
            return true;
        });
        Loc loc = locate(old, key);
        byte[] f = Files.readAllBytes(old);
        assertThat(f[(int) loc.valueOffset] & 0xc0).as("a one-byte length").isZero();
        f[(int) loc.valueOffset] = 0x3f;
        Path damaged = dir.resolve("framing.rdb");
        Files.write(damaged, f);
        CheckReport r = RdbChecker.checkFile(damaged, null);
        Problem p = r.problems().stream().filter(x -> x.region() != null).findFirst().orElseThrow();
        assertThat(new String(p.key(), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(p.db()).isEqualTo(db[0]);
        // The region may begin at the key before (a raw string whose end nothing checks), but the
        // problem names the key being read where the damage was found.
        assertThat(p.region().start()).isLessThanOrEqualTo(loc.recordOffset);
        assertThat(p.region().end()).isGreaterThan(loc.recordOffset);
    }

    /** The server refuses the file, the full check names the key, the quick check sees nothing wrong. */
    private Problem assertRefused(byte[] file, String key, String reason) throws Exception {
        fixCrc(file);
        Path damaged = dir.resolve("damaged.rdb");
        Files.write(damaged, file);
        CheckReport full = RdbChecker.checkFile(damaged, null);
        assertThat(full.checksum().name()).isEqualTo("OK");
        assertThat(full.problems()).as("full check").hasSize(1);
        Problem p = full.problems().get(0);
        assertThat(p.reason()).isEqualTo(reason);
        assertThat(new String(p.key(), StandardCharsets.UTF_8)).isEqualTo(key);
        CheckReport oneThread = RdbChecker.check(() -> RdbReader.open(damaged), null);
        assertThat(oneThread.problems()).extracting(Problem::reason).containsExactly(reason);
        CheckReport quick = RdbChecker.checkFile(damaged, RdbChecker.Mode.QUICK, 1, null);
        if (!reason.equals("duplicate key")) {
            assertThat(quick.problems()).as("quick check: framing and checksum are sound").isEmpty();
            assertThat(quick.valuesChecked()).isFalse();
        }
        assertThat(serverLoads(file)).as("redis-server with sanitize-dump-payload yes loads it").isFalse();
        return p;
    }

    private boolean serverLoads(byte[] file) throws IOException {
        Path d = Files.createTempDirectory(dir, "load");
        Files.write(d.resolve("dump.rdb"), file);
        try (RedisServer s = RedisServer.start(d, "--sanitize-dump-payload", "yes")) {
            return s.call("DBSIZE") instanceof Long;
        } catch (IOException e) {
            String log = Files.readString(d.resolve("redis.log"));
            if (!log.contains("Internal error in RDB reading") && !log.contains("Duplicated key found in RDB file")
                    && !log.contains("rdb file reading failure")) {
                throw e;
            }
            return false;
        }
    }

    record Loc(long recordOffset, long valueOffset, long keyEnd, RdbEncoding encoding) {
    }

    static Loc locate(Path file, String key) throws IOException {
        try (RdbReader r = RdbReader.open(file)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY && Arrays.equals(r.key(), key.getBytes(StandardCharsets.UTF_8))) {
                    long record = r.recordOffset(), value = r.valueOffset();
                    RdbEncoding enc = r.encoding();
                    r.skipValue();
                    return new Loc(record, value, r.keyEndOffset(), enc);
                }
            }
        }
        throw new AssertionError("no key " + key + " in " + file);
    }

    static String firstKey(Path file, Predicate<RdbReader> which) throws IOException {
        try (RdbReader r = RdbReader.open(file)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY && which.test(r) && (Files.readAllBytes(file)[(int) r.valueOffset()] & 0xc0) != 0xc0) {
                    return new String(r.key(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new AssertionError("no such key in " + file);
    }

    /** Where the bytes of a key's encoded blob (a raw RDB string) begin. */
    static long blobOf(Path file, String key) throws IOException {
        Loc loc = locate(file, key);
        byte[] f = Files.readAllBytes(file);
        return loc.valueOffset + lengthSize(f[(int) loc.valueOffset]);
    }

    static int lengthSize(byte first) {
        int b = first & 0xff;
        return switch (b >>> 6) {
            case 0 -> 1;
            case 1 -> 2;
            default -> b == 0x80 ? 5 : 9;
        };
    }

    static int find(byte[] f, long from, byte[] what) {
        outer:
        for (int i = (int) from; i <= f.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) if (f[i + j] != what[j]) continue outer;
            return i;
        }
        throw new AssertionError("pattern not found");
    }

    static void fixCrc(byte[] f) {
        long crc = Crc64.of(f, 0, f.length - 8);
        for (int i = 0; i < 8; i++) f[f.length - 8 + i] = (byte) (crc >>> (8 * i));
    }
}
