package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A run of zero bytes reads as the record {@code SET "" ""} again and again; no server writes a
 * key twice in one database, so the read ends at the second one with a verdict, however long the
 * run (an endless stream of zeros included) — and an empty key a server did write is no damage.
 */
class ZeroRunTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A real file's 9-byte header, then zero bytes for ever. */
    private static InputStream headerThenEndlessZeros() throws Exception {
        byte[] header = Arrays.copyOf(Files.readAllBytes(RDB), 9);
        return new InputStream() {
            long pos;

            @Override
            public int read() {
                return pos < 9 ? header[(int) pos++] & 0xff : 0;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = 0;
                while (n < len && pos < 9) b[off + n++] = header[(int) pos++];
                Arrays.fill(b, off + n, off + len, (byte) 0);
                pos += len - n;
                return len;
            }
        };
    }

    private static CliRunner.Result run(String... args) throws Exception {
        InputStream zeros = headerThenEndlessZeros();
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRunner.run(zeros, args));
    }

    @Test
    void checkInspectAndExportOfEndlessZerosEndWithAVerdict() throws Exception {
        CliRunner.Result check = run("check", "-");
        assertThat(check.exitCode()).as(check.err()).isEqualTo(1);
        assertThat(check.out()).contains("[offset 12] duplicate key").contains("the empty key again in db 0 (first at offset 9)");

        CliRunner.Result inspect = run("inspect", "-");
        assertThat(inspect.exitCode()).as(inspect.err()).isEqualTo(1);
        assertThat(inspect.out()).contains("DAMAGED:").contains("duplicate key at byte offset 12");

        // export writes the one record it could read, then stops with the error: never gigabytes of "".
        CliRunner.Result export = run("export", "-");
        assertThat(export.exitCode()).as(export.err()).isEqualTo(1);
        assertThat(export.out().lines()).containsExactly("{\"db\":0,\"key\":\"\",\"type\":\"string\",\"value\":\"\"}");
        assertThat(export.err().strip().lines()).hasSize(1);
        assertThat(export.err()).contains("stdin: duplicate key at byte offset 12");
    }

    @Test
    void aFileZeroedFromTheMiddleOnIsReportedWhereTheZerosBegin() throws Exception {
        byte[] bytes = Files.readAllBytes(RDB);
        // Zeros from the middle of the file, and 16 MiB more of them, as a file system leaves a torn file.
        int cut = bytes.length / 2;
        byte[] torn = Arrays.copyOf(bytes, bytes.length + (16 << 20));
        Arrays.fill(torn, cut, torn.length, (byte) 0);
        Path file = Files.write(tmp.resolve("torn.rdb"), torn);
        CliRunner.Result check = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRunner.run("check", "--json", file.toString()));
        assertThat(check.exitCode()).as(check.err()).isEqualTo(1);
        // The first problem is where the value cut there ends, or a few bytes into the zeros after
        // it: within the bytes the file had, not at the end of the 16 MiB of zeros.
        long first = Long.parseLong(check.out().replaceAll("(?s).*?\"offset\" : (\\d+).*", "$1"));
        assertThat(first).isBetween((long) cut - (1 << 16), (long) bytes.length);
    }

    /**
     * 16 MiB of zeros inserted in the middle of a real file (nothing of it removed): check and
     * salvage step over the run in one go, report it as one region that holds the whole run, and
     * lose only the key the insertion cut in two — judged against the keys the writing server held.
     */
    @Test
    void aZeroRunInsertedInTheMiddleIsOneRegionAndOnlyTheKeyItCutIsLost() throws Exception {
        byte[] bytes = Files.readAllBytes(RDB);
        int cut = bytes.length / 2;
        int run = 16 << 20;
        byte[] withRun = new byte[bytes.length + run];
        System.arraycopy(bytes, 0, withRun, 0, cut);
        System.arraycopy(bytes, cut, withRun, cut + run, bytes.length - cut);
        Path file = Files.write(tmp.resolve("zero-run.rdb"), withRun);

        CliRunner.Result check = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliRunner.run("check", "--json", file.toString()));
        assertThat(check.exitCode()).as(check.err()).isEqualTo(1);
        JsonNode problems = JSON.readTree(check.out()).get("problems");
        assertThat(problems).hasSize(1);
        JsonNode region = problems.get(0).get("region");
        assertThat(region.get("start").asLong()).isBetween((long) cut - (1 << 16), (long) cut);
        assertThat(region.get("end").asLong()).isBetween((long) cut + run, (long) cut + run + (1 << 16));
        assertThat(region.get("truncated_tail").asBoolean()).isFalse();

        Path out = tmp.resolve("salvaged.rdb");
        CliRunner.Result salvage = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> CliRunner.run("salvage", "--json", file.toString(), "-o", out.toString()));
        assertThat(salvage.exitCode()).as(salvage.err()).isEqualTo(1);
        JsonNode report = JSON.readTree(salvage.out());
        assertThat(report.get("damaged_regions").asInt()).isEqualTo(1);
        // The region's bytes, the whole zero run among them, are kept in the quarantine.
        assertThat(Files.size(tmp.resolve("salvaged.rdb.quarantine"))).isEqualTo(report.get("damaged_bytes").asLong()).isGreaterThanOrEqualTo(run);

        Set<String> truth = keys(Files.readAllLines(Fixtures.resolve("rdb/redis-7.4/dataset.expected.ndjson")));
        CliRunner.Result export = CliRunner.run("export", out.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        Set<String> salvaged = keys(export.out().lines().toList());
        assertThat(truth).containsAll(salvaged);
        Set<String> missing = new HashSet<>(truth);
        missing.removeAll(salvaged);
        assertThat(missing).hasSize(1);
        assertThat(report.get("recovered").asLong()).isEqualTo(truth.size() - 1);
        assertThat(report.get("lost_at_least").asLong()).isEqualTo(1);
        // The one key lost is the one whose bytes the run split: its name lies just before the cut.
        String lost = JSON.readTree(missing.iterator().next()).get("key").asText();
        String before = new String(bytes, cut - (1 << 14), 1 << 14, StandardCharsets.ISO_8859_1);
        assertThat(before).contains(lost);
    }

    /** The {db, key} of each NDJSON record, as JSON text. */
    private static Set<String> keys(List<String> lines) throws Exception {
        Set<String> out = new HashSet<>();
        for (String line : lines) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            if (!n.has("key")) continue;
            out.add(JSON.createObjectNode().put("db", n.get("db").asInt()).set("key", n.get("key")).toString());
        }
        return out;
    }

    @Test
    void emptyKeysAServerWroteInSeveralDatabasesAreNoDamage() throws Exception {
        Path rdb;
        try (RedisServer redis = RedisServer.start(tmp.resolve("server"))) {
            redis.call("SET", "", "in db 0");
            redis.call("SELECT", "1");
            redis.call("SET", "", "");
            redis.call("SELECT", "2");
            redis.call("HSET", "", "", "");
            redis.call("SET", "after", "x");
            rdb = Files.copy(redis.save(), tmp.resolve("empty-keys.rdb"));
        }
        CliRunner.Result check = CliRunner.run("check", rdb.toString());
        assertThat(check.exitCode()).as(check.out() + check.err()).isZero();
        CliRunner.Result export = CliRunner.run("export", "--sorted", rdb.toString());
        assertThat(export.exitCode()).as(export.err()).isZero();
        List<String> lines = export.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines).anyMatch(l -> l.contains("\"db\":0,\"key\":\"\"") && l.contains("in db 0"))
                .anyMatch(l -> l.contains("\"db\":1,\"key\":\"\""))
                .anyMatch(l -> l.contains("\"db\":2,\"key\":\"\",\"type\":\"hash\""));
    }
}
