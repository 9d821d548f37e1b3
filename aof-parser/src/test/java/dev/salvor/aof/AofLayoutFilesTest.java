package dev.salvor.aof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** The files an AOF input consists of, which no output may touch. */
class AofLayoutFilesTest {
    @Test
    void aMultiPartAofIsItsDirectoryManifestAndEveryFileItLists() throws Exception {
        Path dir = Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir");
        assertThat(AofLayout.of(dir).files()).contains(dir, dir.resolve("appendonly.aof.manifest"), dir.resolve("appendonly.aof.2.base.aof"),
                dir.resolve("appendonly.aof.2.incr.aof"), dir.resolve("appendonly.aof.3.incr.aof"));
        // Named by its manifest, the same files.
        assertThat(AofLayout.of(dir.resolve("appendonly.aof.manifest")).files()).containsAll(AofLayout.of(dir).files());
    }

    @Test
    void aSingleFileAofIsItself() throws Exception {
        Path aof = Fixtures.resolve("aof/redis-6.2/aof-preamble/appendonly.aof");
        assertThat(AofLayout.of(aof).files()).containsOnly(aof);
    }
}
