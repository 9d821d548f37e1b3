package dev.salvor.repair;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.aof.AofLayout;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Coverage-guided fuzzing of AOF repair (seed: an AOF a real server wrote, with a transaction).
 * Repair reads any bytes to the end and reports the damaged regions: it never throws on damage,
 * and the file is never changed.
 */
class AofRepairFuzzTest {
    private static final Path FILE;

    static {
        try {
            Path dir = Files.createTempDirectory("salvor-fuzz-repair");
            dir.toFile().deleteOnExit();
            FILE = dir.resolve("fuzz.aof");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void repair(byte[] data) throws IOException {
        Files.write(FILE, data);
        AofRepairReport report = new AofRepairer(AofLayout.of(FILE), segment -> OutputStream.nullOutputStream(), false, -1, Set.of()).run();
        if (report == null) throw new AssertionError("no report");
        if (!java.util.Arrays.equals(Files.readAllBytes(FILE), data)) throw new AssertionError("repair changed its input");
    }
}
