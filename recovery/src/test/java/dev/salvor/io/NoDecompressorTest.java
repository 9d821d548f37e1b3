package dev.salvor.io;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine reads {@link Input}s without a decompressor: Commons Compress, XZ for Java and
 * zstd-jni (a native library) are the {@code inputs} module's, so a library user who reads plain
 * files does not carry them.
 */
class NoDecompressorTest {
    @ParameterizedTest
    @ValueSource(strings = {"org.apache.commons.compress.compressors.CompressorStreamFactory", "org.tukaani.xz.XZInputStream",
            "com.github.luben.zstd.ZstdInputStream", "dev.salvor.input.InputSource", "dev.salvor.input.compress.Unwrapping"})
    void isNotOnTheEnginesClassPath(String className) {
        assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
    }
}
