package dev.salvor.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Positioned reads and copies: what each does where the file ends. */
class FileRangesTest {
    @TempDir
    Path tmp;

    @Test
    void readStopsAtTheEndReadFullyAndCopyFailThere() throws Exception {
        byte[] data = new byte[3_000_000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 7);
        Path f = tmp.resolve("f");
        Files.write(f, data);
        try (FileChannel ch = FileChannel.open(f)) {
            byte[] b = new byte[10];
            assertThat(FileRanges.read(ch, data.length - 4, b, 3, 7)).isEqualTo(4);
            assertThat(b[3]).isEqualTo(data[data.length - 4]);
            FileRanges.readFully(ch, 100, b, 0, 10);
            assertThat(b[9]).isEqualTo(data[109]);
            assertThatThrownBy(() -> FileRanges.readFully(ch, data.length - 2, new byte[5], 0, 5)).isInstanceOf(EOFException.class)
                    .hasMessageContaining("ends at byte offset " + data.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            FileRanges.copy(ch, 5, data.length, out);
            assertThat(out.size()).isEqualTo(data.length - 5);
            assertThat(out.toByteArray()[2_500_000]).isEqualTo(data[2_500_005]);
            ByteArrayOutputStream partial = new ByteArrayOutputStream();
            assertThatThrownBy(() -> FileRanges.copy(ch, data.length - 10, data.length + 10, partial)).isInstanceOf(EOFException.class);
            assertThat(partial.size()).isEqualTo(10);
            assertThat(ch.position()).isZero();
        }
    }
}
