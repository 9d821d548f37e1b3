package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

class RepairCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path copyDir(String fixture) throws Exception {
        Path src = Fixtures.resolve(fixture);
        Path dst = tmp.resolve("in/appendonlydir");
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) Files.copy(p, dst.resolve(p.getFileName().toString()));
        }
        return dst;
    }

    @Test
    void repairsAMultiPartAofIntoADirectoryRedisLoads() throws Exception {
        Path dir = copyDir("aof/redis-7.0/aof-multipart/appendonlydir");
        Path incr = dir.resolve("appendonly.aof.2.incr.aof");
        byte[] b = Files.readAllBytes(incr);
        byte[] damaged = new byte[b.length + 64];
        int at = b.length / 2;
        System.arraycopy(b, 0, damaged, 0, at);
        java.util.Arrays.fill(damaged, at, at + 64, (byte) '?');
        System.arraycopy(b, at, damaged, at + 64, b.length - at);
        Files.write(incr, damaged);

        assertThat(CliRunner.run("check", dir.toString()).exitCode()).isEqualTo(1);
        Path out = tmp.resolve("server/appendonlydir");
        CliRunner.Result r = CliRunner.run("repair", dir.toString(), "-o", out.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
        JsonNode report = JSON.readTree(r.out());
        assertThat(report.get("regions")).hasSize(1);
        assertThat(report.get("regions").get(0).get("truncated_tail").asBoolean()).isFalse();
        assertThat(Files.exists(tmp.resolve("server/appendonlydir/appendonly.aof.manifest"))).isTrue();
        assertThat(Files.size(Path.of(out + ".quarantine"))).isGreaterThanOrEqualTo(64);
        assertThat(CliRunner.run("check", out.toString()).exitCode()).isEqualTo(0);
        // redis-server loads the repaired directory.
        try (RedisServer redis = RedisServer.start(tmp.resolve("server"), "--appendonly", "yes", "--appenddirname", "appendonlydir",
                "--appendfilename", "appendonly.aof")) {
            assertThat((Long) redis.call("DBSIZE")).isPositive();
        }
        // The input is untouched.
        assertThat(Files.readAllBytes(incr)).isEqualTo(damaged);
    }

    @Test
    void dropUndoesAFlushallAndUntilCutsAtATimestamp() throws Exception {
        Path aof = tmp.resolve("flush.aof");
        String cmds = "#TS:1700000000\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n#TS:1700000100\r\n*1\r\n$8\r\nFLUSHALL\r\n"
                + "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n#TS:1700000200\r\n*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r\n3\r\n";
        Files.writeString(aof, cmds, StandardCharsets.ISO_8859_1);
        Path out = tmp.resolve("out/dropped.aof");
        CliRunner.Result r = CliRunner.run("repair", aof.toString(), "-o", out.toString(), "--drop", "FLUSHALL,FLUSHDB", "--json");
        assertThat(r.exitCode()).isEqualTo(0);
        assertThat(JSON.readTree(r.out()).get("dropped_by_name").get("flushall").asInt()).isEqualTo(1);
        String kept = Files.readString(out, StandardCharsets.ISO_8859_1);
        assertThat(kept).doesNotContain("FLUSHALL").contains("$1\r\na\r\n").contains("$1\r\nc\r\n");

        Path until = tmp.resolve("out2/until.aof");
        assertThat(CliRunner.run("repair", aof.toString(), "-o", until.toString(), "--until", "1700000150").exitCode()).isEqualTo(0);
        String cut = Files.readString(until, StandardCharsets.ISO_8859_1);
        assertThat(cut).contains("$1\r\nb\r\n").doesNotContain("$1\r\nc\r\n");
        CliRunner.Result export = CliRunner.run("export", aof.toString());
        List<String> lines = export.out().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(JSON.readTree(lines.get(3)).get("time_ms").asLong()).isEqualTo(1700000200000L);
        assertThat(JSON.readTree(lines.get(0)).get("argv").get(1).asText()).isEqualTo("a");
    }

    @Test
    void damagedPreambleIsLocatedAndTheCommandsAfterItAreKept() throws Exception {
        Path src = Fixtures.resolve("aof/redis-6.2/aof-preamble/appendonly.aof");
        byte[] b = Files.readAllBytes(src);
        byte[] damaged = b.clone();
        java.util.Arrays.fill(damaged, 200, 260, (byte) 0xee); // inside the RDB preamble
        Path aof = tmp.resolve("preamble.aof");
        Files.write(aof, damaged);
        CliRunner.Result check = CliRunner.run("check", aof.toString(), "--json");
        assertThat(check.exitCode()).isEqualTo(1);
        JsonNode region = JSON.readTree(check.out()).get("regions").get(0);
        assertThat(region.get("reason").asText()).isEqualTo("damaged RDB preamble");
        assertThat(region.get("start").asLong()).isLessThanOrEqualTo(200);
        long preambleEnd = JSON.readTree(check.out()).get("preambles").get(0).get("end").asLong();
        assertThat(preambleEnd).isEqualTo(93892);
        assertThat(region.get("end").asLong()).isLessThanOrEqualTo(preambleEnd);
        // Export stops at the damaged preamble; with --salvage its intact keys come first, then all 173 commands.
        CliRunner.Result stopped = CliRunner.run("export", aof.toString());
        assertThat(stopped.exitCode()).isEqualTo(1);
        assertThat(stopped.out()).isEmpty();
        CliRunner.Result export = CliRunner.run("export", aof.toString(), "--salvage");
        assertThat(export.exitCode()).isEqualTo(1);
        assertThat(export.out().lines().filter(l -> l.contains("\"argv\"")).count()).isEqualTo(173);
        assertThat(export.out().lines().filter(l -> l.startsWith("{\"db\"")).count()).isGreaterThan(300);
    }
}
