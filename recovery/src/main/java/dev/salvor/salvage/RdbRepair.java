package dev.salvor.salvage;

import dev.salvor.format.InputFile;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * A salvage run as {@code salvor salvage} makes it: every intact record (and the intact part of a
 * cut key) into a repaired RDB file, the damaged byte ranges into a quarantine, both copied from
 * the input opened once.
 *
 * @param report      what the run found
 * @param quarantined where each damaged range went in the quarantine
 * @param notes       what the repaired file could not keep as it was
 */
public record RdbRepair(SalvageReport report, List<QuarantineWriter.Entry> quarantined, List<String> notes) {
    public static RdbRepair run(InputFile in, OutputStream repaired, OutputStream quarantine, LongConsumer progress) throws IOException {
        return run(in, CheckProof.NONE, CheckProof.Prover.NONE, repaired, quarantine, progress, List.of());
    }

    /**
     * As {@link #run(InputFile, OutputStream, OutputStream, LongConsumer)}, after a full check that
     * proved {@code proof}; {@code prover} proves what follows each damaged region. For a file
     * decompressed past the damaged blocks {@code lostBlocks}
     * ({@link RdbSalvager#salvage(InputFile, SalvageVisitor, LongConsumer, List)}) nothing is proved,
     * as the check does not know where bytes are missing.
     */
    public static RdbRepair run(InputFile in, CheckProof proof, CheckProof.Prover prover, OutputStream repaired, OutputStream quarantine,
                                LongConsumer progress, List<dev.salvor.io.LostBlock> lostBlocks) throws IOException {
        RepairWriter writer = new RepairWriter(in.channel(), repaired);
        QuarantineWriter q = new QuarantineWriter(in.channel(), quarantine);
        VisitorChain chain = new VisitorChain(writer, q);
        SalvageReport report = lostBlocks.isEmpty() ? RdbSalvager.salvage(in, proof, prover, chain, progress)
                : RdbSalvager.salvage(in, chain, progress, lostBlocks);
        return new RdbRepair(report, q.entries(), writer.notes());
    }

    /** The report file: the salvage report with the quarantine's entries and the notes, naming the files written. */
    public void writeReport(OutputStream out, String quarantineFile, String repairedFile) throws IOException {
        SalvageReportJson.write(report, quarantined, quarantineFile, repairedFile, notes, out);
    }

    /** As above, with the damaged compressed blocks read past and where their bytes are in the quarantine. */
    public void writeReport(OutputStream out, String quarantineFile, String repairedFile, List<SalvageReportJson.LostBlockEntry> lostBlocks) throws IOException {
        SalvageReportJson.write(report, quarantined, quarantineFile, repairedFile, notes, lostBlocks, out);
    }

    /** Bytes the damaged regions took in the quarantine file. */
    public long quarantineBytes() {
        long n = 0;
        for (QuarantineWriter.Entry e : quarantined) n += e.sourceEnd() - e.sourceStart();
        return n;
    }
}
