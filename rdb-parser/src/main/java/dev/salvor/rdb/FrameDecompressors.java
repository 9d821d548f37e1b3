package dev.salvor.rdb;

import java.util.ServiceLoader;

/** The {@link FrameDecompressor} on the class path, looked up once. */
final class FrameDecompressors {
    private static final FrameDecompressor INSTALLED = ServiceLoader.load(FrameDecompressor.class, FrameDecompressor.class.getClassLoader())
            .findFirst().orElse(null);

    private FrameDecompressors() {
    }

    /** The installed decompressor, or null when no module provides one. */
    static FrameDecompressor installed() {
        return INSTALLED;
    }
}
