package dev.salvor.repair;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofManifest;
import dev.salvor.aof.AofPreamble;
import dev.salvor.aof.AofSegment;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.RepairWriter;
import dev.salvor.salvage.SalvageReport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code repair} of an AOF whose RDB preamble or base is damaged salvages it with the RDB salvager
 * (10.1). On an AOF a real redis-server wrote (RDB base by BGREWRITEAOF, then commands), damaged
 * in the RDB part, it proves with oracles that do not use Salvor's parser: every key whose record
 * the damage did not touch (located through the server's own DUMP payloads) comes back with the
 * server's own value, none is invented, the keys are those {@code salvage} recovers from the same
 * bytes, the commands after the RDB part are all kept, and a real server loading the repaired AOF
 * holds exactly the recovered keys with the original commands replayed on them.
 */
class AofPreambleRepairTest {
    @TempDir
    static Path work;

    static LiveAof.Written written;

    @BeforeAll
    static void writeAof() throws IOException {
        written = LiveAof.write(work.resolve("live"));
    }

    /** Where the damage falls in the base: a page in the middle, the header page, the page holding the RDB end. */
    static Stream<Arguments> damages() {
        return Stream.of(Arguments.of("multipart", "middle"), Arguments.of("multipart", "header"), Arguments.of("multipart", "end"),
                Arguments.of("single", "middle"), Arguments.of("single", "header"), Arguments.of("single", "end"));
    }

    @ParameterizedTest(name = "{0}: zeroed page at the {1} of the RDB part")
    @MethodSource("damages")
    void damagedRdbPartIsSalvagedAndTheCommandsAfterItKept(String layout, String where, @TempDir Path tmp) throws Exception {
        byte[] base = Files.readAllBytes(written.base());
        byte[] incr = Files.readAllBytes(written.incr());
        int page = switch (where) {
            case "header" -> 0;
            case "end" -> (base.length - 4) / 4096 * 4096;
            default -> base.length / 2 / 4096 * 4096;
        };
        int pageEnd = Math.min(base.length, page + 4096);
        byte[] damagedBase = base.clone();
        Arrays.fill(damagedBase, page, pageEnd, (byte) 0);

        // The input: the server's directory, or its base and incr file as one AOF with a preamble
        // (the layout of Redis 4 to 6).
        Path input;
        if (layout.equals("multipart")) {
            input = tmp.resolve("in/appendonlydir");
            AofRepairerTest.copyTree(written.dir(), input);
            Files.write(input.resolve(written.base().getFileName().toString()), damagedBase);
        } else {
            input = tmp.resolve("in/appendonly.aof");
            Files.createDirectories(input.getParent());
            byte[] single = Arrays.copyOf(damagedBase, base.length + incr.length);
            System.arraycopy(incr, 0, single, base.length, incr.length);
            Files.write(input, single);
        }
        AofLayout aof = AofLayout.of(input);
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        AofRepairReport report = new AofRepairer(aof, seg -> Files.newOutputStream(out.resolve(seg.name())), false, -1, Set.of()).run();
        if (aof.multiPart()) Files.write(out.resolve(aof.manifestName()), AofManifest.format(aof.segments()));

        // The report names the damage in the RDB part, and the RDB part's keys.
        assertThat(report.clean()).isFalse();
        assertThat(report.preambles()).hasSize(1);
        AofRepairReport.Preamble preamble = report.preambles().get(0);
        assertThat(preamble.damaged()).isTrue();
        assertThat(preamble.end()).as("the RDB part's true end").isEqualTo(base.length);
        assertThat(report.regions()).isNotEmpty();
        assertThat(report.regions().get(0).start()).isLessThanOrEqualTo(page);
        for (AofRegion r : report.regions()) assertThat(r.end()).as("no region runs into the commands").isLessThanOrEqualTo(base.length);

        // Every command after the RDB part is kept: counted without Salvor's reader.
        List<byte[][]> commands = LiveAof.commands(incr, 0);
        assertThat(report.commandsRead()).isEqualTo(commands.size());
        assertThat(report.commandsKept()).isEqualTo(commands.size());

        // The repaired RDB part is a valid RDB of the same version that a real server loads.
        Path repairedFirst = out.resolve(aof.segments().get(0).name());
        byte[] repairedRdb = rdbPart(repairedFirst);
        assertThat(repairedRdb.length).as("never a 0-byte base").isGreaterThan(9);
        assertThat(new String(repairedRdb, 0, 9, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo(new String(base, 0, 9, java.nio.charset.StandardCharsets.US_ASCII));
        Map<String, LiveAof.Dump> recovered = load(repairedRdb, tmp.resolve("recovered"));
        assertThat((long) recovered.size()).isEqualTo(preamble.keys());

        // The oracle: keys whose records lie wholly outside the damage, located by their DUMP payloads.
        Set<String> untouched = new HashSet<>();
        for (Map.Entry<String, LiveAof.Dump> e : written.baseDataset().entrySet()) {
            long[] at = LiveAof.locate(base, e.getValue());
            if (at != null && (at[1] <= page || at[0] >= pageEnd)) untouched.add(e.getKey());
        }
        assertThat(untouched.size()).as("most keys lie outside one page").isGreaterThan(written.baseDataset().size() / 2);
        assertThat(written.baseDataset().keySet()).as("no key invented").containsAll(recovered.keySet());
        // Every untouched key comes back with its value and expiry; one the RDB salvager's rules
        // did not take back is named lost, or at least lies in a reported region (so its bytes
        // are in the quarantine), never skipped without a word.
        Set<String> named = new HashSet<>();
        for (byte[] k : preamble.salvage().lostKeys()) named.add(new String(k, java.nio.charset.StandardCharsets.ISO_8859_1));
        for (String k : untouched) {
            LiveAof.Dump want = written.baseDataset().get(k);
            if (!recovered.containsKey(k)) {
                long[] at = LiveAof.locate(base, want);
                boolean inRegion = report.regions().stream().anyMatch(r -> r.start() <= at[0] && at[1] <= r.end());
                assertThat(named.contains(new String(want.key(), java.nio.charset.StandardCharsets.ISO_8859_1)) || inRegion)
                        .as("untouched key %s at %s is recovered, named lost or in a reported region %s", want, Arrays.toString(at), report.regions()).isTrue();
                continue;
            }
            assertThat(recovered.get(k)).as("untouched key %s keeps its value and expiry", want).isEqualTo(want);
        }

        // Same rules as `salvage`: the RDB salvager on the same bytes alone recovers the same keys.
        Path alone = tmp.resolve("alone.rdb");
        Files.write(alone, damagedBase);
        Path salvaged = tmp.resolve("salvaged.rdb");
        SalvageReport salvage;
        try (FileChannel in = FileChannel.open(alone); OutputStream o = Files.newOutputStream(salvaged)) {
            salvage = RdbSalvager.salvage(alone, new RepairWriter(in, o), null);
        }
        assertThat(load(Files.readAllBytes(salvaged), tmp.resolve("salvage")).keySet()).isEqualTo(recovered.keySet());
        assertThat(preamble.salvage().keysLost()).isEqualTo(salvage.keysLost());
        assertThat(preamble.salvage().regions().size()).isEqualTo(salvage.regions().size());

        // A real server loads the repaired AOF and holds the recovered keys with the original
        // commands replayed on them.
        Map<String, LiveAof.Dump> loaded;
        Path serverDir = tmp.resolve("server");
        if (aof.multiPart()) {
            AofRepairerTest.copyTree(out, serverDir.resolve("appendonlydir"));
            try (RedisServer redis = RedisServer.start(serverDir, "--rdbcompression", "no", "--appendonly", "yes", "--appenddirname", "appendonlydir",
                    "--appendfilename", "appendonly.aof")) {
                loaded = LiveAof.dataset(redis);
            }
        } else {
            Files.createDirectories(serverDir);
            Files.copy(repairedFirst, serverDir.resolve("appendonly.aof"));
            try (RedisServer redis = RedisServer.start(serverDir, "--rdbcompression", "no", "--appendonly", "yes", "--appendfilename", "appendonly.aof")) {
                loaded = LiveAof.dataset(redis);
            }
        }
        Map<String, LiveAof.Dump> expected;
        Path replay = tmp.resolve("replay");
        Files.createDirectories(replay);
        Files.write(replay.resolve("dump.rdb"), repairedRdb);
        try (RedisServer redis = RedisServer.start(replay, "--rdbcompression", "no")) {
            for (byte[][] argv : commands) {
                Object r = redis.command((Object[]) argv);
                assertThat(r).isNotInstanceOf(RedisServer.Error.class);
            }
            expected = LiveAof.dataset(redis);
        }
        assertThat(loaded).isEqualTo(expected);
    }

    /** The RDB part of a file: all of a base, the preamble of a single-file AOF. */
    private static byte[] rdbPart(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        AofPreamble p = AofPreamble.measure(file);
        assertThat(p).isNotNull();
        assertThat(p.damaged()).as("the repaired RDB part reads whole").isFalse();
        return Arrays.copyOf(all, (int) p.end());
    }

    /** The keys a real server holds after loading {@code rdb} as its dump. */
    private static Map<String, LiveAof.Dump> load(byte[] rdb, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("dump.rdb"), rdb);
        // The same setting as the server that wrote the file: DUMP payloads are then byte-identical.
        try (RedisServer redis = RedisServer.start(dir, "--rdbcompression", "no")) {
            return LiveAof.dataset(redis);
        }
    }

    /** The layout of Redis 4 to 6 as Redis 6.2 wrote it: a damaged preamble keeps the 173 commands after it. */
    @Test
    void redis62PreambleAofKeepsItsCommands(@TempDir Path tmp) throws Exception {
        Path src = Fixtures.resolve("aof/redis-6.2/aof-preamble/appendonly.aof");
        byte[] bytes = Files.readAllBytes(src);
        long end = AofPreamble.measure(src).end();
        int commands = LiveAof.commands(bytes, (int) end).size();
        byte[] damaged = bytes.clone();
        Arrays.fill(damaged, 20 * 4096, 21 * 4096, (byte) 0);
        Path in = tmp.resolve("pre.aof");
        Files.write(in, damaged);
        Path out = tmp.resolve("out.aof");
        AofRepairReport report;
        try (OutputStream o = Files.newOutputStream(out)) {
            report = new AofRepairer(AofLayout.of(in), seg -> o, false, -1, Set.of()).run();
        }
        assertThat(report.preambles().get(0).end()).isEqualTo(end);
        assertThat(report.commandsKept()).isEqualTo(commands);
        assertThat(report.preambleKeys()).isGreaterThan(300);
        for (AofRegion r : report.regions()) assertThat(r.end()).isLessThanOrEqualTo(end);
        // A real server loads it: it holds the original's keys but the ones the report says are lost.
        Set<String> original = serverKeys(src, tmp.resolve("original"));
        Set<String> repaired = serverKeys(out, tmp.resolve("repaired"));
        assertThat(original).containsAll(repaired);
        assertThat((long) original.size() - repaired.size()).isBetween(1L, report.preambles().get(0).salvage().keysLost());
    }

    private static Set<String> serverKeys(Path aof, Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.copy(aof, dir.resolve("appendonly.aof"));
        try (RedisServer redis = RedisServer.start(dir, "--appendonly", "yes", "--appendfilename", "appendonly.aof")) {
            return LiveAof.dataset(redis).keySet();
        }
    }
}
