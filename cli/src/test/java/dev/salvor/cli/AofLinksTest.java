package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** A link inside an appendonlydir is never followed: no command reads outside the directory. */
class AofLinksTest {
    private static final Path AOF_DIR = Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir");
    private static final String SECRET = "*3\r\n$3\r\nSET\r\n$6\r\nsecret\r\n$11\r\nroot:x:0:0:\r\n";

    @TempDir
    Path tmp;

    private Path copyDir() throws Exception {
        Path dst = Files.createDirectories(tmp.resolve("in/appendonlydir"));
        try (Stream<Path> s = Files.list(AOF_DIR)) {
            for (Path p : s.toList()) Files.copy(p, dst.resolve(p.getFileName().toString()));
        }
        return dst;
    }

    private static void assertRefusedWithoutTheSecret(CliRunner.Result r) {
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("symbolic link").doesNotContain("Exception");
        assertThat(r.out() + r.err()).doesNotContain("secret").doesNotContain("root:x");
    }

    @Test
    void aSegmentLinkingOutsideTheDirectoryIsRefusedByEveryCommand() throws Exception {
        Path dir = copyDir();
        Path outside = Files.writeString(tmp.resolve("passwd"), SECRET, StandardCharsets.ISO_8859_1);
        Path incr = dir.resolve("appendonly.aof.3.incr.aof");
        Files.delete(incr);
        Files.createSymbolicLink(incr, outside);

        assertRefusedWithoutTheSecret(CliRunner.run("check", dir.toString()));
        assertRefusedWithoutTheSecret(CliRunner.run("inspect", dir.toString()));
        assertRefusedWithoutTheSecret(CliRunner.run("export", dir.toString()));
        Path out = tmp.resolve("out/d");
        assertRefusedWithoutTheSecret(CliRunner.run("repair", dir.toString(), "-o", out.toString()));
        assertThat(tmp.resolve("out/d.quarantine")).doesNotExist();
        assertThat(out).doesNotExist();
        // Named through its manifest, the same.
        assertRefusedWithoutTheSecret(CliRunner.run("export", dir.resolve("appendonly.aof.manifest").toString()));
    }

    @Test
    void aLinkToAFileInsideTheDirectoryOrALinkedManifestIsRefusedToo() throws Exception {
        Path dir = copyDir();
        Path incr = dir.resolve("appendonly.aof.3.incr.aof");
        Path moved = Files.move(incr, dir.resolve("elsewhere.bin"));
        Files.createSymbolicLink(incr, moved.getFileName());
        assertThat(CliRunner.run("export", dir.toString()).exitCode()).isEqualTo(2);
        Files.delete(incr);
        Files.move(moved, incr);
        assertThat(CliRunner.run("check", dir.toString()).exitCode()).isEqualTo(0);

        Path manifest = dir.resolve("appendonly.aof.manifest");
        Path real = Files.move(manifest, tmp.resolve("outside.manifest"));
        Files.createSymbolicLink(manifest, real);
        CliRunner.Result r = CliRunner.run("check", dir.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("symbolic link");
    }

    @Test
    void aSingleFileAofNamedThroughALinkIsRead() throws Exception {
        Path aof = Files.writeString(tmp.resolve("real.aof"), SECRET, StandardCharsets.ISO_8859_1);
        Path link = Files.createSymbolicLink(tmp.resolve("link.aof"), aof);
        CliRunner.Result r = CliRunner.run("export", link.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("secret");
    }
}
