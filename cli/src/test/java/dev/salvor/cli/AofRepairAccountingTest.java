package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What AOF check and repair say they lost, left out and would cut (10.3, 10.4, 10.9, 13.10), on
 * real AOFs, against a minimal RESP parse of the original and against redis-check-aof itself.
 */
class AofRepairAccountingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A command of an intact AOF: [start, end), its name, and whether it is inside MULTI ... EXEC. */
    record Cmd(int start, int end, String name, boolean inTx) {
    }

    /** Commands of an intact AOF, parsed without Salvor. */
    static List<Cmd> commands(byte[] aof) {
        List<Cmd> out = new ArrayList<>();
        int p = 0;
        boolean tx = false;
        while (p < aof.length) {
            if (aof[p] == '#') {
                while (aof[p] != '\n') p++;
                p++;
                continue;
            }
            int start = p;
            int eol = lineEnd(aof, p);
            int argc = Integer.parseInt(new String(aof, p + 1, eol - p - 1, StandardCharsets.US_ASCII));
            p = eol + 2;
            String name = null;
            for (int i = 0; i < argc; i++) {
                eol = lineEnd(aof, p);
                int len = Integer.parseInt(new String(aof, p + 1, eol - p - 1, StandardCharsets.US_ASCII));
                p = eol + 2;
                if (i == 0) name = new String(aof, p, len, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
                p += len + 2;
            }
            if (name.equals("multi")) tx = true;
            out.add(new Cmd(start, p, name, tx));
            if (name.equals("exec")) tx = false;
        }
        return out;
    }

    private static int lineEnd(byte[] b, int p) {
        while (b[p] != '\r') p++;
        return p;
    }

    private static long line(byte[] b, long offset) {
        long n = 1;
        for (int i = 0; i < offset; i++) if (b[i] == '\n') n++;
        return n;
    }

    @Test
    void damagedCommandIsCountedAndTextHasNoJavaToString() throws Exception {
        byte[] bytes = Files.readAllBytes(Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof"));
        List<Cmd> cmds = commands(bytes);
        Cmd xadd = cmds.stream().filter(c -> c.name().equals("xadd") && !c.inTx()).skip(2).findFirst().orElseThrow();
        // Garbage over the end of one XADD (its last payload and CRLF): its framing breaks there.
        byte[] damaged = bytes.clone();
        Arrays.fill(damaged, xadd.end() - 12, xadd.end(), (byte) 'Z');
        Path aof = tmp.resolve("garbage.aof");
        Files.write(aof, damaged);

        CliRunner.Result check = CliRunner.run("check", aof.toString(), "--json");
        assertThat(check.exitCode()).isEqualTo(1);
        JsonNode r = JSON.readTree(check.out());
        assertThat(r.get("commands_read").asLong()).isEqualTo(cmds.size() - 1);
        assertThat(r.get("commands_damaged_at_least").asLong()).isEqualTo(1);
        assertThat(r.get("regions").get(0).get("start").asLong()).isEqualTo(xadd.start());
        assertThat(r.get("regions").get(0).get("commands_damaged").asLong()).isEqualTo(1);

        Path out = tmp.resolve("out/repaired.aof");
        CliRunner.Result repair = CliRunner.run("repair", aof.toString(), "-o", out.toString(), "--drop", "flushdb");
        assertThat(repair.exitCode()).isEqualTo(1);
        assertThat(repair.out()).contains("at least 1 more command damaged");
        assertThat(repair.out()).doesNotContainPattern("\\{\\w+=\\d+\\}");
        long flushes = cmds.stream().filter(c -> c.name().equals("flushdb")).count();
        assertThat(flushes).isPositive();
        assertThat(repair.out()).contains("left out by --drop: " + flushes + " FLUSHDB");
    }

    @Test
    void dropListsEveryRemovalWithFileOffsetLineAndTime() throws Exception {
        Path dir = tmp.resolve("appendonlydir");
        copy(Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir"), dir);
        Path out = tmp.resolve("out/appendonlydir");
        CliRunner.Result r = CliRunner.run("repair", dir.toString(), "-o", out.toString(), "--drop", "FLUSHALL,FLUSHDB", "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        JsonNode report = JSON.readTree(r.out());
        JsonNode dropped = report.get("dropped_commands");
        int expected = 0;
        for (String f : List.of("appendonly.aof.2.incr.aof", "appendonly.aof.3.incr.aof")) {
            expected += (int) commands(Files.readAllBytes(dir.resolve(f))).stream().filter(c -> c.name().startsWith("flush")).count();
        }
        assertThat(dropped).hasSize(expected);
        long baseTs = Long.parseLong(new String(Files.readAllBytes(dir.resolve("appendonly.aof.2.base.aof")), 4, 10, StandardCharsets.US_ASCII)) * 1000;
        for (JsonNode d : dropped) {
            byte[] file = Files.readAllBytes(dir.resolve(d.get("file").asText()));
            int at = d.get("offset").asInt();
            Cmd c = commands(file).stream().filter(x -> x.start() == at).findFirst().orElseThrow();
            assertThat(c.name()).isEqualTo(d.get("command").asText());
            assertThat(d.get("line").asLong()).isEqualTo(line(file, at));
            // The latest #TS: before it is the base's (the incr files of this server have none).
            assertThat(d.get("time_ms").asLong()).isEqualTo(baseTs);
        }
        int byName = 0;
        for (JsonNode n : report.get("dropped_by_name")) byName += n.asInt();
        assertThat(byName).isEqualTo(expected);
    }

    @Test
    void untilWithoutTimestampsOrBeforeTheFirstIsRefusedAndWritesNothing() throws Exception {
        Path plain = tmp.resolve("plain.aof");
        Files.copy(Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof"), plain);
        Path out = tmp.resolve("out/a.aof");
        CliRunner.Result r = CliRunner.run("repair", plain.toString(), "-o", out.toString(), "--until", "1000");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no #TS: annotation").contains("aof-timestamp-enabled");
        assertThat(out).doesNotExist();

        // The first annotation of this AOF opens its base: a TIME before it leaves nothing.
        Path dir = tmp.resolve("appendonlydir");
        copy(Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir"), dir);
        Path cut = tmp.resolve("out/cut");
        r = CliRunner.run("repair", dir.toString(), "-o", cut.toString(), "--until", "1000000000");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("nothing before it would be kept");
        assertThat(cut).doesNotExist();
        // redis-check-aof --truncate-to-timestamp refuses the same cut.
        Process p = new ProcessBuilder("redis-check-aof", "--truncate-to-timestamp", "1000000000", dir.resolve("appendonly.aof.manifest").toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(log).contains("has nothing before timestamp");
    }

    @Test
    void dropOfWhatIsNotAWriteCommandIsAUsageError() throws Exception {
        Path plain = tmp.resolve("plain.aof");
        Files.copy(Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof"), plain);
        for (String name : List.of("GET", "select", "MULTI", "exec", "DISCARD", "nosuchcommand")) {
            Path out = tmp.resolve("out-" + name + "/a.aof");
            CliRunner.Result r = CliRunner.run("repair", plain.toString(), "-o", out.toString(), "--drop", name);
            assertThat(r.exitCode()).as(name).isEqualTo(2);
            assertThat(r.err()).contains("--drop " + name);
            assertThat(out).doesNotExist();
        }
        assertThat(CliRunner.run("repair", plain.toString(), "-o", tmp.resolve("ok/a.aof").toString(), "--drop", "del,json.set").exitCode()).isEqualTo(0);
    }

    /** 10.9 and 13.10: where a truncation must cut when the damage is inside a transaction, as redis-check-aof says. */
    @Test
    void okUpToIsBeforeTheMultiOfACutTransactionAsRedisCheckAofSays() throws Exception {
        byte[] bytes = Files.readAllBytes(Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof"));
        List<Cmd> cmds = commands(bytes);
        Cmd multi = cmds.stream().filter(c -> c.name().equals("multi")).reduce((a, b) -> b).orElseThrow();
        Cmd inside = cmds.get(cmds.indexOf(multi) + 1);
        Cmd exec = cmds.stream().filter(c -> c.name().equals("exec") && c.start() > multi.start()).findFirst().orElseThrow();

        // Cut inside the transaction's second command; then cut right before its EXEC.
        for (int cutAt : new int[] {inside.end() + 5, exec.start()}) {
            Path aof = tmp.resolve("cut-" + cutAt + ".aof");
            Files.write(aof, Arrays.copyOf(bytes, cutAt));
            CliRunner.Result r = CliRunner.run("check", aof.toString(), "--json");
            assertThat(r.exitCode()).isEqualTo(1);
            JsonNode report = JSON.readTree(r.out());
            assertThat(report.get("ok_up_to").asLong()).isEqualTo(multi.start());
            assertThat(report.get("ok_up_to_line").asLong()).isEqualTo(line(bytes, multi.start()));
            assertThat(report.get("regions").get(0).get("truncated_tail").asBoolean()).as("a cut-off tail, not damage in the middle").isTrue();
            assertThat(theirOkUpTo(aof)).isEqualTo(multi.start());
            String text = CliRunner.run("check", aof.toString()).out();
            assertThat(text).contains("truncated tail").doesNotContain("damage in the middle");
            if (cutAt == exec.start()) assertThat(text).contains("unterminated MULTI").contains("has no EXEC");
        }
    }

    private static long theirOkUpTo(Path aof) throws Exception {
        Process p = new ProcessBuilder("redis-check-aof", aof.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("ok_up_to=(\\d+)").matcher(log);
        assertThat(m.find()).as(log).isTrue();
        return Long.parseLong(m.group(1));
    }

    static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.toList()) Files.copy(p, to.resolve(p.getFileName().toString()));
        }
    }
}
