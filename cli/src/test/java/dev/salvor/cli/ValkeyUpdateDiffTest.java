package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code diff} compares what a Valkey server holds after it loads a file with UPDATE records
 * (opcode 242: commands a forkless save wrote into the snapshot it streamed, each after a SELECTDB
 * of its database, replayed by the loader in file order; valkey src/forkless.c
 * writeReplicationData, src/rdb.h loadCommandFromArgv). No Valkey 9.2 server runs here, so the
 * file is built byte by byte; the oracle for what the commands do is a real server: every key of
 * the file is made on it and every command of the file is sent to it, in the file's order, and the
 * diff of the file against that server must find nothing.
 */
class ValkeyUpdateDiffTest {
    @TempDir
    Path tmp;

    /** Far-future expiries, so nothing expires while the test runs. */
    private static final long T1 = 4102444800000L, T2 = 4133980800000L, T3 = 4165516800000L;

    /** Writes each step into the file and makes it happen on the server. */
    private static final class Both {
        final RdbBuilder file = new RdbBuilder("VALKEY081").aux("valkey-ver", "9.2.0");
        final RedisServer redis;
        int db = -1;

        Both(RedisServer redis) {
            this.redis = redis;
        }

        /** A SELECTDB as the forkless save writes one before an item of another database. */
        void db(int d) throws IOException {
            if (d == db) return;
            file.u8(254).len(d);
            redis.call("SELECT", d);
            db = d;
        }

        void expiry(String key, long at) throws IOException {
            file.expireMs(at);
            pendingExpiry = at;
            pendingKey = key;
        }

        private long pendingExpiry = -1;
        private String pendingKey;

        private void expireIfSet(String key) throws IOException {
            if (pendingExpiry >= 0 && key.equals(pendingKey)) redis.call("PEXPIREAT", key, pendingExpiry);
            pendingExpiry = -1;
        }

        void string(String k, String v) throws IOException {
            file.stringKey(k, v);
            redis.call("SET", k, v);
            expireIfSet(k);
        }

        void list(String k, String... items) throws IOException {
            collection(1, "RPUSH", k, items);
        }

        void set(String k, String... members) throws IOException {
            collection(2, "SADD", k, members);
        }

        /** A plain list (type 1) or set (type 2) in the file; the command that makes it on the server. */
        private void collection(int type, String command, String k, String... items) throws IOException {
            file.key(type, k).len(items.length);
            for (String i : items) file.str(i);
            Object[] args = new Object[items.length + 2];
            args[0] = command;
            args[1] = k;
            System.arraycopy(items, 0, args, 2, items.length);
            redis.call(args);
            expireIfSet(k);
        }

        /** A sorted set as ZSET_2 (type 5): member, then the score as a binary double. */
        void zset(String k, Object... memberScore) throws IOException {
            file.key(5, k).len(memberScore.length / 2);
            for (int i = 0; i < memberScore.length; i += 2) {
                file.str((String) memberScore[i]).binaryDouble((Double) memberScore[i + 1]);
                redis.call("ZADD", k, Double.toString((Double) memberScore[i + 1]), memberScore[i]);
            }
            expireIfSet(k);
        }

        void hash(String k, String... fieldValue) throws IOException {
            file.key(4, k).len(fieldValue.length / 2);
            for (String s : fieldValue) file.str(s);
            Object[] args = new Object[fieldValue.length + 2];
            args[0] = "HSET";
            args[1] = k;
            System.arraycopy(fieldValue, 0, args, 2, fieldValue.length);
            redis.call(args);
            expireIfSet(k);
        }

        /** An UPDATE record: opcode 242, then the command as a RESP multibulk; the same command to the server. */
        void update(String... args) throws IOException {
            StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            file.u8(242).raw(sb.toString().getBytes(StandardCharsets.UTF_8));
            redis.command((Object[]) args); // an error reply is the server refusing it: it changes nothing there either
        }
    }

    /**
     * The forkless file: keys in two databases, then the commands a forkless save streamed while
     * clients went on writing, each also run on {@code redis}, which ends up holding what a
     * Valkey server holds after loading the file.
     */
    private Path forkless(RedisServer redis) throws IOException {
        Both b = new Both(redis);
        b.db(0);
        b.string("s1", "10");
        b.expiry("s2", T1);
        b.string("s2", "hello");
        b.list("l1", "a", "b", "c", "d", "c");
        b.set("st1", "x", "y", "z");
        b.zset("z1", "m1", 1.0, "m2", 2.5);
        b.hash("h1", "f1", "v1", "f2", "7");
        b.string("u1", "untouched");
        b.list("u2", "1", "2");
        b.db(2);
        b.string("k2a", "flushed");
        b.string("k2b", "flushed too");
        // The commands a forkless save streamed while it went on, each in its database.
        b.db(0);
        b.update("INCRBY", "s1", "5");
        b.update("APPEND", "s2", " world");
        b.update("SET", "s3", "new", "PXAT", Long.toString(T2));
        b.update("RPUSH", "l1", "e");
        b.update("LPOP", "l1");
        b.update("LREM", "l1", "0", "c");
        b.update("LINSERT", "l1", "BEFORE", "d", "x1");
        b.update("SADD", "st1", "w");
        b.update("SREM", "st1", "x");
        b.update("ZADD", "z1", "GT", "3", "m1", "1", "m3");
        b.update("ZINCRBY", "z1", "-1", "m2");
        b.update("HSET", "h1", "f3", "v3");
        b.update("HINCRBY", "h1", "f2", "3");
        b.update("HDEL", "h1", "f1");
        b.update("RENAME", "s1", "s1r");
        b.update("PEXPIREAT", "l1", Long.toString(T3));
        b.update("LPUSH", "s2", "refused"); // WRONGTYPE: the server changes nothing
        b.update("PERSIST", "s2");
        b.update("SMOVE", "st1", "st2", "y");
        b.update("LMOVE", "l1", "l2", "LEFT", "RIGHT");
        b.update("MSET", "m1", "a", "m2", "b");
        b.update("COPY", "h1", "h1c");
        b.update("MULTI");
        b.update("SET", "t", "1");
        b.update("INCR", "t");
        b.update("EXEC");
        b.update("DEL", "m2", "nosuchkey");
        b.update("GETDEL", "l2"); // WRONGTYPE: l2 stays
        b.update("GETDEL", "m1");
        b.db(2);
        b.update("FLUSHDB");
        b.update("SET", "k2c", "after the flush");
        b.db(0);
        b.string("u3", "written after the commands");
        Path file = tmp.resolve("forkless.rdb");
        Files.write(file, b.file.finish());
        return file;
    }

    @Test
    void theFileSideIsWhatTheServerHoldsAfterReplayingItsCommands() throws Exception {
        try (RedisServer redis = RedisServer.start(tmp.resolve("server"))) {
            Path file = forkless(redis);

            CliRunner.Result diff = CliRunner.run("diff", file.toString(), redis.url());
            assertThat(diff.exitCode()).as(diff.out() + diff.err()).isEqualTo(0);
            assertThat(diff.out()).contains("identical").doesNotContain("notice");
            // Both sides in sorted runs on disk: the replayed keys join the same way.
            assertThat(CliRunner.run("diff", file.toString(), redis.url(), "--max-memory", "64m").exitCode()).isEqualTo(0);

            // The same file with the server changed afterwards: the replayed state is what is compared.
            redis.call("SELECT", "0");
            redis.call("LPUSH", "l1", "extra");
            redis.call("SELECT", "2");
            redis.call("SET", "k2a", "back");
            CliRunner.Result changed = CliRunner.run("diff", file.toString(), redis.url());
            assertThat(changed.exitCode()).isEqualTo(1);
            assertThat(changed.out()).containsPattern("value differs +db0 \"l1\"\n").containsPattern("only in b +db2 \"k2a\"\n");
        }
    }

    @Test
    void aCommandNotAppliedIsALocatedDifference() throws Exception {
        RdbBuilder f = new RdbBuilder("VALKEY081").aux("valkey-ver", "9.2.0").selectDb(0, 2, 0).stringKey("a", "1").stringKey("b", "2");
        int xadd = f.offset();
        f.u8(242).raw("*5\r\n$4\r\nXADD\r\n$1\r\na\r\n$1\r\n*\r\n$1\r\nf\r\n$1\r\nv\r\n".getBytes(StandardCharsets.US_ASCII));
        int expire = f.offset();
        f.u8(242).raw("*3\r\n$6\r\nEXPIRE\r\n$1\r\nb\r\n$2\r\n60\r\n".getBytes(StandardCharsets.US_ASCII));
        Path file = tmp.resolve("updates.rdb");
        Files.write(file, f.finish());
        Path plain = tmp.resolve("plain.rdb");
        Files.write(plain, new RdbBuilder("VALKEY081").aux("valkey-ver", "9.2.0").selectDb(0, 2, 0).stringKey("a", "1").stringKey("b", "2").finish());

        CliRunner.Result diff = CliRunner.run("diff", file.toString(), plain.toString());
        assertThat(diff.exitCode()).isEqualTo(1);
        assertThat(diff.out())
                .contains("notice: A: the UPDATE command at byte offset " + xadd + " (db 0): XADD a * f v was not applied by Salvor (Salvor does not replay XADD)")
                .contains("notice: A: the UPDATE command at byte offset " + expire + " (db 0): EXPIRE b 60 was not applied by Salvor (a relative expiry")
                .containsPattern("damaged +db0 \"a\"\n").containsPattern("damaged +db0 \"b\"\n");
        CliRunner.Result json = CliRunner.run("diff", file.toString(), plain.toString(), "--json");
        assertThat(json.exitCode()).isEqualTo(1);
        assertThat(json.out()).contains("\"identical\":false").contains("\"notices\":[\"A: the UPDATE command at byte offset " + xadd);

        // A REDIS-magic file's byte 242 is no UPDATE: nothing is replayed there, and a file without commands diffs as before.
        assertThat(CliRunner.run("diff", plain.toString(), plain.toString()).exitCode()).isEqualTo(0);
    }
    /** A master that sends {@code rdb} as a disk-backed snapshot ({@code $<length>}), as a Valkey 9.2 forkless save streams one. */
    private static FakeMaster serving(byte[] rdb) throws IOException {
        return new FakeMaster(out -> {
            out.write(("$" + rdb.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(rdb);
        });
    }

    @Test
    void aReplicationSnapshotsCommandsAreReplayedToo() throws Exception {
        try (RedisServer redis = RedisServer.start(tmp.resolve("server"))) {
            Path file = forkless(redis);
            // The snapshot a Valkey master streams (its UPDATE records included) against what the
            // server that ran the same commands holds, itself read through replication. Were the
            // commands not replayed, s1, l1, h1 and more would differ.
            Path temp = Files.createDirectories(tmp.resolve("temp"));
            try (FakeMaster master = serving(Files.readAllBytes(file))) {
                CliRunner.Result diff = CliRunner.run("diff", master.url(), redis.url(), "--via", "replication", "--temp-dir", temp.toString());
                assertThat(diff.exitCode()).as(diff.out() + diff.err()).isEqualTo(0);
                assertThat(diff.out()).contains("identical").doesNotContain("notice");
            }
            // The snapshot, stored in --temp-dir to be read twice, is removed at the end.
            try (var left = Files.list(temp)) {
                assertThat(left).isEmpty();
            }
        }
    }

    @Test
    void aReplicationSnapshotsCommandNotAppliedIsANotice() throws Exception {
        RdbBuilder f = new RdbBuilder("VALKEY081").aux("valkey-ver", "9.2.0").selectDb(0, 2, 0).stringKey("a", "1").stringKey("b", "2");
        int xadd = f.offset();
        f.u8(242).raw("*5\r\n$4\r\nXADD\r\n$1\r\na\r\n$1\r\n*\r\n$1\r\nf\r\n$1\r\nv\r\n".getBytes(StandardCharsets.US_ASCII));
        Path plain = tmp.resolve("plain.rdb");
        Files.write(plain, new RdbBuilder("VALKEY081").aux("valkey-ver", "9.2.0").selectDb(0, 2, 0).stringKey("a", "1").stringKey("b", "2").finish());
        try (FakeMaster master = serving(f.finish())) {
            CliRunner.Result diff = CliRunner.run("diff", master.url(), plain.toString(), "--via", "replication");
            assertThat(diff.exitCode()).as(diff.out() + diff.err()).isEqualTo(1);
            assertThat(diff.out())
                    .contains("notice: A: the UPDATE command at byte offset " + xadd + " (db 0): XADD a * f v was not applied by Salvor")
                    .containsPattern("damaged +db0 \"a\"\n");
        }
    }
}
