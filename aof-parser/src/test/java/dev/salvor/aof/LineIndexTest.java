package dev.salvor.aof;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lines are counted once per file however many offsets are asked (11.15): asking for the line of
 * a thousand offsets in file order reads the file about once, and every answer is the number of
 * LF bytes before the offset plus one.
 */
class LineIndexTest {
    @TempDir
    Path tmp;

    @Test
    void linesInFileOrderCostOnePassAndAreExact() throws Exception {
        byte[] b = new byte[12 << 20];
        Random rnd = new Random(3);
        for (int i = 0; i < b.length; i++) b[i] = rnd.nextInt(40) == 0 ? (byte) '\n' : (byte) 'x';
        Path f = tmp.resolve("lines.aof");
        Files.write(f, b);
        long[] prefix = new long[b.length + 1];
        for (int i = 0; i < b.length; i++) prefix[i + 1] = prefix[i] + (b[i] == '\n' ? 1 : 0);

        LineIndex lines = new LineIndex(f);
        for (int k = 1; k <= 1000; k++) {
            long offset = (long) b.length * k / 1001;
            assertThat(lines.lineAt(offset)).isEqualTo(prefix[(int) offset] + 1);
        }
        assertThat(lines.bytesCounted()).as("about one pass, not one per offset").isLessThanOrEqualTo(b.length + (1L << 20));
        // Going back costs at most the distance from the checkpoint before it.
        long before = lines.bytesCounted();
        assertThat(lines.lineAt(b.length / 3 + 12345)).isEqualTo(prefix[b.length / 3 + 12345] + 1);
        assertThat(lines.bytesCounted() - before).isLessThanOrEqualTo(1L << 20);
        assertThat(lines.lineAt(0)).isEqualTo(1);
    }
}
