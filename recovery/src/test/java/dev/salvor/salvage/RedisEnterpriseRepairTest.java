package dev.salvor.salvage;

import static dev.salvor.fixtures.Bytes.indexOf;
import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Redis Enterprise file (librdb's test dump, a RAM LRU record 107 before each key) is salvaged
 * without damage, and the repaired file holds each key's record byte for byte, its Enterprise
 * prefix included, for Redis Enterprise to load again.
 */
class RedisEnterpriseRepairTest {
    @TempDir
    Path dir;

    @Test
    void repairCopiesEachKeyWithItsEnterprisePrefix() throws Exception {
        Path ent = Fixtures.resolve("producers/redis-enterprise/redis_ent_opcode_ram_lru.rdb");
        Path out = dir.resolve("dump.rdb");
        SalvageReport report;
        try (FileChannel in = FileChannel.open(ent); OutputStream o = Files.newOutputStream(out)) {
            report = RdbSalvager.salvage(ent, new RepairWriter(in, o), null);
        }
        assertThat(report.regions()).isEmpty();
        byte[] original = Files.readAllBytes(ent);
        byte[] repaired = Files.readAllBytes(out);
        // The three key records (from the first 107 opcode at 0x118 to the EOF opcode at 0x12f), unchanged.
        byte[] keys = Arrays.copyOfRange(original, 0x118, 0x12f);
        assertThat(indexOf(repaired, keys)).isPositive();
        try (RdbReader r = RdbReader.open(out)) {
            RdbToken t;
            long n = 0;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    n++;
                    r.skipValue();
                }
            }
            assertThat(n).isEqualTo(3);
            assertThat(r.enterpriseRecords()).isEqualTo(3);
        }
    }

}
