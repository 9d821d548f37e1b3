package dev.salvor.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.io.InputException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

/** An AOF's memory is its snapshot's: the RDB preamble of a single file, or a multi-part AOF's base, named as the AOF. */
class AofSnapshotTest {
    private static long keys(Path rdb) throws Exception {
        long n = 0;
        try (RdbReader r = RdbReader.open(rdb)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) n++;
                if (r.inValue()) r.skipValue();
            }
        }
        return n;
    }

    @Test
    void aMultiPartAofIsEstimatedFromItsBaseUnderItsOwnName() throws Exception {
        Path dir = Fixtures.resolve("aof/redis-7.0/aof-preamble/appendonlydir");
        AofSnapshot s = AofSnapshot.of(dir);
        assertThat(s.base().name()).isEqualTo("appendonly.aof.2.base.rdb");
        assertThat(s.incrementalFiles()).isEqualTo(1);
        assertThat(s.sizeBytes()).isEqualTo(Files.size(dir.resolve("appendonly.aof.2.base.rdb")));
        long[] seen = new long[1];
        MemoryReport r = new MemoryAnalyzer(MemoryOptions.defaults()).analyze(s, k -> seen[0]++, p -> { });
        assertThat(r.source()).isEqualTo(dir.toString());
        assertThat(r.totals().keys()).isEqualTo(keys(dir.resolve("appendonly.aof.2.base.rdb"))).isPositive().isEqualTo(seen[0]);
        assertThat(r.notes().get(0)).isEqualTo("AOF: the RDB preamble of appendonly.aof.2.base.rdb only; commands after it (and 1 incremental file) are not replayed");
    }

    @Test
    void aSingleFileAofIsEstimatedFromItsPreamble() throws Exception {
        Path aof = Fixtures.resolve("aof/redis-6.2/aof-preamble/appendonly.aof");
        AofSnapshot s = AofSnapshot.of(aof);
        assertThat(s.base().file()).isEqualTo(aof);
        assertThat(s.incrementalFiles()).isZero();
        MemoryReport r = new MemoryAnalyzer(MemoryOptions.defaults()).analyze(s, MemoryAnalyzer.NO_SINK, p -> { });
        assertThat(r.source()).isEqualTo(aof.toString());
        assertThat(r.totals().keys()).isPositive();
        assertThat(r.notes().get(0)).isEqualTo("AOF: the RDB preamble of appendonly.aof only; commands after it are not replayed");
    }

    @Test
    void anAofOfCommandsOnlyHasNoSnapshot() {
        Path dir = Fixtures.resolve("aof/redis-7.0/aof-plain/appendonlydir");
        assertThatThrownBy(() -> AofSnapshot.of(dir)).isInstanceOf(InputException.class)
                .hasMessage(dir + ": this AOF has no RDB preamble, only commands; its memory needs them replayed: "
                        + "load it in a server, SAVE, and run salvor memory on the snapshot");
    }
}
