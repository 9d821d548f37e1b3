package dev.salvor.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofReader;
import dev.salvor.aof.AofSegment;
import dev.salvor.aof.AofToken;
import dev.salvor.export.ExportFormat;
import dev.salvor.export.KeySelector;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.export.Truth;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.rdb.RdbReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Damages real AOFs (single file, RDB preamble, multi-part) and proves, command by command
 * against the original, that repair keeps every command the damage did not touch and invents
 * none; compares with redis-check-aof --fix on the same files; and has redis-server load the
 * repaired output.
 */
class AofRepairerTest {
    @TempDir
    Path tmp;

    /** A command of the original: where it is and what it says. */
    record Cmd(String segment, long start, long end, long tx, List<String> argv) {
    }

    static List<Cmd> commands(Path aof) throws IOException {
        List<Cmd> out = new ArrayList<>();
        for (AofSegment s : AofLayout.of(aof).segments()) {
            try (AofReader r = AofReader.open(s.file(), s.name())) {
                AofToken t;
                while ((t = r.next()) != AofToken.END) {
                    if (t == AofToken.COMMAND) out.add(new Cmd(s.name(), r.start(), r.end(), r.txId(), argv(r.argv())));
                }
            }
        }
        return out;
    }

    static List<String> argv(byte[][] a) {
        List<String> l = new ArrayList<>();
        for (byte[] b : a) l.add(java.util.Base64.getEncoder().encodeToString(b));
        return l;
    }

    /** The layouts, with the file that gets damaged. */
    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("single", "aof/redis-6.2/aof-plain/appendonly.aof", "appendonly.aof"),
                Arguments.of("single+preamble", "aof/redis-6.2/aof-preamble/appendonly.aof", "appendonly.aof"),
                Arguments.of("multipart", "aof/redis-7.0/aof-multipart/appendonlydir", "appendonly.aof.2.base.aof"),
                Arguments.of("multipart+incr", "aof/redis-7.0/aof-plain/appendonlydir", "appendonly.aof.1.incr.aof"),
                Arguments.of("multipart+preamble", "aof/redis-7.0/aof-preamble/appendonlydir", "appendonly.aof.2.incr.aof"));
    }

    static Stream<Arguments> damages() {
        List<Arguments> out = new ArrayList<>();
        for (Arguments layout : layouts().toList()) {
            for (String damage : List.of("truncate", "flip", "zero-page", "insert", "delete")) {
                Object[] a = layout.get();
                out.add(Arguments.of(a[0], a[1], a[2], damage));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("damages")
    void repairKeepsEveryUntouchedCommandAndInventsNone(String layoutName, String fixture, String target, String damage) throws Exception {
        Path original = Fixtures.resolve(fixture);
        Path copy = tmp.resolve("in").resolve(original.getFileName());
        copyTree(original, copy);
        Path victim = Files.isDirectory(copy) ? copy.resolve(target) : copy;
        byte[] bytes = Files.readAllBytes(victim);
        List<Cmd> before = commands(copy);
        List<Cmd> inVictim = before.stream().filter(c -> c.segment().equals(victim.getFileName().toString())).toList();
        // Damage the command section (after any preamble), at a seeded position.
        long first = inVictim.get(0).start();
        Random rnd = new Random((layoutName + damage).hashCode());
        int at = (int) (first + rnd.nextInt((int) (bytes.length - first - 64)) + 1);
        long from = at, to = at;
        byte[] damaged;
        switch (damage) {
            case "truncate" -> {
                damaged = Arrays.copyOf(bytes, at);
                to = bytes.length;
            }
            case "flip" -> {
                // A flipped byte in a command's framing (its '*' or a length); a flip inside a
                // payload changes a value without breaking any structure, and an AOF has no
                // checksum to tell (see flippedPayloadByteIsInvisible).
                Cmd victimCmd = inVictim.get(inVictim.size() / 2 + rnd.nextInt(inVictim.size() / 3));
                at = (int) victimCmd.start() + (rnd.nextBoolean() ? 0 : 1);
                from = at;
                damaged = bytes.clone();
                damaged[at] = (byte) (damaged[at] == '*' ? '+' : 'x');
                to = at + 1;
            }
            case "zero-page" -> {
                damaged = bytes.clone();
                int page = Math.max((int) first, at / 4096 * 4096);
                int end = Math.min(damaged.length, page + 4096);
                Arrays.fill(damaged, page, end, (byte) 0);
                from = page;
                to = end;
            }
            case "insert" -> {
                byte[] garbage = new byte[300];
                rnd.nextBytes(garbage);
                damaged = new byte[bytes.length + garbage.length];
                System.arraycopy(bytes, 0, damaged, 0, at);
                System.arraycopy(garbage, 0, damaged, at, garbage.length);
                System.arraycopy(bytes, at, damaged, at + garbage.length, bytes.length - at);
            }
            default -> {
                int len = 40;
                damaged = new byte[bytes.length - len];
                System.arraycopy(bytes, 0, damaged, 0, at);
                System.arraycopy(bytes, at + len, damaged, at, bytes.length - at - len);
                to = at + len;
            }
        }
        Files.write(victim, damaged);

        // Commands the damage touched, and the transactions they belong to, may be lost.
        Set<Cmd> mayLose = new HashSet<>();
        Set<Long> brokenTx = new HashSet<>();
        for (Cmd c : inVictim) {
            boolean hit = from == to ? c.start() < from && from < c.end() : c.start() < to && from < c.end();
            if (hit || damage.equals("truncate") && c.end() > from) {
                mayLose.add(c);
                if (c.tx() > 0) brokenTx.add(c.tx());
            }
        }
        for (Cmd c : inVictim) if (c.tx() > 0 && brokenTx.contains(c.tx())) mayLose.add(c);

        AofLayout layout = AofLayout.of(copy);
        Path outDir = tmp.resolve("out");
        Files.createDirectories(outDir);
        AofRepairReport report = new AofRepairer(layout, seg -> Files.newOutputStream(outDir.resolve(seg.name())), false, -1, Set.of()).run();
        assertThat(report.clean()).as("the damage is reported").isFalse();
        for (AofRegion r : report.regions()) assertThat(r.start()).isBetween(0L, (long) damaged.length);

        // Read the repaired segments back, in order.
        List<List<String>> after = new ArrayList<>();
        for (AofSegment s : layout.segments()) {
            try (AofReader r = AofReader.open(outDir.resolve(s.name()), s.name())) {
                AofToken t;
                while ((t = r.next()) != AofToken.END) if (t == AofToken.COMMAND) after.add(argv(r.argv()));
            }
        }
        // Nothing invented: the repaired commands are an ordered subsequence of the original ones.
        int j = 0;
        for (List<String> cmd : after) {
            while (j < before.size() && !before.get(j).argv().equals(cmd)) j++;
            assertThat(j).as("repaired command %s comes from the original, in order", cmd).isLessThan(before.size());
            j++;
        }
        // Everything untouched is kept.
        List<List<String>> mustKeep = before.stream().filter(c -> !mayLose.contains(c)).map(Cmd::argv).toList();
        assertThat(after).as("every untouched command is kept").containsAll(mustKeep);
        assertThat(after.size()).isGreaterThanOrEqualTo(mustKeep.size());
    }

    @Test
    void flippedPayloadByteIsInvisibleAndNothingElseIsLost() throws Exception {
        Path original = Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof");
        List<Cmd> cmds = commands(original);
        Cmd set = cmds.stream().filter(c -> new String(java.util.Base64.getDecoder().decode(c.argv().get(0))).equalsIgnoreCase("set")).skip(10).findFirst().orElseThrow();
        byte[] bytes = Files.readAllBytes(original);
        bytes[(int) set.end() - 3] ^= 0x01; // last byte of the value
        Path in = tmp.resolve("flipped.aof");
        Files.write(in, bytes);
        AofRepairReport report = new AofRepairer(AofLayout.of(in), null, false, -1, Set.of()).run();
        assertThat(report.clean()).isTrue();
        assertThat(report.commandsKept()).isEqualTo(cmds.size());
    }

    @Test
    void keepsMoreThanRedisCheckAofFixWhenTheDamageIsInTheMiddle() throws Exception {
        Path original = Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof");
        byte[] bytes = Files.readAllBytes(original);
        for (int pos : new int[] {bytes.length / 5, bytes.length / 2, bytes.length * 4 / 5}) {
            byte[] damaged = bytes.clone();
            for (int k = 0; k < 16; k++) damaged[pos + k] = (byte) 0xfe;
            Path ours = tmp.resolve("ours-" + pos + ".aof");
            Path theirs = tmp.resolve("theirs-" + pos + ".aof");
            Files.write(ours, damaged);
            Files.write(theirs, damaged);
            Process p = new ProcessBuilder("redis-check-aof", "--fix", theirs.toString()).redirectErrorStream(true).start();
            p.getOutputStream().write("y\n".getBytes(StandardCharsets.US_ASCII));
            p.getOutputStream().close();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            long theirsKept = commands(theirs).size();

            Path repaired = tmp.resolve("repaired-" + pos + ".aof");
            AofLayout layout = AofLayout.of(ours);
            try (OutputStream out = Files.newOutputStream(repaired)) {
                new AofRepairer(layout, seg -> new java.io.FilterOutputStream(out) {
                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                }, false, -1, Set.of()).run();
            }
            long oursKept = commands(repaired).size();
            assertThat(oursKept).as("redis-check-aof --fix said: %s", log).isGreaterThan(theirsKept);
        }
    }

    @Test
    void redisLoadsARepairWhereNoCommandWasLostAndEndsWithTheExpectedDataset() throws Exception {
        Path original = Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof");
        List<Cmd> cmds = commands(original);
        byte[] bytes = Files.readAllBytes(original);
        // Garbage between two commands (outside any transaction): nothing is lost.
        Cmd boundary = cmds.stream().filter(c -> c.tx() == 0 && c.start() > bytes.length / 2).findFirst().orElseThrow();
        int at = (int) boundary.start();
        byte[] garbage = "$$$ this is not a command \u0000\u0001\u0002 *** \r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] damaged = new byte[bytes.length + garbage.length];
        System.arraycopy(bytes, 0, damaged, 0, at);
        System.arraycopy(garbage, 0, damaged, at, garbage.length);
        System.arraycopy(bytes, at, damaged, at + garbage.length, bytes.length - at);
        Path in = tmp.resolve("damaged.aof");
        Files.write(in, damaged);
        Path serverDir = tmp.resolve("server");
        Files.createDirectories(serverDir);
        AofRepairReport report;
        try (OutputStream out = Files.newOutputStream(serverDir.resolve("appendonly.aof"))) {
            report = new AofRepairer(AofLayout.of(in), seg -> new java.io.FilterOutputStream(out) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            }, false, -1, Set.of()).run();
        }
        assertThat(report.regions()).hasSize(1);
        assertThat(report.commandsKept()).isEqualTo(cmds.size());
        // redis-server replays the repaired AOF; its dataset must be the one the original produced.
        try (RedisServer redis = RedisServer.start(serverDir, "--appendonly", "yes", "--appendfilename", "appendonly.aof")) {
            Path dump = redis.save();
            ByteArrayOutputStream exported = new ByteArrayOutputStream();
            try (RdbReader r = RdbReader.open(dump); NdjsonExporter e = new NdjsonExporter(exported, ExportFormat.NDJSON, KeySelector.ALL, NdjsonExporter.NO_SORT)) {
                e.export(r);
            }
            Map<String, String> got = Truth.load(exported.toString(StandardCharsets.UTF_8));
            Map<String, String> expected = Truth.load(Fixtures.resolve("aof/redis-6.2/aof-plain/expected.ndjson"));
            assertThat(got).isEqualTo(expected);
        }
    }

    @Test
    void damagedManifestIsReportedNotFollowed() throws Exception {
        Path dir = tmp.resolve("appendonlydir");
        copyTree(Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir"), dir);
        Path manifest = dir.resolve("appendonly.aof.manifest");
        String good = Files.readString(manifest);
        List<String> intact = AofLayout.of(dir).segments().stream().map(AofSegment::name).toList();
        for (String bad : List.of(
                good + "file ../../etc/passwd seq 9 type i\n",
                good + "file /etc/passwd seq 9 type i\n",
                good + "file missing.aof seq 9 type i\n",
                good + good.lines().filter(l -> l.contains("type i")).findFirst().orElseThrow() + "\n",
                good.replace("type b", "type x"),
                good + "file\n",
                good + good.lines().filter(l -> l.contains("type b")).findFirst().orElseThrow().replace("appendonly.aof.2.base.aof", "appendonly.aof.3.incr.aof").replace("seq 2", "seq 5") + "\n")) {
            Files.writeString(manifest, bad);
            AofLayout layout = AofLayout.of(dir);
            assertThat(layout.problems()).as(bad).isNotEmpty();
            assertThat(layout.problems().toString()).doesNotContain("\n");
            assertThat(layout.rebuilt()).isTrue();
            for (AofSegment s : layout.segments()) assertThat(s.file().getParent()).isEqualTo(dir.toAbsolutePath());
            assertThat(layout.segments().stream().map(AofSegment::name)).doesNotContain("passwd");
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        if (Files.isDirectory(from)) {
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(from)) {
                for (Path p : files.toList()) Files.copy(p, to.resolve(p.getFileName().toString()));
            }
        } else {
            Files.createDirectories(to.getParent());
            Files.copy(from, to);
        }
    }
}
