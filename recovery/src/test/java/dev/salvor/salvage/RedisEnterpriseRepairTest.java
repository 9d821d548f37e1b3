package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.fixtures.ServerBinaries;

import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis Enterprise file (librdb's test dump, a RAM LRU record 107 before each key) is repaired
 * into one that Redis 7.4, which writes the same RDB version but knows no opcode 107, loads with
 * every key: the Enterprise-only records belong to no key and stay out of the repaired file.
 */
class RedisEnterpriseRepairTest {
    @TempDir
    Path dir;

    @Test
    void theRepairedFileLoadsInRedis74() throws Exception {
        Path ent = Fixtures.resolve("producers/redis-enterprise/redis_ent_opcode_ram_lru.rdb");
        Path out = Files.createDirectories(dir.resolve("server")).resolve("dump.rdb");
        SalvageReport report;
        try (FileChannel in = FileChannel.open(ent); OutputStream o = Files.newOutputStream(out)) {
            report = RdbSalvager.salvage(ent, new RepairWriter(in, o), null);
        }
        assertThat(report.regions()).isEmpty();
        String binary = ServerBinaries.binaryFor("redis-7.4");
        try (RedisServer redis = RedisServer.startBinary(binary, dir.resolve("server"), null, "--dbfilename", "dump.rdb")) {
            assertThat(new String((byte[]) redis.call("GET", "a"), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("b");
            assertThat(new String((byte[]) redis.call("GET", "e"), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("f");
            assertThat(new String((byte[]) redis.call("GET", "c"), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("d");
            assertThat(redis.call("DBSIZE")).isEqualTo(3L);
        }
    }
}
