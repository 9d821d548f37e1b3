package dev.salvor.aof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

class AofSegmentTest {
    @TempDir
    Path tmp;

    @Test
    void openNeverFollowsALinkAndOpensOnlyRegularFiles() throws Exception {
        Path real = Files.writeString(tmp.resolve("real.aof"), "*1\r\n$4\r\nPING\r\n");
        Path link = Files.createSymbolicLink(tmp.resolve("link.aof"), real);
        // The refusal is in the open itself (O_NOFOLLOW), so no check can be raced.
        assertThatThrownBy(() -> AofSegment.open(link)).isInstanceOf(AofFormatException.class).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> AofSegment.open(tmp)).isInstanceOf(java.io.IOException.class);
        try (FileChannel ch = AofSegment.open(real)) {
            assertThat(ch.size()).isEqualTo(Files.size(real));
        }
    }
}
