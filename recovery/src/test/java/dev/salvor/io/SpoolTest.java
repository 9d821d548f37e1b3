package dev.salvor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

class SpoolTest {
    @TempDir
    Path tmp;

    private long entries() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.count();
        }
    }

    @Test
    void aCopyStopsShortOfFillingTheFileSystem() throws Exception {
        long free = Files.getFileStore(tmp).getUsableSpace();
        // A reserve larger than what is free: the first chunk is refused, and nothing is left.
        try (Spool spool = new Spool(tmp, Long.MAX_VALUE, free + (1L << 30), null)) {
            assertThatThrownBy(() -> spool.copy(new ByteArrayInputStream(new byte[4096]), "in.gz", -1))
                    .isInstanceOf(InputException.class).hasMessageContaining("free").hasMessageContaining("--temp-dir");
            assertThat(entries()).isZero();
        }
        try (Spool spool = new Spool(tmp, Long.MAX_VALUE, 0, null)) {
            Path p = spool.copy(new ByteArrayInputStream(new byte[4096]), "in.gz", -1);
            assertThat(Files.size(p)).isEqualTo(4096);
            assertThat(p.getFileName().toString()).startsWith(TempFiles.prefix());
        }
        assertThat(entries()).isZero();
    }

    @Test
    void aCopyNeverRecreatesATemporaryTheShutdownHookRemoved() throws Exception {
        // SIGTERM runs TempFiles' hook while the copying thread still runs: the file it removed
        // must stay removed (the copy fails), not be made again by the copy's open.
        try (Spool spool = new Spool(tmp, Long.MAX_VALUE, null)) {
            Path made = spool.newFile("", ".bin");
            Files.delete(made);
            assertThatThrownBy(() -> spool.copyTo(new ByteArrayInputStream(new byte[100]), "stdin", made))
                    .isInstanceOf(java.nio.file.NoSuchFileException.class);
            assertThat(made).doesNotExist();
            Path inDir = spool.newDirectory("seg").resolve("a.aof");
            assertThat(spool.copyTo(new ByteArrayInputStream(new byte[100]), "stdin", inDir)).hasSize(100);
        }
    }

    @Test
    void aKnownSizeOverTheLimitIsRefusedBeforeCopying() throws Exception {
        try (Spool spool = new Spool(tmp, 1000, null)) {
            assertThatThrownBy(() -> spool.copy(new ByteArrayInputStream(new byte[10]), "big.tar", 5000)).hasMessageContaining("--temp-limit");
            assertThat(entries()).isZero();
        }
    }
}
