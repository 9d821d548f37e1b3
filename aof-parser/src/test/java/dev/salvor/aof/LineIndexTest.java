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
        // Every byte value occurs (LF's neighbours 0x0b, 0x09, 0x8a and 0x00 too), LF about one in 40.
        for (int i = 0; i < b.length; i++) b[i] = rnd.nextInt(40) == 0 ? (byte) '\n' : (byte) rnd.nextInt(256);
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

    @Test
    void lfBytesAreCountedExactlyAtEveryLengthAndAlignment() {
        Random rnd = new Random(5);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[rnd.nextInt(70)];
            byte[] pool = {'\n', '\n', 0x0b, 0x09, (byte) 0x8a, 0, (byte) 0xff, 0x7f, (byte) 0x80, 'x'};
            for (int i = 0; i < b.length; i++) b[i] = pool[rnd.nextInt(pool.length)];
            int n = b.length == 0 ? 0 : rnd.nextInt(b.length + 1);
            long expected = 0;
            for (int i = 0; i < n; i++) expected += b[i] == '\n' ? 1 : 0;
            assertThat(LineIndex.countLf(b, n)).as("round %d", round).isEqualTo(expected);
        }
    }
}
