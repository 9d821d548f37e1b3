package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

class CommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path RDB74 = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");
    private static final Path DEMO = demo();

    @TempDir
    Path tmp;

    private static Path demo() {
        // The demo file lives in the repository (fixtures/demo), next to the module.
        Path p = Path.of("..", "fixtures", "demo", "damaged.rdb");
        return Files.exists(p) ? p : Path.of("fixtures", "demo", "damaged.rdb");
    }

    @Test
    void inspectDescribesACleanFile() throws Exception {
        CliRunner.Result r = CliRunner.run("inspect", RDB74.toString(), "--json");
        assertThat(r.exitCode()).isEqualTo(0);
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("rdb_version").asInt()).isEqualTo(12);
        assertThat(j.get("keys").asLong()).isEqualTo(550);
        assertThat(j.get("aux").get("redis-ver").asText()).isEqualTo("7.4.1");
        assertThat(j.get("keys_by_type").get("stream").asInt()).isEqualTo(8);
        assertThat(j.get("databases").get("15").get("keys").asInt()).isEqualTo(5);
        assertThat(j.get("checksum").asText()).isEqualTo("ok");
        assertThat(j.get("functions")).hasSize(2);
        CliRunner.Result text = CliRunner.run("inspect", RDB74.toString());
        assertThat(text.out()).contains("RDB version 12").contains("status:     clean");
    }

    @Test
    void checkReportsEveryRegionOfTheDemoAndExitsOne() throws Exception {
        CliRunner.Result r = CliRunner.run("check", DEMO.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("clean").asBoolean()).isFalse();
        assertThat(j.get("problems").size()).isGreaterThanOrEqualTo(2);
        for (JsonNode p : j.get("problems")) assertThat(p.get("offset").asLong()).isBetween(0L, Files.size(DEMO));
        assertThat(CliRunner.run("check", RDB74.toString()).exitCode()).isEqualTo(0);
    }

    /**
     * A file whose checksum matches but whose value the server refuses (a hash listpack holding a
     * field twice, made from the 7.4 fixture with the CRC64 recomputed): check validates every
     * value and exits 1; only --quick, which says it checks framing and checksum only, passes it.
     */
    @Test
    void checkValidatesEveryValueUnlessAskedForQuick() throws Exception {
        byte[] f = Files.readAllBytes(RDB74);
        byte[] pattern = {(byte) 0x82, 'f', '1'};
        byte[] seen = {(byte) 0x82, 'f', '0'};
        int at = -1;
        for (int i = 0; i + 3 <= f.length && at < 0; i++) {
            // a listpack holding fields f0 and f1 (6-bit strings): make f1 a second f0
            if (Arrays.equals(f, i, i + 3, pattern, 0, 3) && indexOf(f, seen, Math.max(0, i - 64), i) >= 0) at = i;
        }
        assertThat(at).isGreaterThan(0);
        f[at + 2] = '0';
        long crc = dev.salvor.rdb.Crc64.of(f, 0, f.length - 8);
        for (int i = 0; i < 8; i++) f[f.length - 8 + i] = (byte) (crc >>> (8 * i));
        Path damaged = tmp.resolve("dup-field.rdb");
        Files.write(damaged, f);

        CliRunner.Result full = CliRunner.run("check", damaged.toString(), "--json");
        assertThat(full.exitCode()).as(full.err()).isEqualTo(1);
        JsonNode j = JSON.readTree(full.out());
        assertThat(j.get("checksum").asText()).isEqualTo("ok");
        assertThat(j.get("values_checked").asBoolean()).isTrue();
        assertThat(j.get("problems")).hasSize(1);
        assertThat(j.get("problems").get(0).get("reason").asText()).isEqualTo("duplicate member");
        assertThat(CliRunner.run(new java.io.ByteArrayInputStream(f), "check", "-").exitCode()).isEqualTo(1);

        CliRunner.Result quick = CliRunner.run("check", damaged.toString(), "--quick");
        assertThat(quick.exitCode()).as(quick.err()).isEqualTo(0);
        assertThat(quick.out()).contains("--quick: values not checked");
        assertThat(JSON.readTree(CliRunner.run("check", damaged.toString(), "--quick", "--json").out()).get("values_checked").asBoolean()).isFalse();
    }

    private static int indexOf(byte[] f, byte[] what, int from, int to) {
        for (int i = from; i + what.length <= to; i++) {
            if (Arrays.equals(f, i, i + what.length, what, 0, what.length)) return i;
        }
        return -1;
    }

    @Test
    void missingFileIsOneLineAndExitTwo() {
        CliRunner.Result r = CliRunner.run("check", tmp.resolve("nope.rdb").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip().lines()).hasSize(1).allMatch(l -> l.startsWith("salvor: ") && l.contains("nope.rdb"));
        assertThat(CliRunner.run("frobnicate").exitCode()).isEqualTo(2);
        assertThat(CliRunner.run("export", RDB74.toString(), "--type", "tree").exitCode()).isEqualTo(2);
    }

    @Test
    void garbageInputNamesFileAndOffset() throws Exception {
        Path junk = tmp.resolve("junk.rdb");
        Files.writeString(junk, "this is not a snapshot");
        CliRunner.Result r = CliRunner.run("export", junk.toString());
        // Not a damaged RDB but no RDB at all (issue 10.8): a usage error.
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("junk.rdb").contains("not an RDB or AOF file").contains("byte offset 0").doesNotContain("Exception");
    }

    @Test
    void exportFiltersByDbGlobAndType() throws Exception {
        Path out = tmp.resolve("out.ndjson");
        CliRunner.Result r = CliRunner.run("export", RDB74.toString(), "--db", "0", "--match", "zset:*", "--type", "zset", "-o", out.toString());
        assertThat(r.exitCode()).isEqualTo(0);
        var lines = Files.readAllLines(out);
        assertThat(lines).isNotEmpty();
        for (String l : lines) {
            JsonNode n = JSON.readTree(l);
            assertThat(n.get("db").asInt()).isEqualTo(0);
            assertThat(n.get("type").asText()).isEqualTo("zset");
            assertThat(n.get("key").asText()).startsWith("zset:");
        }
        // An existing output is kept unless --force.
        CliRunner.Result again = CliRunner.run("export", RDB74.toString(), "-o", out.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("--force");
        assertThat(Files.readAllLines(out)).isEqualTo(lines);
        assertThat(CliRunner.run("export", RDB74.toString(), "-o", out.toString(), "--force").exitCode()).isEqualTo(0);
        assertThat(Files.readAllLines(out).size()).isGreaterThan(lines.size());
    }

    @Test
    void exportOnSeveralThreadsEqualsOneThreadOnCleanAndDamagedFiles() throws Exception {
        for (Path rdb : new Path[] {RDB74, DEMO}) {
            CliRunner.Result one = CliRunner.run("export", rdb.toString(), "--threads", "1");
            CliRunner.Result many = CliRunner.run("export", rdb.toString(), "--threads", "4");
            assertThat(many.out()).as("%s", rdb).isEqualTo(one.out());
            assertThat(many.err()).isEqualTo(one.err());
            assertThat(many.exitCode()).isEqualTo(one.exitCode());
        }
        assertThat(CliRunner.run("export", RDB74.toString(), "--threads", "0").exitCode()).isEqualTo(2);
    }

    @Test
    void jsonFormatIsOneArray() throws Exception {
        Path out = tmp.resolve("out.json");
        assertThat(CliRunner.run("export", RDB74.toString(), "--format", "json", "-o", out.toString()).exitCode()).isEqualTo(0);
        JsonNode all = JSON.readTree(out.toFile());
        assertThat(all.isArray()).isTrue();
        assertThat(all.size()).isEqualTo(550 + 2); // keys and two function libraries
    }

    @ParameterizedTest
    @ValueSource(strings = {"gz", "bzip2", "xz", "zstd", "lz4-framed", "tar", "zip", "tar.gz"})
    void readsCompressedAndArchivedInputsByContent(String wrapper) throws Exception {
        Path wrapped = tmp.resolve("backup.bin"); // the name says nothing: detection is by content
        byte[] raw = Files.readAllBytes(RDB74);
        switch (wrapper) {
            case "tar" -> tar(raw, Files.newOutputStream(wrapped));
            case "zip" -> {
                try (ZipArchiveOutputStream z = new ZipArchiveOutputStream(Files.newOutputStream(wrapped))) {
                    ZipArchiveEntry e = new ZipArchiveEntry("dump.rdb");
                    z.putArchiveEntry(e);
                    z.write(raw);
                    z.closeArchiveEntry();
                }
            }
            case "tar.gz" -> tar(raw, new CompressorStreamFactory().createCompressorOutputStream("gz", Files.newOutputStream(wrapped)));
            default -> {
                try (OutputStream o = new CompressorStreamFactory().createCompressorOutputStream(wrapper, Files.newOutputStream(wrapped))) {
                    o.write(raw);
                }
            }
        }
        CliRunner.Result plain = CliRunner.run("export", RDB74.toString());
        CliRunner.Result unwrapped = CliRunner.run("export", wrapped.toString());
        assertThat(unwrapped.exitCode()).as(unwrapped.err()).isEqualTo(0);
        assertThat(plain.out().lines().count()).isEqualTo(552);
        assertThat(unwrapped.out()).isEqualTo(plain.out());
        assertThat(CliRunner.run("check", wrapped.toString()).exitCode()).isEqualTo(0);
    }

    private static void tar(byte[] raw, OutputStream out) throws Exception {
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(out)) {
            TarArchiveEntry e = new TarArchiveEntry("backup/dump.rdb");
            e.setSize(raw.length);
            t.putArchiveEntry(e);
            t.write(raw);
            t.closeArchiveEntry();
        }
    }

    @Test
    void salvageWritesRepairedFileReportAndQuarantineWithoutTouchingTheInput() throws Exception {
        byte[] before = Files.readAllBytes(DEMO);
        Path out = tmp.resolve("out/repaired.rdb");
        CliRunner.Result r = CliRunner.run("salvage", DEMO.toString(), "-o", out.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode j = JSON.readTree(r.out());
        assertThat(j.get("recovered").asLong()).isGreaterThan(600);
        assertThat(Files.readAllBytes(DEMO)).isEqualTo(before);
        JsonNode report = JSON.readTree(tmp.resolve("out/repaired.rdb.report.json").toFile());
        // Readable records right after the damage that were not trusted are named, and not output.
        assertThat(j.get("doubtful").asInt()).isEqualTo(report.get("doubtful_keys").size()).isPositive();
        assertThat(report.get("counts").get("expiry_unknown").asInt()).isEqualTo(report.get("expiry_unknown_keys").size());
        assertThat(report.get("assumed_db")).isNotEmpty();
        String salvagedKeys = CliRunner.run("export", DEMO.toString(), "--salvage").out();
        for (JsonNode d : report.get("doubtful_keys")) assertThat(salvagedKeys).doesNotContain("\"key\":" + d);
        long quarantined = 0;
        for (JsonNode region : report.get("regions")) quarantined += region.get("length").asLong();
        assertThat(Files.size(Path.of(out + ".quarantine"))).isEqualTo(quarantined).isGreaterThan(0);
        // The repaired file is clean, and exporting it gives what export --salvage gives.
        assertThat(CliRunner.run("check", out.toString()).exitCode()).isEqualTo(0);
        CliRunner.Result salvaged = CliRunner.run("export", DEMO.toString(), "--salvage", "--sorted");
        CliRunner.Result repaired = CliRunner.run("export", out.toString(), "--sorted");
        assertThat(repaired.out().lines().count()).isGreaterThan(600);
        assertThat(sortedLines(repaired.out())).isEqualTo(sortedLines(salvaged.out().replace(",\"partial\":true", "").replace(",\"expiry_unknown\":true", "").replace(",\"unverified\":true", "")));
        // Refuses to write over the input.
        assertThat(CliRunner.run("salvage", DEMO.toString(), "-o", DEMO.toString(), "--force").exitCode()).isEqualTo(2);
        assertThat(Files.readAllBytes(DEMO)).isEqualTo(before);
    }

    private static String[] sortedLines(String s) {
        String[] l = s.split("\n");
        Arrays.sort(l);
        return l;
    }

    @Test
    void stdinIsReadWithDash() throws Exception {
        try (var in = Files.newInputStream(RDB74)) {
            CliRunner.Result r = CliRunner.run(in, "inspect", "-", "--json");
            assertThat(r.exitCode()).isEqualTo(0);
            assertThat(JSON.readTree(r.out()).get("keys").asLong()).isEqualTo(550);
        }
        assertThat(new String(Files.readAllBytes(RDB74), 0, 5, StandardCharsets.US_ASCII)).isEqualTo("REDIS");
    }
}
