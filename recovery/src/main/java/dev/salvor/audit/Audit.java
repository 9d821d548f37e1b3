package dev.salvor.audit;

import dev.salvor.check.CheckReport;
import dev.salvor.check.RdbChecker;
import dev.salvor.diff.DiffEngine;
import dev.salvor.diff.KeySample;
import dev.salvor.diff.KeySource;
import dev.salvor.diff.RdbFileSource;
import dev.salvor.diff.SalvagedFileSource;
import dev.salvor.diff.SampledSource;
import dev.salvor.export.KeySelector;
import dev.salvor.io.Deadline;
import dev.salvor.io.Spool;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.LongConsumer;

/**
 * An audit of a restore: the backup's health is checked, then the backup (as far as it can be
 * read: what salvage recovers from a damaged one) is compared with the restored server, both sides
 * sampled alike. It passes when the backup is intact (or, strictly, clean) and the server holds
 * exactly what it held.
 */
public final class Audit {
    private final double sample;
    private final long ttlToleranceMs;
    private final boolean strict;
    private final Spool spool;
    private final Deadline deadline;

    /**
     * @param sample         the share of keys audited (0 < f <= 1), chosen by a hash of the key so both sides agree
     * @param ttlToleranceMs expiries this close count as equal
     * @param strict         keys the server drops on load count as differences
     */
    public Audit(double sample, long ttlToleranceMs, boolean strict, Spool spool, Deadline deadline) {
        if (!(sample > 0 && sample <= 1)) throw new IllegalArgumentException("the sample must be in (0, 1]");
        this.sample = sample;
        this.ttlToleranceMs = ttlToleranceMs;
        this.strict = strict;
        this.spool = spool;
        this.deadline = deadline;
    }

    /**
     * Audits the RDB {@code backup} (named {@code name}) against {@code server}, over the keys
     * {@code selector} takes ({@code onlyDb}: the database both sides are restricted to, or -1).
     * The server source is closed at the end.
     */
    public AuditReport run(Path backup, String name, KeySource server, KeySelector selector, int onlyDb, String salvorVersion,
                           LongConsumer progress) throws IOException {
        Instant generatedAt = Instant.now();
        long t0 = System.nanoTime();
        CheckReport health = RdbChecker.checkFile(backup, progress);
        long checkMs = (System.nanoTime() - t0) / 1_000_000;
        KeySample keySample = new KeySample(sample);
        // A damaged backup is still compared as far as it can be read: what salvage recovers.
        try (KeySource read = AuditReport.intact(health) ? new RdbFileSource(backup, name) : SalvagedFileSource.of(backup, name, spool);
             SampledSource a = new SampledSource(read, keySample);
             KeySource b = new SampledSource(server, keySample)) {
            DiffEngine.Report diff = new DiffEngine(ttlToleranceMs, false, -1, spool).strict(strict).deadline(deadline).diff(a, b, selector, progress);
            // An empty collection in the backup is a key the server drops on load, not damage: the diff
            // counts it apart (dropped on load), and only strict fails the audit for it.
            boolean pass = (strict ? health.clean() : AuditReport.intact(health)) && diff.identical();
            return new AuditReport(generatedAt, salvorVersion, pass, health, checkMs, diff,
                    read instanceof SalvagedFileSource s ? s.report() : null, onlyDb, sample, a.seen(), a.sampled());
        }
    }
}
