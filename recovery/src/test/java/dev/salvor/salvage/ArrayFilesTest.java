package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.check.RdbChecker;
import dev.salvor.diff.ValueDigest;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.fixtures.RdbBuilder.SmallString;
import dev.salvor.rdb.RdbReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Redis 8.8 sparse arrays through export (the NDJSON shape), check, and salvage with a repaired
 * file that copies intact arrays byte for byte. Built byte by byte (no Redis 8.8 runs here).
 */
class ArrayFilesTest {
    @TempDir
    Path tmp;

    private static String export(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(file); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void exportShapeAndCheck() throws IOException {
        Path f = tmp.resolve("v14.rdb");
        Files.write(f, new RdbBuilder("REDIS0014").selectDb(0, 2, 0)
                .key(28, "arr").arrayValue(49L, new Object[] {1000000L, "first"}, new Object[] {1000100L, 42L}, new Object[] {1001000L, 1.5})
                .key(28, "sparse").arrayValue(null, new Object[] {-2L, new SmallString("last")})
                .finish());
        assertThat(export(f)).isEqualTo(
                "{\"db\":0,\"key\":\"arr\",\"type\":\"array\",\"value\":{\"insert_index\":49,\"elements\":[[1000000,\"first\"],[1000100,\"42\"],[1001000,\"1.5\"]]}}\n"
                + "{\"db\":0,\"key\":\"sparse\",\"type\":\"array\",\"value\":{\"elements\":[[18446744073709551614,\"last\"]]}}\n");
        assertThat(RdbChecker.checkFile(f, null).problems()).isEmpty();
    }

    @Test
    void salvageCopiesIntactArraysAndLosesTheDamagedOne() throws IOException {
        RdbBuilder b = new RdbBuilder("REDIS0014").selectDb(0, 60, 0);
        for (int i = 0; i < 60; i++) {
            Object[][] el = new Object[40][];
            for (int j = 0; j < 40; j++) el[j] = new Object[] {(long) j * 3, j % 2 == 0 ? (Object) ("value-" + i + "-" + j + "-".repeat(50)) : (Object) (long) (i * j)};
            b.key(28, "arr:" + i).arrayValue((long) i, el);
        }
        byte[] bytes = b.finish();
        Path clean = tmp.resolve("clean.rdb");
        Files.write(clean, bytes);
        byte[] d = bytes.clone();
        int page = (d.length / 2) & ~4095;
        Arrays.fill(d, page, page + 4096, (byte) 0);
        Path damaged = tmp.resolve("damaged.rdb");
        Files.write(damaged, d);
        Path repaired = tmp.resolve("repaired.rdb");
        SalvageReport report;
        try (FileChannel in = FileChannel.open(damaged); OutputStream out = Files.newOutputStream(repaired)) {
            report = RdbSalvager.salvage(damaged, new RepairWriter(in, out), null);
        }
        assertThat(report.regions()).hasSize(1);
        String all = export(clean);
        String kept = export(repaired);
        // Every array of the repaired file is one of the clean file's, unchanged; the first and last survive.
        for (String line : kept.split("\n")) assertThat(all).contains(line);
        assertThat(kept).contains("\"key\":\"arr:0\"").contains("\"key\":\"arr:59\"");
        assertThat(kept.split("\n").length + report.losses().atLeast()).isEqualTo(60);
        assertThat(RdbChecker.checkFile(repaired, null).problems()).isEmpty();
        // The digests that diff compares see index and value.
        assertThat(digestOf(clean, "arr:0")).isNotEqualTo(digestOf(clean, "arr:1"));
    }

    private static ValueDigest digestOf(Path file, String key) throws IOException {
        try (RdbReader r = RdbReader.open(file)) {
            dev.salvor.rdb.RdbToken t;
            while ((t = r.next()) != dev.salvor.rdb.RdbToken.END) {
                if (t == dev.salvor.rdb.RdbToken.KEY && new String(r.key(), StandardCharsets.UTF_8).equals(key)) return ValueDigest.of(r);
            }
        }
        throw new AssertionError(key);
    }
}
