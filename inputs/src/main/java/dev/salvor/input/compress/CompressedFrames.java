package dev.salvor.input.compress;

import com.github.luben.zstd.Zstd;
import dev.salvor.rdb.FrameDecompressor;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * The parser's {@link FrameDecompressor} (registered through {@link java.util.ServiceLoader}, so a
 * reader finds it wherever this module is on the class path, and the engine carries none):
 * Dragonfly's compressed blobs, decompressed by Commons Compress (framed LZ4, with its block and
 * content checksums when the frame has them) and zstd-jni. A blob must hold exactly one frame,
 * as Dragonfly's loader requires (src/server/detail/decompress.cc: the bytes consumed must be the
 * blob's, and the content size the frame declares must be what it decompresses to).
 */
public final class CompressedFrames implements FrameDecompressor {
    /** LZ4 frame magic, little-endian 0x184D2204. */
    private static final int LZ4_MAGIC = 0x184D2204;

    @Override
    public byte[] decompress(Codec codec, byte[] frame, int off, int len, int maxSize) throws FrameException {
        return codec == Codec.LZ4 ? lz4(frame, off, len, maxSize) : zstd(frame, off, len, maxSize);
    }

    private static byte[] lz4(byte[] frame, int off, int len, int maxSize) throws FrameException {
        if (len < 7 || le32(frame, off) != LZ4_MAGIC) throw new FrameException("not an LZ4 frame (no 04 22 4D 18 magic)", 0);
        // The frame descriptor: FLG, BD, then the content size when FLG bit 3 says so (LZ4 frame format 1.6.x).
        long declared = (frame[off + 4] & 0x08) != 0 && len >= 14 ? le64(frame, off + 6) : -1;
        checkDeclared(declared, maxSize);
        FramedLZ4CompressorInputStream in = null;
        try {
            in = new FramedLZ4CompressorInputStream(new ByteArrayInputStream(frame, off, len), false);
            byte[] out = readBounded(in, maxSize);
            long consumed = in.getCompressedCount();
            if (consumed != len) throw new FrameException("the frame ends after " + consumed + " of the blob's " + len + " bytes", consumed);
            checkSize(declared, out.length);
            return out;
        } catch (FrameException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new FrameException(message(e), in == null ? 0 : in.getCompressedCount());
        }
    }

    private static byte[] zstd(byte[] frame, int off, int len, int maxSize) throws FrameException {
        long size = Zstd.findFrameCompressedSize(frame, off, len);
        if (Zstd.isError(size)) throw new FrameException("not a whole ZSTD frame: " + Zstd.getErrorName(size), 0);
        if (size != len) throw new FrameException("the frame ends after " + size + " of the blob's " + len + " bytes", size);
        long declared = Zstd.getFrameContentSize(frame, off, len);
        if (declared < 0) declared = -1; // unknown (or an error the decompression reports)
        checkDeclared(declared, maxSize);
        try (InputStream in = new ZstdCompressorInputStream(new ByteArrayInputStream(frame, off, len))) {
            byte[] out = readBounded(in, maxSize);
            checkSize(declared, out.length);
            return out;
        } catch (FrameException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new FrameException(message(e), -1);
        }
    }

    private static void checkDeclared(long declared, int maxSize) throws FrameException {
        if (declared > maxSize) throw new FrameException("declares " + declared + " bytes of content, over the limit of " + maxSize, -1, true);
    }

    private static void checkSize(long declared, int actual) throws FrameException {
        if (declared >= 0 && declared != actual) {
            throw new FrameException("declares " + declared + " bytes of content and decompresses to " + actual, -1);
        }
    }

    /** Everything the stream gives, growing only as it arrives, at most {@code maxSize} bytes. */
    private static byte[] readBounded(InputStream in, int maxSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[16 << 10];
        int n;
        while ((n = in.read(buf)) > 0) {
            if ((long) out.size() + n > maxSize) throw new FrameException("decompresses to more than the limit of " + maxSize + " bytes", -1, true);
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static int le32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    private static long le64(byte[] b, int p) {
        return (le32(b, p) & 0xffffffffL) | (long) le32(b, p + 4) << 32;
    }
}
