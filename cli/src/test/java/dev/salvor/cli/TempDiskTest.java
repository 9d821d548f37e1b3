package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Temporary disk is bounded: sniffed before spooling, limited, announced, and left clean. */
class TempDiskTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");

    @TempDir
    Path tmp;

    private static List<String> names(Path dir) throws Exception {
        if (!Files.exists(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    private Path compress(String format, Path dst, byte[] lead, long zeros) throws Exception {
        try (OutputStream out = new CompressorStreamFactory().createCompressorOutputStream(format, Files.newOutputStream(dst))) {
            out.write(lead);
            byte[] z = new byte[1 << 20];
            for (long left = zeros; left > 0; left -= z.length) out.write(z, 0, (int) Math.min(z.length, left));
        }
        return dst;
    }

    @Test
    void aCompressedInputThatIsNoRdbIsNeverCopiedToDisk() throws Exception {
        // 200 MB of zero bytes in a file of a few hundred KB: the first bytes show it is no RDB.
        Path bomb = compress("gz", tmp.resolve("bomb.rdb.gz"), new byte[0], 200L << 20);
        assertThat(Files.size(bomb)).isLessThan(1 << 20);
        Path t = tmp.resolve("t");
        for (String[] args : List.of(
                new String[] {"salvage", bomb.toString(), "-o", tmp.resolve("out/r.rdb").toString(), "--temp-dir", t.toString()},
                new String[] {"export", "--salvage", bomb.toString(), "-o", tmp.resolve("out/r.ndjson").toString(), "--temp-dir", t.toString()},
                new String[] {"diff", bomb.toString(), RDB.toString(), "--temp-dir", t.toString()})) {
            CliRunner.Result r = CliRunner.run(args);
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("does not start as an RDB file").contains("not copied");
            assertThat(names(t)).isEmpty();
            assertThat(names(tmp.resolve("out"))).isEmpty();
        }
    }

    @Test
    void theSpoolIsAnnouncedBoundedByItsLimitAndRemoved() throws Exception {
        Path gz = tmp.resolve("dataset.rdb.gz");
        try (OutputStream out = new CompressorStreamFactory().createCompressorOutputStream("gz", Files.newOutputStream(gz))) {
            Files.copy(RDB, out);
        }
        Path t = tmp.resolve("t");
        CliRunner.Result ok = CliRunner.run("salvage", gz.toString(), "-o", tmp.resolve("out/r.rdb").toString(), "--temp-dir", t.toString());
        assertThat(ok.exitCode()).as(ok.err()).isEqualTo(0);
        assertThat(ok.err()).contains("copied to " + t.resolve("salvor-tmp-")).contains("--temp-limit");
        assertThat(names(t)).isEmpty();

        CliRunner.Result limited = CliRunner.run("salvage", gz.toString(), "-o", tmp.resolve("out2/r.rdb").toString(), "--temp-dir", t.toString(),
                "--temp-limit", "64k");
        assertThat(limited.exitCode()).as(limited.err()).isEqualTo(2);
        assertThat(limited.err()).contains("64 KiB").contains("--temp-limit");
        assertThat(names(t)).isEmpty();
        assertThat(names(tmp.resolve("out2"))).isEmpty();
        assertThat(CliRunner.run("salvage", gz.toString(), "-o", tmp.resolve("out3/r.rdb").toString(), "--temp-limit", "5x").exitCode()).isEqualTo(2);
    }

    /**
     * {@code memory} takes --temp-dir and --temp-limit as the other commands do: a piped input
     * salvage must read at random, the salvaged copy and --diff's key runs all go to that
     * directory, count against that limit, and are removed.
     */
    @Test
    void memoryKeepsItsTemporariesInTheTempDirWithinTheLimit() throws Exception {
        Path damaged = Fixtures.resolve("damaged/redis-7.0-page-30-zeroed.rdb");
        Path t = tmp.resolve("t");
        CliRunner.Result piped;
        try (java.io.InputStream in = Files.newInputStream(damaged)) {
            piped = CliRunner.run(in, "memory", "--salvage", "-", "--temp-dir", t.toString());
        }
        assertThat(piped.exitCode()).as(piped.err()).isEqualTo(1);
        assertThat(piped.err()).contains("stdin: copied to " + t.resolve("salvor-tmp-")).contains("--temp-limit");
        assertThat(names(t)).isEmpty();

        CliRunner.Result salvaged = CliRunner.run("memory", "--salvage", damaged.toString(), "--temp-dir", t.toString(), "--temp-limit", "4k");
        assertThat(salvaged.exitCode()).as(salvaged.err()).isEqualTo(2);
        assertThat(salvaged.err()).contains("memory --salvage: the salvaged copy " + t)
                .contains("needs more than the 4 KiB of temporary disk this run may use in " + t);
        assertThat(names(t)).isEmpty();

        CliRunner.Result diff = CliRunner.run("memory", "--diff", RDB.toString(), Fixtures.resolve("rdb/redis-7.0/dataset.rdb").toString(),
                "--temp-dir", t.toString(), "--temp-limit", "8k", "--diff-memory", "4k");
        assertThat(diff.exitCode()).as(diff.err()).isEqualTo(2);
        assertThat(diff.err()).contains("memory --diff: key run " + t).contains("8 KiB").contains("--temp-limit");
        assertThat(names(t)).isEmpty();
        // Within the limit the same comparison runs, its runs spilled there and removed.
        CliRunner.Result ok = CliRunner.run("memory", "--diff", RDB.toString(), Fixtures.resolve("rdb/redis-7.0/dataset.rdb").toString(),
                "--temp-dir", t.toString(), "--diff-memory", "4k");
        assertThat(ok.exitCode()).as(ok.err()).isEqualTo(1);
        assertThat(names(t)).isEmpty();
    }

    @Test
    void aDamagedBackupIsSalvagedForAuditWithinTheTempLimitAndNotBesideIt() throws Exception {
        Path intact = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");
        Path backups = Files.createDirectories(tmp.resolve("backups"));
        Path backup = Files.copy(Fixtures.resolve("damaged/redis-7.0-page-30-zeroed.rdb"), backups.resolve("backup.rdb"));
        Path server = Files.createDirectories(tmp.resolve("server"));
        Files.copy(intact, server.resolve("dump.rdb"));
        Path t = tmp.resolve("t");
        try (dev.salvor.fixtures.RedisServer redis = dev.salvor.fixtures.RedisServer.start(server, "--dbfilename", "dump.rdb")) {
            // The salvaged copy counts against --temp-limit like any temporary.
            CliRunner.Result small = CliRunner.run("audit", backup.toString(), "--against", redis.url(), "-o", tmp.resolve("a1").toString(),
                    "--temp-dir", t.toString(), "--temp-limit", "4k");
            assertThat(small.exitCode()).as(small.out() + small.err()).isEqualTo(2);
            assertThat(small.err()).contains("backup.rdb: salvaging to").contains("4 KiB of temporary disk");
            assertThat(names(t)).isEmpty();
            // Within the limit it goes to --temp-dir, never into the backup's folder, and is removed.
            CliRunner.Result audit = CliRunner.run("audit", backup.toString(), "--against", redis.url(), "-o", tmp.resolve("a2").toString(),
                    "--temp-dir", t.toString());
            assertThat(audit.exitCode()).as(audit.out() + audit.err()).isEqualTo(1);
            assertThat(audit.out()).startsWith("FAIL: the backup itself is damaged");
            assertThat(names(backups)).containsExactly("backup.rdb");
            assertThat(names(t)).isEmpty();
        }
    }
}
