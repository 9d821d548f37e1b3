package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Inputs are never modified, whatever the output paths and {@code --force}: every output is
 * compared with every input by identity, and all outputs are checked before any is written.
 */
class OutputSafetyTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");
    private static final Path AOF_DIR = Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir");
    private static final Path PLAIN_AOF = Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof");

    @TempDir
    Path tmp;

    /** Every file under {@code root} with its bytes, to prove nothing changed. */
    private static Map<String, byte[]> snapshot(Path root) throws Exception {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p)) m.put(root.relativize(p).toString(), Files.readAllBytes(p));
                else m.put(root.relativize(p) + "/", new byte[0]);
            }
        }
        return m;
    }

    private static void assertSame(Map<String, byte[]> before, Map<String, byte[]> after) {
        assertThat(after.keySet()).isEqualTo(before.keySet());
        for (String k : before.keySet()) assertThat(after.get(k)).as(k).isEqualTo(before.get(k));
    }

    private Path copyDir(Path src, Path dst) throws Exception {
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) Files.copy(p, dst.resolve(p.getFileName().toString()));
        }
        return dst;
    }

    private Path gzip(Path src, Path dst) throws Exception {
        try (OutputStream out = new CompressorStreamFactory().createCompressorOutputStream("gz", Files.newOutputStream(dst))) {
            Files.copy(src, out);
        }
        return dst;
    }

    private static void assertRefused(CliRunner.Result r) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
        assertThat(r.err()).startsWith("salvor: ").doesNotContain("Exception");
    }

    @Test
    void repairIntoTheParentOfItsInputDirectoryDeletesNothing() throws Exception {
        Path parent = tmp.resolve("parent");
        Path aofdir = copyDir(AOF_DIR, parent.resolve("aofdir"));
        Files.writeString(parent.resolve("unrelated.txt"), "keep me");
        Map<String, byte[]> before = snapshot(tmp);

        CliRunner.Result r = CliRunner.run("repair", aofdir.toString(), "-o", parent.toString(), "--force");
        assertRefused(r);
        assertThat(r.err()).contains("holds the input");
        assertSame(before, snapshot(tmp));
        // The input directory itself as the output, and a folder inside it.
        assertRefused(CliRunner.run("repair", aofdir.toString(), "-o", aofdir.toString(), "--force"));
        assertRefused(CliRunner.run("repair", aofdir.toString(), "-o", aofdir.resolve("sub").toString(), "--force"));
        assertSame(before, snapshot(tmp));
    }

    @Test
    void anExistingDirectorySalvorDidNotWriteIsNeverReplaced() throws Exception {
        Path aofdir = copyDir(AOF_DIR, tmp.resolve("in/appendonlydir"));
        Path other = tmp.resolve("photos");
        Files.createDirectories(other);
        Files.writeString(other.resolve("cat.jpg"), "not an aof");
        Map<String, byte[]> before = snapshot(tmp);
        CliRunner.Result r = CliRunner.run("repair", aofdir.toString(), "-o", other.toString(), "--force");
        assertRefused(r);
        assertThat(r.err()).contains("not a directory Salvor wrote");
        assertSame(before, snapshot(tmp));

        // A directory that repair itself wrote is replaced with --force, and only then.
        Path out = tmp.resolve("out/d");
        assertThat(CliRunner.run("repair", aofdir.toString(), "-o", out.toString()).exitCode()).isEqualTo(0);
        Map<String, byte[]> written = snapshot(out);
        assertRefused(CliRunner.run("repair", aofdir.toString(), "-o", out.toString(), "--report", tmp.resolve("out/r2.json").toString()));
        CliRunner.Result again = CliRunner.run("repair", aofdir.toString(), "-o", out.toString(), "--force");
        assertThat(again.exitCode()).as(again.err()).isEqualTo(0);
        assertSame(written, snapshot(out));
        // Once it holds a file its manifest does not list, it is no longer Salvor's to replace.
        Files.writeString(out.resolve("notes.txt"), "mine");
        assertRefused(CliRunner.run("repair", aofdir.toString(), "-o", out.toString(), "--force"));
        assertThat(Files.readString(out.resolve("notes.txt"))).isEqualTo("mine");
    }

    @Test
    void aCompressedInputIsNeverItsOwnOutput() throws Exception {
        Path gz = gzip(RDB, tmp.resolve("in.rdb.gz"));
        byte[] before = Files.readAllBytes(gz);
        assertRefused(CliRunner.run("salvage", gz.toString(), "-o", gz.toString(), "--force"));
        assertRefused(CliRunner.run("export", gz.toString(), "-o", gz.toString(), "--force"));
        assertRefused(CliRunner.run("export", gz.toString(), "-o", gz.toString(), "--force", "--format", "dumps"));
        assertRefused(CliRunner.run("salvage", gz.toString(), "-o", tmp.resolve("r.rdb").toString(), "--report", gz.toString(), "--force"));
        assertRefused(CliRunner.run("salvage", gz.toString(), "-o", tmp.resolve("r.rdb").toString(), "--quarantine", gz.toString(), "--force"));
        assertThat(Files.readAllBytes(gz)).isEqualTo(before);
        assertThat(tmp.resolve("r.rdb")).doesNotExist();
    }

    @Test
    void aReportOrExportPathIsComparedWithEveryFileOfAnAof() throws Exception {
        Path plain = tmp.resolve("plain.aof");
        Files.copy(PLAIN_AOF, plain);
        Path aofdir = copyDir(AOF_DIR, tmp.resolve("aofdir"));
        Map<String, byte[]> before = snapshot(tmp);
        assertRefused(CliRunner.run("repair", plain.toString(), "-o", tmp.resolve("out/r.aof").toString(), "--report", plain.toString(), "--force"));
        assertRefused(CliRunner.run("export", aofdir.toString(), "-o", aofdir.resolve("appendonly.aof.2.incr.aof").toString(), "--force"));
        assertRefused(CliRunner.run("export", aofdir.resolve("appendonly.aof.manifest").toString(), "-o",
                aofdir.resolve("appendonly.aof.3.incr.aof").toString(), "--force"));
        assertRefused(CliRunner.run("repair", aofdir.toString(), "-o", tmp.resolve("out/d").toString(), "--report",
                aofdir.resolve("appendonly.aof.3.incr.aof").toString(), "--force"));
        // A report path inside the input directory is refused even when it names a new file.
        assertRefused(CliRunner.run("repair", aofdir.toString(), "-o", tmp.resolve("out/d").toString(), "--report",
                aofdir.resolve("new.json").toString()));
        assertSame(before, snapshot(tmp));
    }

    @Test
    void linksToAnInputAreTheInput() throws Exception {
        Path in = tmp.resolve("in.rdb");
        Files.copy(RDB, in);
        Path hard = Files.createLink(tmp.resolve("hard.rdb"), in);
        Path soft = Files.createSymbolicLink(tmp.resolve("soft.rdb"), in);
        Path linkedDir = Files.createSymbolicLink(tmp.resolve("same"), tmp);
        byte[] before = Files.readAllBytes(in);
        for (Path out : List.of(in, hard, soft, linkedDir.resolve("in.rdb"))) {
            assertRefused(CliRunner.run("export", in.toString(), "-o", out.toString(), "--force"));
            assertRefused(CliRunner.run("salvage", in.toString(), "-o", tmp.resolve("x.rdb").toString(), "--report", out.toString(), "--force"));
        }
        // Two outputs of one run may not be one file either.
        assertRefused(CliRunner.run("salvage", in.toString(), "-o", tmp.resolve("x.rdb").toString(), "--report", tmp.resolve("x.rdb").toString()));
        assertThat(Files.readAllBytes(in)).isEqualTo(before);
        assertThat(Files.isSymbolicLink(soft)).isTrue();
        assertThat(tmp.resolve("x.rdb")).doesNotExist();
    }

    @Test
    void everyOutputIsCheckedBeforeAnyIsWrittenAndReportsAreNamedAfterTheOutput() throws Exception {
        Path aofdir = copyDir(AOF_DIR, tmp.resolve("in/appendonlydir"));
        Path out = tmp.resolve("out");
        CliRunner.Result first = CliRunner.run("repair", aofdir.toString(), "-o", out.resolve("a").toString());
        assertThat(first.exitCode()).as(first.err()).isEqualTo(0);
        assertThat(out.resolve("a.report.json")).exists();
        assertThat(out.resolve("a.quarantine")).exists();
        // A second run into the same folder, under another name, does not collide.
        CliRunner.Result second = CliRunner.run("repair", aofdir.toString(), "-o", out.resolve("b").toString());
        assertThat(second.exitCode()).as(second.err()).isEqualTo(0);
        assertThat(out.resolve("b.report.json")).exists();

        // One existing output refuses the run before anything else is written: nothing is left behind.
        Files.delete(out.resolve("b.report.json"));
        Files.delete(out.resolve("b.quarantine"));
        try (Stream<Path> s = Files.walk(out.resolve("b"))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        Files.writeString(out.resolve("b.report.json"), "mine");
        Map<String, byte[]> before = snapshot(tmp);
        CliRunner.Result refused = CliRunner.run("repair", aofdir.toString(), "-o", out.resolve("b").toString());
        assertRefused(refused);
        assertThat(refused.err()).contains("b.report.json").contains("already exists");
        assertSame(before, snapshot(tmp));

        // The same for salvage: an existing quarantine stops the run before the RDB is written.
        Path rdbOut = tmp.resolve("s/r.rdb");
        Files.createDirectories(rdbOut.getParent());
        Files.writeString(Path.of(rdbOut + ".quarantine"), "mine");
        before = snapshot(tmp);
        assertRefused(CliRunner.run("salvage", RDB.toString(), "-o", rdbOut.toString()));
        assertSame(before, snapshot(tmp));
        Files.delete(Path.of(rdbOut + ".quarantine"));
        CliRunner.Result salvaged = CliRunner.run("salvage", RDB.toString(), "-o", rdbOut.toString());
        assertThat(salvaged.exitCode()).as(salvaged.err()).isEqualTo(0);
        assertThat(Path.of(rdbOut + ".report.json")).exists();
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(rdbOut.getParent())) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        }
        assertThat(names).containsExactlyInAnyOrder("r.rdb", "r.rdb.report.json", "r.rdb.quarantine");
    }

    @Test
    void aFileInTheOutputPathIsNamed() throws Exception {
        Path file = tmp.resolve("afile");
        Files.writeString(file, "x", StandardCharsets.UTF_8);
        CliRunner.Result r = CliRunner.run("export", RDB.toString(), "-o", file.resolve("out.ndjson").toString());
        assertRefused(r);
        assertThat(r.err()).contains("afile");
    }
}
