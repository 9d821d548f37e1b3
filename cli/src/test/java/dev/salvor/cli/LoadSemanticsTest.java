package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A faithful restore of a backup holding keys the server drops on load (expired by then, empty
 * collections) is not a failed restore: those keys are their own category, counted only with
 * --strict. What the server drops is the server's own verdict, seen by loading the file.
 */
class LoadSemanticsTest {
    @TempDir
    Path tmp;

    /** A backup written by a real server, holding a key that expires 1.5 s after the save. */
    private Path backupWithAKeyThatExpires() throws Exception {
        Path rdb;
        try (RedisServer writer = RedisServer.start(tmp.resolve("writer"))) {
            writer.call("SET", "kept", "v");
            writer.call("HSET", "h", "f", "v");
            writer.call("SET", "soon", "v", "PX", "1500");
            rdb = writer.save();
        }
        Path backup = tmp.resolve("backup.rdb");
        Files.copy(rdb, backup);
        return backup;
    }

    private static RedisServer restore(Path backup, Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.copy(backup, dir.resolve("dump.rdb"));
        return RedisServer.startBinary(RedisServer.binary(), dir, null, "--dbfilename", "dump.rdb");
    }

    @Test
    void aKeyExpiredByTheRestoreIsDroppedOnLoadNotMissing() throws Exception {
        Path backup = backupWithAKeyThatExpires();
        Thread.sleep(1600);
        try (RedisServer restored = restore(backup, tmp.resolve("restored"))) {
            // The server's own verdict: it did not load the expired key.
            assertThat(restored.call("DBSIZE")).isEqualTo(2L);
            assertThat(restored.call("EXISTS", "soon")).isEqualTo(0L);

            CliRunner.Result audit = CliRunner.run("audit", backup.toString(), "--against", restored.url(), "-o", tmp.resolve("a1").toString());
            assertThat(audit.exitCode()).as(audit.out() + audit.err()).isZero();
            assertThat(audit.out()).startsWith("PASS: the server holds exactly what the backup held (1 key of the backup the server drops on load")
                    .contains("dropped on load");
            assertThat(Files.readString(tmp.resolve("a1/audit.json"))).contains("dropped_on_load");

            CliRunner.Result strict = CliRunner.run("audit", backup.toString(), "--against", restored.url(), "-o", tmp.resolve("a2").toString(), "--strict");
            assertThat(strict.exitCode()).as(strict.out()).isEqualTo(1);
            assertThat(strict.out()).startsWith("FAIL: 1 keys differ");

            CliRunner.Result diff = CliRunner.run("diff", backup.toString(), restored.url());
            assertThat(diff.exitCode()).as(diff.out() + diff.err()).isZero();
            assertThat(diff.out()).contains("dropped on load     db0 \"soon\"").contains("expired at ")
                    .contains("identical but for 1 key one side's server drops on load");
            CliRunner.Result json = CliRunner.run("diff", backup.toString(), restored.url(), "--json");
            assertThat(json.out()).contains("\"identical\":true").contains("\"kind\":\"dropped_on_load\"");
            assertThat(CliRunner.run("diff", backup.toString(), restored.url(), "--strict").exitCode()).isEqualTo(1);
        }
    }

    @Test
    void aKeyThatExpiresAfterTheServerWasReadIsStillMissing() throws Exception {
        // The same backup restored at once: the key is loaded; deleted on the server, it is a loss.
        Path backup = backupWithAKeyThatExpires();
        try (RedisServer restored = restore(backup, tmp.resolve("restored"))) {
            assertThat(restored.call("EXISTS", "soon")).isEqualTo(1L);
            restored.call("PERSIST", "soon");
            restored.call("DEL", "h");
            CliRunner.Result diff = CliRunner.run("diff", backup.toString(), restored.url(), "--ignore-ttl");
            assertThat(diff.exitCode()).as(diff.out()).isEqualTo(1);
            assertThat(diff.out()).contains("only in a           db0 \"h\"").doesNotContain("dropped on load");
        }
    }

    /** An RDB 10 file (the version Debian's 7.0 loads) with an empty set and a string; no checksum (0: not checked on load). */
    private static byte[] fileWithAnEmptySet() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("REDIS0010".getBytes(StandardCharsets.US_ASCII));
        b.write(0xFE);
        b.write(0); // SELECTDB 0
        b.write(2); // RDB_TYPE_SET
        b.write(5);
        b.writeBytes("empty".getBytes(StandardCharsets.US_ASCII));
        b.write(0); // no members
        b.write(0); // RDB_TYPE_STRING
        b.write(4);
        b.writeBytes("kept".getBytes(StandardCharsets.US_ASCII));
        b.write(1);
        b.write('v');
        b.write(0xFF);
        b.writeBytes(new byte[8]);
        return b.toByteArray();
    }

    @Test
    void anEmptyCollectionIsDroppedOnLoad() throws Exception {
        Path backup = tmp.resolve("empty-set.rdb");
        Files.write(backup, fileWithAnEmptySet());
        try (RedisServer restored = restore(backup, tmp.resolve("restored"))) {
            // The server loads the file and drops the empty set.
            assertThat(restored.call("DBSIZE")).isEqualTo(1L);
            assertThat(restored.call("EXISTS", "empty")).isEqualTo(0L);

            CliRunner.Result diff = CliRunner.run("diff", backup.toString(), restored.url());
            assertThat(diff.exitCode()).as(diff.out() + diff.err()).isZero();
            assertThat(diff.out()).contains("dropped on load     db0 \"empty\"").contains("an empty set: servers drop empty collections when they load them");
            assertThat(CliRunner.run("diff", backup.toString(), restored.url(), "--strict").exitCode()).isEqualTo(1);
            // check names the empty set (a key Redis skips on load); the audit of the faithful restore passes.
            assertThat(CliRunner.run("check", backup.toString()).out()).contains("empty value");
            CliRunner.Result audit = CliRunner.run("audit", backup.toString(), "--against", restored.url(), "-o", tmp.resolve("a").toString());
            assertThat(audit.exitCode()).as(audit.out()).isZero();
            assertThat(audit.out()).startsWith("PASS: the server holds exactly what the backup held (1 key of the backup the server drops on load")
                    .contains("intact; 1 empty collection the server drops on load");
            CliRunner.Result strict = CliRunner.run("audit", backup.toString(), "--against", restored.url(), "-o", tmp.resolve("s").toString(), "--strict");
            assertThat(strict.exitCode()).as(strict.out()).isEqualTo(1);
        }
    }
}
