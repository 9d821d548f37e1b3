package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code archive!member} in every command; an archive of several files without one lists them and asks. */
class ArchiveMembersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RDB74 = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");
    private static final Path RDB70 = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");

    @TempDir
    Path tmp;

    private Path tarGz(String name, Object... entries) throws Exception {
        Path p = tmp.resolve(name);
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(new GzipCompressorOutputStream(Files.newOutputStream(p)))) {
            for (int i = 0; i < entries.length; i += 2) {
                byte[] raw = Files.readAllBytes((Path) entries[i + 1]);
                TarArchiveEntry e = new TarArchiveEntry((String) entries[i]);
                e.setSize(raw.length);
                t.putArchiveEntry(e);
                t.write(raw);
                t.closeArchiveEntry();
            }
        }
        return p;
    }

    @Test
    void aMemberNameWorksInEveryCommand() throws Exception {
        Path backup = tarGz("backup.tar.gz", "old/dump.rdb", RDB70, "dump.rdb", RDB74);
        String m = backup + "!dump.rdb";
        CliRunner.Result inspect = CliRunner.run("inspect", m, "--json");
        assertThat(inspect.exitCode()).as(inspect.err()).isEqualTo(0);
        assertThat(JSON.readTree(inspect.out()).get("rdb_version").asInt()).isEqualTo(12);
        assertThat(CliRunner.run("inspect", backup + "!old/dump.rdb", "--json").out()).contains("\"rdb_version\" : 10");
        assertThat(CliRunner.run("check", m).exitCode()).isEqualTo(0);
        assertThat(CliRunner.run("export", m).out()).isEqualTo(CliRunner.run("export", RDB74.toString()).out());
        assertThat(CliRunner.run("diff", m, RDB74.toString()).exitCode()).isEqualTo(0);
        CliRunner.Result salvage = CliRunner.run("salvage", m, "-o", tmp.resolve("out/s.rdb").toString());
        assertThat(salvage.exitCode()).as(salvage.err()).isEqualTo(0);
        CliRunner.Result none = CliRunner.run("check", backup + "!nope.rdb");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("no member nope.rdb").contains("old/dump.rdb").contains("dump.rdb");
    }

    @Test
    void anArchiveOfSeveralFilesWithoutAMemberNameListsThemAndAsks() throws Exception {
        Path backup = tarGz("two.tar.gz", "a.rdb", RDB70, "b.rdb", RDB74);
        Path out = tmp.resolve("out.ndjson");
        for (String[] args : new String[][] {{"inspect", backup.toString()}, {"check", backup.toString()}, {"export", backup.toString(), "-o", out.toString()},
                {"export", backup.toString(), "--format", "json", "-o", out.toString()}, {"diff", backup.toString(), RDB70.toString()},
                {"salvage", backup.toString(), "-o", tmp.resolve("s/out.rdb").toString()}}) {
            CliRunner.Result r = CliRunner.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).contains("holds 2 files (a.rdb, b.rdb)").contains(backup + "!MEMBER");
            assertThat(r.out()).isEmpty();
        }
        assertThat(out).doesNotExist();
        assertThat(tmp.resolve("s")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(), p -> assertThat(Files.list(p)).isEmpty());
        // On standard input too.
        try (var in = Files.newInputStream(backup)) {
            CliRunner.Result r = CliRunner.run(in, "inspect", "-");
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err()).contains("holds 2 files (a.rdb, b.rdb)").contains("pipe in only the one");
        }
        // A single file needs no name.
        assertThat(CliRunner.run("check", tarGz("one.tar.gz", "dump.rdb", RDB74).toString()).exitCode()).isEqualTo(0);
    }
}
