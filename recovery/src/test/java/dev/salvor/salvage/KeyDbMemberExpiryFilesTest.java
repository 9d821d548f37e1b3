package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.diff.DiffEngine;
import dev.salvor.diff.Difference;
import dev.salvor.diff.KeySource;
import dev.salvor.diff.RdbFileSource;
import dev.salvor.export.KeySelector;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.fixtures.RdbBuilder;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KeyDB's member expiries (AUX {@code keydb-subexpire-key}/{@code -when} pairs after a key, KeyDB
 * src/rdb.cpp) stay with their key in export, repair and diff; its cron jobs (type 64) are exported. The files are built byte by byte in
 * KeyDB's layout (no KeyDB server runs here, and KeyDB's own test files hold no member expiry).
 */
class KeyDbMemberExpiryFilesTest {
    private static final long T1 = 1893456000000L;
    private static final long T2 = 1893456000123L;

    @TempDir
    Path dir;

    private Path file(String name, long whenOfC) throws IOException {
        byte[] b = new RdbBuilder("REDIS0009").aux("redis-ver", "6.3.4").selectDb(0, 2, 0)
                .key(2, "tags").len(3).str("a").str("b").str("c").memberExpiry("a", T1).memberExpiry("c", whenOfC)
                .stringKey("plain", "v").finish();
        Path f = dir.resolve(name);
        Files.write(f, b);
        return f;
    }

    @Test
    void exportedWithTheirKey() throws IOException {
        Path f = file("keydb.rdb", T2);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.open(f); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "{\"db\":0,\"key\":\"tags\",\"type\":\"set\",\"value\":[\"a\",\"b\",\"c\"],\"member_expire_at_ms\":[[\"a\"," + T1 + "],[\"c\"," + T2 + "]]}\n"
                        + "{\"db\":0,\"key\":\"plain\",\"type\":\"string\",\"value\":\"v\"}\n");
    }

    @Test
    void aCronJobIsExported() throws IOException {
        byte[] b = new RdbBuilder("REDIS0009").aux("redis-ver", "6.3.4").selectDb(0, 2, 0)
                .key(64, "job").str("return 1").le64(1700000000000L).le64(60000).len(1).str("counter").len(0)
                .key(64, "bare").str("return 2").le64(1).le64(2).len(0).len(1).str("x").finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (RdbReader r = RdbReader.of(new java.io.ByteArrayInputStream(b), "synthetic", b.length); NdjsonExporter e = new NdjsonExporter(out)) {
            e.export(r);
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "{\"db\":0,\"key\":\"job\",\"type\":\"cron\",\"value\":{\"script\":\"return 1\",\"start_ms\":1700000000000,\"interval_ms\":60000,"
                        + "\"keys\":[\"counter\"],\"args\":[]}}\n"
                        + "{\"db\":0,\"key\":\"bare\",\"type\":\"cron\",\"value\":{\"script\":\"return 2\",\"start_ms\":1,\"interval_ms\":2,"
                        + "\"keys\":[],\"args\":[\"x\"]}}\n");
    }

    @Test
    void repairCopiesThemOnceAfterTheirKey() throws IOException {
        Path f = file("keydb.rdb", T2);
        Path repaired = Files.createDirectories(dir.resolve("repaired")).resolve("dump.rdb");
        try (FileChannel in = FileChannel.open(f); OutputStream out = Files.newOutputStream(repaired)) {
            RdbSalvager.salvage(f, new RepairWriter(in, out), null);
        }
        int pairs = 0;
        try (RdbReader r = RdbReader.open(repaired)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                // Not loose AUX records that a loader would attach to whatever key came before them.
                if (t == RdbToken.AUX) assertThat(r.auxKey().toString()).doesNotStartWith("keydb-subexpire");
                if (t == RdbToken.KEY) {
                    r.skipValue();
                    if (new String(r.key(), StandardCharsets.UTF_8).equals("tags")) {
                        assertThat(r.memberExpiries()).extracting(m -> new String(m.member(), StandardCharsets.UTF_8) + "@" + m.expireAtMs())
                                .containsExactly("a@" + T1, "c@" + T2);
                    }
                    pairs += r.memberExpiries().size();
                }
            }
        }
        assertThat(pairs).isEqualTo(2);
    }

    @Test
    void aDifferentMemberExpiryIsADifference() throws IOException {
        try (KeySource a = new RdbFileSource(file("a.rdb", T2), "a"); KeySource b = new RdbFileSource(file("b.rdb", T2 + 1), "b")) {
            DiffEngine.Report r = new DiffEngine(0, false).diff(a, b, KeySelector.ALL);
            assertThat(r.differences().list()).hasSize(1);
            Difference d = r.differences().list().get(0);
            assertThat(d.kind()).isEqualTo(Difference.Kind.VALUE_DIFFERS);
            assertThat(new String(d.key(), StandardCharsets.UTF_8)).isEqualTo("tags");
            assertThat(d.details()).containsExactly("member member expiry c: " + T2 + " -> " + (T2 + 1));
        }
        try (KeySource a = new RdbFileSource(file("c.rdb", T2), "a"); KeySource b = new RdbFileSource(file("d.rdb", T2), "b")) {
            assertThat(new DiffEngine(0, false).diff(a, b, KeySelector.ALL).identical()).isTrue();
        }
    }
}
