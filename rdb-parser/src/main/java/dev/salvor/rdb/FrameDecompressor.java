package dev.salvor.rdb;

import java.io.IOException;

/**
 * Decompresses one whole ZSTD or LZ4 frame: what Dragonfly's compressed blobs (opcodes 201 and
 * 202) hold. The parser itself depends on no compression library; a module that has them provides
 * an implementation through {@link java.util.ServiceLoader} (salvor-recovery does, with Commons
 * Compress and zstd-jni). Without one, a compressed blob is a located "unsupported" error.
 */
public interface FrameDecompressor {
    /** The frame formats Dragonfly writes. */
    enum Codec {
        /** A ZSTD frame (RDB_OPCODE_COMPRESSED_ZSTD_BLOB_START, 201). */
        ZSTD,
        /** An LZ4 frame (RDB_OPCODE_COMPRESSED_LZ4_BLOB_START, 202), Dragonfly's default. */
        LZ4
    }

    /**
     * The decompressed content of the single frame that fills {@code frame[off, off+len)}
     * exactly: bytes left after the frame's end, a frame that ends early, a checksum that does not
     * match or a declared content size that differs from what it decompresses to are
     * {@link FrameException}s. Nothing is allocated beyond {@code maxSize} bytes of output.
     */
    byte[] decompress(Codec codec, byte[] frame, int off, int len, int maxSize) throws FrameException;

    /** A frame that does not decompress; {@link #frameOffset()} is where in the frame it was found, -1 when unknown. */
    final class FrameException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long frameOffset;
        private final boolean limit;

        public FrameException(String message, long frameOffset) {
            this(message, frameOffset, false);
        }

        public FrameException(String message, long frameOffset, boolean limit) {
            super(message);
            this.frameOffset = frameOffset;
            this.limit = limit;
        }

        public long frameOffset() {
            return frameOffset;
        }

        /** Whether the frame decompresses to more than the bound allowed (not damage by itself). */
        public boolean limit() {
            return limit;
        }
    }
}
