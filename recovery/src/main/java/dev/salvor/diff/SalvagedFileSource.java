package dev.salvor.diff;

import dev.salvor.format.InputFile;
import dev.salvor.io.Spool;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.RepairWriter;
import dev.salvor.salvage.SalvageReport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A damaged RDB file as a diff source: what salvage recovers from it (every key read whole, and
 * the intact part of a key cut by damage), so a damaged backup is still compared as far as it
 * can be read. The recovered keys are held in a temporary repaired file, removed on close.
 */
public final class SalvagedFileSource extends ForwardingKeySource {
    private final Spool spool;
    private final Path repaired;
    private final SalvageReport report;

    private SalvagedFileSource(Path repaired, Spool spool, RdbFileSource source, SalvageReport report) {
        super(source);
        this.repaired = repaired;
        this.spool = spool;
        this.report = report;
    }

    /**
     * Salvages {@code file} into a temporary file of {@code spool}: counted against its limit, in
     * its directory ({@code --temp-dir}), removed when this source closes.
     */
    public static SalvagedFileSource of(Path file, String name, Spool spool) throws IOException {
        Path repaired = spool.newFile("salvaged-", ".rdb");
        try {
            SalvageReport report;
            try (InputFile in = InputFile.open(file);
                 OutputStream out = spool.charged(Files.newOutputStream(repaired), name + ": salvaging to " + repaired)) {
                report = RdbSalvager.salvage(in, new RepairWriter(in.channel(), out), null);
            }
            return new SalvagedFileSource(repaired, spool, new RdbFileSource(repaired, name + " (salvaged)"), report);
        } catch (IOException | RuntimeException e) {
            spool.delete(repaired);
            throw e;
        }
    }

    /** What salvage found: the damaged regions and every bound on what was lost. */
    public SalvageReport report() {
        return report;
    }

    @Override
    public void close() throws IOException {
        inner.close();
        spool.delete(repaired);
    }
}
