package dev.salvor.input.compress;

import com.github.luben.zstd.Zstd;
import org.apache.commons.codec.digest.XXHash32;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Frames as Dragonfly's compressor writes them (dragonfly src/server/detail/compressor.cc), made
 * by the real libraries: ZSTD through zstd-jni's ZSTD_compress at Dragonfly's default level 2
 * (compression_level flag), which records the content size as ZSTD_compressCCtx does; LZ4 through
 * Commons Compress with LZ4F_INIT_PREFERENCES' frame parameters (64 KiB linked blocks, no
 * checksums) and the content size Dragonfly sets (lz4_pref.frameInfo.contentSize), which Commons
 * Compress does not write: it is added to the frame descriptor (FLG bit 3, 8 bytes after BD, the
 * header checksum recomputed as the second byte of XXH32 of the descriptor, LZ4 frame format
 * 1.6.x), the blocks left as the library wrote them.
 */
public final class DragonflyFrames {
    private DragonflyFrames() {
    }

    public static byte[] zstd(byte[] content) {
        return Zstd.compress(content, 2);
    }

    public static byte[] lz4(byte[] content) {
        return lz4(content, false);
    }

    /** With block checksums (not Dragonfly's default; what lets damage be located to a block). */
    public static byte[] lz4(byte[] content, boolean blockChecksums) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (FramedLZ4CompressorOutputStream out = new FramedLZ4CompressorOutputStream(bos,
                new FramedLZ4CompressorOutputStream.Parameters(FramedLZ4CompressorOutputStream.BlockSize.K64, false, blockChecksums, true))) {
            out.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] f = bos.toByteArray();
        // magic(4) FLG BD HC -> magic(4) FLG|0x08 BD size(8) HC
        byte[] out = new byte[f.length + 8];
        System.arraycopy(f, 0, out, 0, 6);
        out[4] = (byte) (f[4] | 0x08);
        long n = content.length;
        for (int i = 0; i < 8; i++) out[6 + i] = (byte) (n >>> (8 * i));
        XXHash32 h = new XXHash32(0);
        h.update(out, 4, 10);
        out[14] = (byte) (h.getValue() >>> 8);
        System.arraycopy(f, 7, out, 15, f.length - 7);
        return out;
    }
}
