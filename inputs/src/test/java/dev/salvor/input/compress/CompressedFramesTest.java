package dev.salvor.input.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvor.rdb.FrameDecompressor;
import dev.salvor.rdb.FrameDecompressor.Codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Dragonfly's blob frames decompressed as its loader requires (src/server/detail/decompress.cc). */
class CompressedFramesTest {
    private static final byte[] CONTENT = ("records ".repeat(5000) + "end").getBytes(StandardCharsets.US_ASCII);
    private final FrameDecompressor d = new CompressedFrames();

    @Test
    void registeredForTheParser() {
        assertThat(ServiceLoader.load(FrameDecompressor.class).findFirst()).get().isInstanceOf(CompressedFrames.class);
    }

    @Test
    void bothCodecsRoundTrip() throws Exception {
        byte[] lz4 = DragonflyFrames.lz4(CONTENT);
        byte[] zstd = DragonflyFrames.zstd(CONTENT);
        assertThat(d.decompress(Codec.LZ4, lz4, 0, lz4.length, 1 << 20)).isEqualTo(CONTENT);
        assertThat(d.decompress(Codec.ZSTD, zstd, 0, zstd.length, 1 << 20)).isEqualTo(CONTENT);
        byte[] padded = new byte[lz4.length + 10];
        System.arraycopy(lz4, 0, padded, 5, lz4.length);
        assertThat(d.decompress(Codec.LZ4, padded, 5, lz4.length, 1 << 20)).isEqualTo(CONTENT);
    }

    @Test
    void bytesAfterTheFrameAreRefused() {
        for (Codec c : Codec.values()) {
            byte[] f = c == Codec.LZ4 ? DragonflyFrames.lz4(CONTENT) : DragonflyFrames.zstd(CONTENT);
            byte[] longer = Arrays.copyOf(f, f.length + 3);
            FrameDecompressor.FrameException e = catchThrowableOfType(() -> d.decompress(c, longer, 0, longer.length, 1 << 20),
                    FrameDecompressor.FrameException.class);
            assertThat(e).as(c.toString()).hasMessageContaining("the frame ends after " + f.length + " of the blob's " + longer.length + " bytes");
        }
    }

    @Test
    void aWrongContentSizeIsRefused() {
        byte[] f = DragonflyFrames.lz4(CONTENT);
        f[6] ^= 1; // the declared size, then its header checksum no longer matches either
        assertThat(catchThrowableOfType(() -> d.decompress(Codec.LZ4, f, 0, f.length, 1 << 20), FrameDecompressor.FrameException.class)).isNotNull();
    }

    @Test
    void aDamagedBlockIsLocatedByItsChecksum() {
        byte[] f = DragonflyFrames.lz4(CONTENT, true);
        int at = f.length / 2;
        f[at] ^= 0x55;
        FrameDecompressor.FrameException e = catchThrowableOfType(() -> d.decompress(Codec.LZ4, f, 0, f.length, 1 << 20),
                FrameDecompressor.FrameException.class);
        assertThat(e).isNotNull();
        assertThat(e.frameOffset()).isBetween(15L, (long) f.length);
    }

    @Test
    void moreThanTheLimitIsALimitNotDamage() {
        byte[] f = DragonflyFrames.zstd(CONTENT);
        FrameDecompressor.FrameException e = catchThrowableOfType(() -> d.decompress(Codec.ZSTD, f, 0, f.length, 1000),
                FrameDecompressor.FrameException.class);
        assertThat(e.limit()).isTrue();
    }
}
