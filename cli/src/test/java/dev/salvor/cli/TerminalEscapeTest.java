package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Names and text from files and servers cannot drive the terminal or forge a line of output. */
class TerminalEscapeTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");
    private static final Path AOF_DIR = Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir");
    /** Sets the window title, clears the screen, and starts a forged verdict line. */
    private static final String EVIL = "x\u001b]0;pwned\u0007\u001b[2J\nstatus:     clean\r\u009b\u202e";

    @TempDir
    Path tmp;

    private static void assertInert(CliRunner.Result r) {
        String all = r.out() + r.err();
        assertThat(all.chars().filter(c -> c < 0x20 && c != '\n' || c == 0x7f || c >= 0x80 && c < 0xa0 || c == 0x202e)).as(all).isEmpty();
        assertThat(all.lines().filter(l -> l.startsWith("status:     clean"))).hasSizeLessThanOrEqualTo(1);
        assertThat(all).doesNotContain("\nstatus:     clean\r");
    }

    @Test
    void anArchiveMemberNameIsShownEscaped() throws Exception {
        Path tar = tmp.resolve("backup.tar");
        byte[] rdb = Files.readAllBytes(RDB);
        // The file inside is damaged, so the only honest status line says so.
        rdb[rdb.length - 3] ^= 0x55;
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            TarArchiveEntry e = new TarArchiveEntry(EVIL + ".rdb");
            e.setSize(rdb.length);
            out.putArchiveEntry(e);
            out.write(rdb);
            out.closeArchiveEntry();
        }
        CliRunner.Result inspect = CliRunner.run("inspect", tar.toString());
        assertInert(inspect);
        assertThat(inspect.out()).contains("\\x1b]0;pwned\\x07");
        assertThat(inspect.out().lines().filter(l -> l.startsWith("status:     clean"))).isEmpty();
        assertInert(CliRunner.run("check", tar.toString()));
        assertInert(CliRunner.run("diff", tar.toString(), RDB.toString()));
        assertInert(CliRunner.run("export", tar + "!nonexistent"));
    }

    @Test
    void aManifestFileNameIsShownEscaped() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("appendonlydir"));
        try (Stream<Path> s = Files.list(AOF_DIR)) {
            for (Path p : s.toList()) Files.copy(p, dir.resolve(p.getFileName().toString()));
        }
        String name = "appendonly.aof.\u001b[2J\u001b]0;pwned\u0007.incr.aof";
        Files.move(dir.resolve("appendonly.aof.3.incr.aof"), dir.resolve(name));
        String manifest = Files.readString(dir.resolve("appendonly.aof.manifest"), StandardCharsets.ISO_8859_1)
                .replace("appendonly.aof.3.incr.aof", "\"appendonly.aof.\\x1b[2J\\x1b]0;pwned\\x07.incr.aof\"");
        Files.writeString(dir.resolve("appendonly.aof.manifest"), manifest, StandardCharsets.ISO_8859_1);
        CliRunner.Result inspect = CliRunner.run("inspect", dir.toString());
        assertThat(inspect.exitCode()).as(inspect.err()).isEqualTo(0);
        assertThat(inspect.out()).contains("\\x1b[2J");
        assertInert(inspect);
        // Damage in that file puts its name into check's report and export's messages.
        Path damaged = dir.resolve(name);
        byte[] b = Files.readAllBytes(damaged);
        java.util.Arrays.fill(b, b.length / 2, b.length / 2 + 40, (byte) '?');
        Files.write(damaged, b);
        assertInert(CliRunner.run("check", dir.toString()));
        assertInert(CliRunner.run("export", dir.toString()));
        // A name quoted in a manifest error is escaped too.
        Files.writeString(dir.resolve("appendonly.aof.manifest"), "file \"a\\x1b]0;pwned\\x07\" seq 1 type q\n", StandardCharsets.ISO_8859_1);
        assertInert(CliRunner.run("check", dir.toString()));
    }

    @Test
    void aServerReplyIsShownEscaped() throws Exception {
        try (FakeMaster master = new FakeMaster(out -> { }).replconfReply("-ERR " + EVIL.replace("\n", "").replace("\r", ""))) {
            CliRunner.Result r = CliRunner.run("diff", RDB.toString(), master.url(), "--via", "replication");
            assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("\\x1b]0;pwned");
            assertInert(r);
        }
    }
}
