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
        RepairWriter writer = new RepairWriter(in.channel(), repaired);
        QuarantineWriter q = new QuarantineWriter(in.channel(), quarantine);
        SalvageReport report = RdbSalvager.salvage(in, new VisitorChain(writer, q), progress);
        return new RdbRepair(report, q.entries(), writer.notes());
    }

    /** The report file: the salvage report with the quarantine's entries and the notes, naming the files written. */
    public void writeReport(OutputStream out, String quarantineFile, String repairedFile) throws IOException {
        SalvageReportJson.write(report, quarantined, quarantineFile, repairedFile, notes, out);
    }
}
