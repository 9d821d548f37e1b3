package dev.salvor.inspect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbReader;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The inspector reads each value by its framing only, yet knows every key's type, encoding and module. */
class RdbInspectorTest {
    @Test
    void moduleKeysAreCountedFromTheirHeader() throws IOException {
        try (RdbReader r = RdbReader.open(Fixtures.resolve("peer/librdb-module.rdb"))) {
            Inspection in = RdbInspector.inspect(r, null);
            assertThat(in.error()).isNull();
            assertThat(in.keysByType()).containsEntry("module", 1L);
            assertThat(in.modules()).containsEntry("test__rdb", 1L);
        }
    }

    @Test
    void countsAndChecksumOfARealFile() throws IOException {
        try (RdbReader r = RdbReader.open(Fixtures.resolve("rdb/redis-7.0/dataset.rdb"))) {
            Inspection in = RdbInspector.inspect(r, null);
            assertThat(in.error()).isNull();
            assertThat(in.checksum()).isEqualTo(ChecksumStatus.OK);
            long byDb = in.databases().values().stream().mapToLong(Inspection.DbStats::keys).sum();
            long byType = in.keysByType().values().stream().mapToLong(Long::longValue).sum();
            assertThat(in.keys()).isPositive().isEqualTo(byDb).isEqualTo(byType);
            assertThat(in.auxFields()).extracting(Map.Entry::getKey).contains("redis-ver");
        }
    }
}
