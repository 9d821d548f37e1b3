package dev.salvor.aof;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of the multi-part AOF manifest (seed: a manifest a real server wrote).
 * Any manifest is read or refused with an {@link AofFormatException}; a listed name never leads
 * outside the directory.
 */
class AofManifestFuzzTest {
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("salvor-fuzz-manifest");
            DIR.toFile().deleteOnExit(); // after the files below (deleted in reverse order)
            DIR.resolve("appendonly.aof.manifest").toFile().deleteOnExit();
            // The files a real manifest lists, so the fuzzer also reaches what follows the name checks.
            for (String name : new String[] {"appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof", "appendonly.aof.2.incr.aof"}) {
                Files.write(DIR.resolve(name), new byte[0]);
                DIR.resolve(name).toFile().deleteOnExit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void read(byte[] data) throws IOException {
        Path manifest = DIR.resolve("appendonly.aof.manifest");
        Files.write(manifest, data);
        try {
            for (AofSegment s : AofManifest.read(manifest).segments()) {
                if (!s.file().toAbsolutePath().normalize().getParent().equals(DIR.toAbsolutePath().normalize())) {
                    throw new AssertionError("segment " + s.file() + " is outside " + DIR);
                }
            }
        } catch (AofFormatException refused) {
            // a typed, located error: the right outcome for a bad manifest
        }
    }
}
