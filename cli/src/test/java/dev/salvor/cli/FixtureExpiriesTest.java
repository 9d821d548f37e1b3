package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.fixtures.ServerBinaries;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The fixtures from the shared corpus carry expiries from 2030-01-01 (2031 for the cluster file),
 * so a test that loads one into a server would start to fail then. Here a server whose clock runs
 * six years ahead (libfaketime) loads the 7.0 fixture: it drops the expired keys, and a diff of the
 * file against it still finds the two identical, the dropped keys counted apart, one for each key
 * of the live-server truth whose expiry the server's clock has passed.
 */
class FixtureExpiriesTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");
    private static final Path TRUTH = Fixtures.resolve("rdb/redis-7.0/dataset.expected.ndjson");

    @TempDir
    Path tmp;

    @Test
    void aDiffAgainstAServerLoadedAfterTheFixturesExpiriesStillMatches() throws Exception {
        Path lib = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
        boolean faketime = Files.exists(lib);
        if (!faketime && ServerBinaries.inCi()) throw new AssertionError(lib + " is missing (CI=true: .ci/run installs faketime)");
        Assumptions.assumeTrue(faketime, "libfaketime is not installed: the server clock cannot be moved");
        // libfaketime needs a server built with libc malloc (jemalloc reads the clock while it starts): the shared 7.2.
        Path real = ServerBinaries.require("redis-7.2");
        Path wrapper = tmp.resolve("redis-server-in-six-years");
        // Preloaded into the server process itself (the faketime command would fork: another pid than the one started).
        Files.writeString(wrapper, "#!/bin/sh\nLD_PRELOAD='" + lib + "' FAKETIME=+6y FAKETIME_DONT_FAKE_MONOTONIC=1 exec '" + real + "' \"$@\"\n");
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));

        Path dir = Files.createDirectories(tmp.resolve("server"));
        Files.copy(RDB, dir.resolve("dump.rdb"));
        try (RedisServer redis = RedisServer.startBinary(wrapper.toString(), dir, null, "--dbfilename", "dump.rdb")) {
            @SuppressWarnings("unchecked")
            List<byte[]> time = (List<byte[]>) redis.call("TIME");
            long serverNow = Long.parseLong(new String(time.get(0), StandardCharsets.US_ASCII)) * 1000;
            assertThat(serverNow).as("the server's clock is past the fixture's expiries").isGreaterThan(1924992000000L);

            long expired = 0, keys = 0;
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(TRUTH)) {
                if (line.isBlank()) continue;
                JsonNode k = json.readTree(line);
                if (!k.has("key")) continue;
                keys++;
                long at = k.path("expire_at_ms").asLong(-1);
                if (at >= 0 && at <= serverNow) expired++;
            }
            assertThat(expired).as("keys of the truth that have expired by the server's clock").isPositive();

            CliRunner.Result diff = CliRunner.run("diff", RDB.toString(), redis.url(), "--json");
            assertThat(diff.exitCode()).as(diff.out() + diff.err()).isZero();
            JsonNode summary = json.readTree(diff.out().lines().findFirst().orElseThrow());
            assertThat(summary.path("identical").asBoolean()).isTrue();
            assertThat(summary.path("keys_a").asLong()).isEqualTo(keys);
            assertThat(summary.path("by_kind").path("dropped_on_load").asLong()).isEqualTo(expired);
            assertThat(summary.path("keys_b").asLong()).isEqualTo(keys - expired);
        }
    }
}
