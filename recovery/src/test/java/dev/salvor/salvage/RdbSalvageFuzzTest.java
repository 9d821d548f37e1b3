package dev.salvor.salvage;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.rdb.RdbFormatException;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Coverage-guided fuzzing of RDB salvage (seeds: small files of every type a real server wrote,
 * compressed and not). Salvage reads any bytes to the end and reports what it found: it never
 * throws on damage (only on a header naming an RDB version no producer writes), and the file is
 * never changed.
 */
class RdbSalvageFuzzTest {
    private static final Path FILE;

    static {
        try {
            Path dir = Files.createTempDirectory("salvor-fuzz-salvage");
            dir.toFile().deleteOnExit();
            FILE = dir.resolve("fuzz.rdb");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void salvage(byte[] data) throws IOException {
        Files.write(FILE, data);
        // As export --salvage runs it: every key salvaged is exported (to nowhere).
        SalvageReport report;
        try (NdjsonExporter exporter = new NdjsonExporter(OutputStream.nullOutputStream())) {
            report = RdbSalvager.salvage(FILE, new ExportingVisitor(exporter), null);
        } catch (RdbFormatException e) {
            // An RDB version no producer has written is no damage: salvage refuses it, located in
            // the header, and --assume-version lets a user read it anyway.
            if (e.reason() != RdbFormatException.Reason.UNSUPPORTED || e.offset() > 9) throw e;
            report = null;
        }
        if (!java.util.Arrays.equals(Files.readAllBytes(FILE), data)) throw new AssertionError("salvage changed its input");
        if (report == null) return;
    }
}
