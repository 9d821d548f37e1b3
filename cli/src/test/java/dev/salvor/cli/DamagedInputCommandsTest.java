package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 items 5 to 8 through the CLI, on the named damaged samples of {@code fixtures/damaged/}:
 * inspect of a damaged file, audit of a damaged backup, audit sampling, and inputs that are not
 * Redis files at all.
 */
class DamagedInputCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path INTACT = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");
    private static final Path DAMAGED = Fixtures.resolve("damaged/redis-7.0-page-30-zeroed.rdb");

    @TempDir
    Path tmp;

    /** 10.5: inspect counts only intact records (never keys made of damaged bytes) at check's offsets. */
    @Test
    void inspectOfADamagedFileCountsIntactRecordsAtCheckOffsets() throws Exception {
        long truth = Files.readAllLines(Fixtures.resolve("rdb/redis-7.0/dataset.expected.ndjson")).stream().filter(l -> l.contains("\"key\"")).count();
        CliRunner.Result inspect = CliRunner.run("inspect", DAMAGED.toString(), "--json");
        assertThat(inspect.exitCode()).as(inspect.err()).isEqualTo(1);
        JsonNode in = JSON.readTree(inspect.out());
        assertThat(in.get("counts_cover").asText()).isEqualTo("intact_records");
        assertThat(in.get("clean").asBoolean()).isFalse();
        assertThat(in.get("keys").asLong()).isLessThan(truth);

        CliRunner.Result salvage = CliRunner.run("salvage", DAMAGED.toString(), "-o", tmp.resolve("s.rdb").toString(), "--json");
        JsonNode s = JSON.readTree(salvage.out());
        assertThat(in.get("keys").asLong()).isEqualTo(s.get("recovered").asLong());
        assertThat(in.get("keys").asLong() + in.at("/damage/losses/at_least").asLong()).isLessThanOrEqualTo(truth);

        CliRunner.Result check = CliRunner.run("check", DAMAGED.toString(), "--json");
        List<Long> checkOffsets = new ArrayList<>();
        JSON.readTree(check.out()).get("problems").forEach(p -> checkOffsets.add(p.get("offset").asLong()));
        List<Long> inspectOffsets = new ArrayList<>();
        in.at("/damage/regions").forEach(r -> inspectOffsets.add(r.get("error_offset").asLong()));
        assertThat(inspectOffsets).isNotEmpty();
        assertThat(checkOffsets).containsAll(inspectOffsets);

        CliRunner.Result text = CliRunner.run("inspect", DAMAGED.toString());
        assertThat(text.out()).contains("counts above are of the intact records only");
        Matcher m = Pattern.compile("\\[offset (\\d+)\\]").matcher(text.out());
        assertThat(m.find()).isTrue();
        assertThat(Long.parseLong(m.group(1))).isEqualTo(inspectOffsets.get(0));
    }

    /** 10.5, a stream (no second pass possible): counts stop at the first damage and say so. */
    @Test
    void inspectOfADamagedStreamCountsWhatWasReadBeforeTheDamage() throws Exception {
        CliRunner.Result r = CliRunner.run(Files.newInputStream(DAMAGED), "inspect", "-", "--json");
        JsonNode in = JSON.readTree(r.out());
        assertThat(in.get("counts_cover").asText()).isEqualTo("before_first_damage");
        CliRunner.Result check = CliRunner.run(Files.newInputStream(DAMAGED), "check", "-", "--json");
        assertThat(in.at("/error/offset").asLong()).isEqualTo(JSON.readTree(check.out()).at("/problems/0/offset").asLong());
    }

    /** 10.6 and 10.7: a damaged backup is audited (FAIL, damage, losses) and what could be read is compared. */
    @Test
    void auditOfADamagedBackupWritesItsReportAndComparesWhatCouldBeRead() throws Exception {
        Path dir = tmp.resolve("server");
        Files.createDirectories(dir);
        Files.copy(INTACT, dir.resolve("dump.rdb"));
        try (RedisServer redis = RedisServer.start(dir, "--dbfilename", "dump.rdb")) {
            Path out = tmp.resolve("audit");
            CliRunner.Result audit = CliRunner.run("audit", DAMAGED.toString(), "--against", redis.url(), "-o", out.toString());
            assertThat(audit.exitCode()).as(audit.out() + audit.err()).isEqualTo(1);
            assertThat(audit.out()).startsWith("FAIL: the backup itself is damaged (LOST: at least");
            JsonNode j = JSON.readTree(out.resolve("audit.json").toFile());
            assertThat(j.get("verdict").asText()).isEqualTo("FAIL");
            assertThat(j.get("backup_side").asText()).isEqualTo("salvaged");
            assertThat(j.at("/backup_health/salvage/regions")).isNotEmpty();
            long lost = j.at("/backup_health/salvage/losses/at_least").asLong();
            assertThat(lost).isPositive();
            // The server holds every key; the salvaged side lacks the lost ones and differs in nothing else.
            assertThat(j.at("/differences_by_kind/only_in_b").asLong()).isGreaterThanOrEqualTo(lost);
            assertThat(j.at("/differences_by_kind/only_in_a").asLong()).isZero();
            assertThat(j.at("/differences_by_kind/value_differs").asLong()).isZero();
            assertThat(j.get("keys_backup").asLong()).isEqualTo(j.at("/backup_health/salvage/recovered").asLong() + j.at("/backup_health/salvage/partial").asLong());
            assertThat(Files.readString(out.resolve("audit.html"))).contains("FAIL").contains("Damage and losses");

            // 10.7: the share really sampled is reported, and the guarantee follows from it.
            Path sampled = tmp.resolve("sampled");
            CliRunner.Result s = CliRunner.run("audit", INTACT.toString(), "--against", redis.url(), "--sample", "0.1", "-o", sampled.toString(), "--json");
            JsonNode sj = JSON.readTree(s.out());
            long all = sj.get("sample_backup_keys").asLong();
            long picked = sj.get("sample_backup_keys_sampled").asLong();
            assertThat(all).isEqualTo(543);
            assertThat(picked).isEqualTo(sj.get("keys_backup").asLong()).isBetween(30L, 80L);
            assertThat(sj.get("sample_share").asDouble()).isEqualTo((double) picked / all);
            assertThat(sj.get("sample_statement").asText()).startsWith("sampled " + picked + " of 543 backup keys");
            assertThat(sj.get("sample_detectable_share").asDouble()).isEqualTo(1 - Math.pow(0.01, 1.0 / picked));
        }
    }

    /** 10.8: a text file or an empty file is not an RDB or AOF: exit 2, one line, nothing written. */
    @Test
    void aFileThatIsNeitherRdbNorAofIsRefused() throws Exception {
        for (String sample : List.of("not-redis-text.md", "not-redis-empty.rdb")) {
            Path file = Fixtures.resolve("damaged/" + sample);
            for (String command : List.of("inspect", "check", "export")) {
                CliRunner.Result r = CliRunner.run(command, file.toString());
                assertThat(r.exitCode()).as(command + " " + sample + ": " + r.out() + r.err()).isEqualTo(2);
                assertThat(r.err()).contains(file + ": not an RDB or AOF file");
            }
            Path out = tmp.resolve(sample + ".salvaged.rdb");
            CliRunner.Result r = CliRunner.run("salvage", file.toString(), "-o", out.toString());
            assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).contains("not an RDB or AOF file");
            assertThat(out).doesNotExist();
            try (var files = Files.list(tmp)) {
                assertThat(files.filter(p -> p.getFileName().toString().startsWith(sample))).isEmpty();
            }
        }
    }

    /** 10.8: a file without its header but with intact records after it is a damaged RDB. */
    @Test
    void aHeaderlessFileWithIntactRecordsIsADamagedRdb() throws Exception {
        Path file = Fixtures.resolve("damaged/redis-7.0-first-page-zeroed.rdb");
        CliRunner.Result check = CliRunner.run("check", file.toString());
        assertThat(check.exitCode()).as(check.out() + check.err()).isEqualTo(1);
        Path out = tmp.resolve("repaired.rdb");
        CliRunner.Result salvage = CliRunner.run("salvage", file.toString(), "-o", out.toString());
        assertThat(salvage.exitCode()).as(salvage.out() + salvage.err()).isEqualTo(1);
        assertThat(out).exists();
        assertThat(salvage.out()).contains("header damaged");
    }
}
