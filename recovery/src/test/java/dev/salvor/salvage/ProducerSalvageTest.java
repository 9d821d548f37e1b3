package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.check.RdbChecker;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.rdb.RdbReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files of other producers are salvaged by their own numbering: past a zeroed page,
 * resynchronisation accepts the types the producer writes in its files (Dragonfly: its own types
 * and Redis's newer encodings under the RDB 9 it always states; KeyDB: cron jobs and member
 * expiries), and the repaired file holds only intact keys, copied byte for byte. Built byte by
 * byte in each producer's layout (no Dragonfly or KeyDB server runs here).
 */
class ProducerSalvageTest {
    @TempDir
    Path tmp;

    private static String export(Path file) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(file); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void salvageKeepsOnlyIntactKeys(byte[] bytes, int keys, String first, String last) throws IOException {
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
        String all = export(clean).replaceAll("\"value_offset\":\\d+,\"value_length\":\\d+,", "");
        String kept = export(repaired).replaceAll("\"value_offset\":\\d+,\"value_length\":\\d+,", "");
        for (String line : kept.split("\n")) assertThat(all).contains(line);
        assertThat(kept).contains("\"key\":\"" + first + "\"").contains("\"key\":\"" + last + "\"");
        assertThat(kept.split("\n").length + report.losses().atLeast()).isEqualTo(keys);
        assertThat(RdbChecker.checkFile(repaired, null).problems()).isEmpty();
    }

    @Test
    void dragonflyKeysPastDamage() throws IOException {
        RdbBuilder b = new RdbBuilder("REDIS0009").aux("redis-ver", "6.2.11").aux("df-ver", "v1.34.2").selectDb(0, 108, 0);
        for (int i = 0; i < 90; i++) {
            switch (i % 3) {
                case 0 -> {
                    b.key(31, "h:" + i).len(20);
                    for (int j = 0; j < 20; j++) b.str("field-" + j + "-".repeat(20)).str("value-" + i + "-" + j).str(j % 2 == 0 ? "-1" : Integer.toString(100000 + j));
                }
                case 1 -> {
                    b.key(32, "s:" + i).len(20);
                    for (int j = 0; j < 20; j++) b.str("member-" + i + "-" + j + "-".repeat(20)).str(j % 2 == 0 ? "-1" : Integer.toString(200000 + j));
                }
                // Quicklist 2 (one packed node), which Dragonfly writes under the RDB 9 it states.
                default -> b.key(18, "l:" + i).len(1).len(2).str(RdbBuilder.listpack("item-" + i + "-" + "x".repeat(100), "second-" + i, "third-" + i));
            }
            // Its JSON (30) and a count-min sketch (35), copied byte for byte by repair.
            if (i % 10 == 5) {
                b.key(30, "json:" + i).str("{\"n\":" + i + ",\"pad\":\"" + "p".repeat(60) + "\"}");
                b.key(35, "cms:" + i).len(4).len(2).len(i);
                for (int c = 0; c < 8; c++) b.le64(i * 8L + c);
            }
        }
        salvageKeepsOnlyIntactKeys(b.finish(), 108, "h:0", "l:89");
    }

    @Test
    void keyDbKeysPastDamage() throws IOException {
        RdbBuilder b = new RdbBuilder("REDIS0009").aux("redis-ver", "6.3.4").selectDb(0, 60, 0);
        for (int i = 0; i < 60; i++) {
            b.aux("mvcc-tstamp", Long.toString(1700000000000000L + i));
            if (i % 2 == 0) {
                b.key(64, "cron:" + i).str("return " + i + " -- " + "y".repeat(200)).le64(1700000000000L).le64(60000).len(1).str("k" + i).len(1).str("a" + i);
            } else {
                b.key(2, "set:" + i).len(10);
                for (int j = 0; j < 10; j++) b.str("member-" + i + "-" + j + "-".repeat(20));
                b.memberExpiry("member-" + i + "-0" + "-".repeat(20), 1893456000000L + i);
            }
        }
        salvageKeepsOnlyIntactKeys(b.finish(), 60, "cron:0", "set:59");
    }
}
