package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.fixtures.ServerBinaries;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code diff --via replication} against each server's default replication configuration: since
 * Redis 7.0 that is a diskless transfer started after {@code repl-diskless-sync-delay} (5 s), during
 * which the master sends bare newlines before {@code +FULLRESYNC}; and the disk-backed transfer,
 * with newlines while the BGSAVE runs. Debian's 7.0 and every server of {@code ../shared/servers}.
 */
class ReplicationDiffTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");

    @TempDir
    Path tmp;

    static Stream<Arguments> servers() {
        List<Arguments> a = new ArrayList<>();
        List<String> names = new ArrayList<>();
        names.add("debian");
        names.addAll(ServerBinaries.NAMES);
        for (String n : names) {
            a.add(Arguments.of(n, true));
            a.add(Arguments.of(n, false));
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0}, diskless {1}")
    @MethodSource("servers")
    void replicationDiffOfTheLoadedBackupIsIdentical(String server, boolean diskless) throws Exception {
        String binary = server.equals("debian") ? RedisServer.binary() : ServerBinaries.require(server).toString();
        Path dir = tmp.resolve("server");
        Files.createDirectories(dir);
        Files.copy(RDB, dir.resolve("dump.rdb"));
        try (RedisServer redis = RedisServer.startBinary(binary, dir, null, "--dbfilename", "dump.rdb")) {
            if (diskless) {
                // The default configuration: the case this test is about.
                assertThat(config(redis, "repl-diskless-sync")).isEqualTo("yes");
                assertThat(Integer.parseInt(config(redis, "repl-diskless-sync-delay"))).isPositive();
            } else {
                redis.call("CONFIG", "SET", "repl-diskless-sync", "no");
            }
            CliRunner.Result r = CliRunner.run("diff", RDB.toString(), redis.url(), "--via", "replication");
            assertThat(r.exitCode()).as("%s %s: %s%s", server, redis.version(), r.out(), r.err()).isEqualTo(0);
            assertThat(r.out()).contains("identical").contains("replication://");
        }
    }

    private static String config(RedisServer redis, String name) throws Exception {
        List<?> reply = (List<?>) redis.call("CONFIG", "GET", name);
        return new String((byte[]) reply.get(1), StandardCharsets.UTF_8);
    }
}
