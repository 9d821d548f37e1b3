package dev.salvor.format;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.rdb.Crc64;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The one sliding window of both parsers: offsets, marks, growth and shrinking, and a tap that sees each byte once. */
class ByteWindowTest {
    private static final Path FILE = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");

    @Test
    void aTapSeesEveryByteOnceSoTheServersChecksumComesOut() throws IOException {
        byte[] whole = Files.readAllBytes(FILE);
        // The server wrote the CRC64 of everything before it as the file's last 8 bytes (little-endian).
        long stored = ByteBuffer.wrap(whole, whole.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long[] crc = {0};
        try (FileChannel ch = FileChannel.open(FILE)) {
            ByteWindow w = ByteWindow.of(ch, 0, ch.size(), 64);
            w.tap((b, off, len) -> crc[0] = Crc64.update(crc[0], b, off, len));
            Random steps = new Random(7);
            long body = whole.length - 8;
            while (w.offset() < body) {
                int n = (int) Math.min(1 + steps.nextInt(300), body - w.offset());
                assertThat(w.request(n)).isTrue();
                // The window holds the file's bytes at their absolute offsets.
                assertThat(Arrays.copyOfRange(w.array(), w.position(), w.position() + n))
                        .isEqualTo(Arrays.copyOfRange(whole, (int) w.offset(), (int) w.offset() + n));
                w.advance(n);
            }
            w.flushTap();
            assertThat(crc[0]).isEqualTo(stored);
            assertThat(w.skip(8)).isTrue();
            assertThat(w.atEnd()).isTrue();
            assertThat(w.read()).isEqualTo(-1);
        }
    }

    @Test
    void aMarkKeepsTheItemBeingReadAcrossRefillsAndTheWindowShrinksAfterIt() throws IOException {
        byte[] whole = Files.readAllBytes(FILE);
        ByteWindow w = ByteWindow.of(new ByteArrayInputStream(whole), whole.length, 64);
        w.skip(1000);
        long itemStart = w.offset();
        w.mark();
        // An item of 100 KiB read in pieces: every byte of it stays where its offset says.
        for (int read = 0; read < 100 << 10; read += 4096) {
            assertThat(w.request(4096)).isTrue();
            w.advance(4096);
        }
        int at = w.indexOf(itemStart);
        assertThat(Arrays.copyOfRange(w.array(), at, at + (100 << 10)))
                .isEqualTo(Arrays.copyOfRange(whole, (int) itemStart, (int) itemStart + (100 << 10)));
        assertThat(w.array().length).isGreaterThanOrEqualTo(100 << 10);
        w.unmark();
        // Once what is left in the window fits the normal size, the next refill shrinks it back.
        for (int i = 0; i < (300 << 10) / 16 && w.array().length > 4 * 64; i++) {
            assertThat(w.request(16)).isTrue();
            assertThat(w.array()[w.position()]).isEqualTo(whole[(int) w.offset()]);
            w.advance(16);
        }
        assertThat(w.array().length).isLessThanOrEqualTo(4 * 64);
    }

    @Test
    void aSliceReadsItsBytesAtTheirPlaceInTheWholeInputWithoutCopying() throws IOException {
        byte[] whole = Files.readAllBytes(FILE);
        ByteWindow w = ByteWindow.slice(whole, 5000, 300, 5000, whole.length);
        assertThat(w.array()).isSameAs(whole);
        assertThat(w.offset()).isEqualTo(5000);
        assertThat(w.remainingBound()).isEqualTo(whole.length - 5000);
        assertThat(w.request(300)).isTrue();
        assertThat(w.request(301)).isFalse();
        assertThat(w.read()).isEqualTo(whole[5000] & 0xff);
        assertThat(w.skip(299)).isTrue();
        assertThat(w.skip(1)).isFalse();
    }
}
