package dev.salvor.inspect;

import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RecordView;
import dev.salvor.rdb.walk.RdbVisitor;
import dev.salvor.rdb.walk.RdbWalker;
import dev.salvor.salvage.RdbSalvager;
import dev.salvor.salvage.SalvageVisitor;
import dev.salvor.salvage.SalvageReport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Walks an RDB file once and summarises it: header, aux fields, per-db and per-type counts,
 * modules, checksum. Values are walked by their framing only, with the CRC64 over every byte;
 * what a key is (type, encoding, module) is known from its header.
 */
public final class RdbInspector implements RdbVisitor {
    private final Tally tally = new Tally();
    private final Value read;
    private boolean trailing;

    private RdbInspector(Value read) {
        this.read = read;
    }

    /**
     * Reads {@code reader} to its end. A format error stops the walk and is returned inside the
     * inspection (with everything counted up to it); I/O errors propagate.
     *
     * @param progress told the current offset now and then (may be null)
     */
    public static Inspection inspect(RdbReader reader, LongConsumer progress) throws IOException {
        return inspect(reader, progress, Value.FRAMING);
    }

    /**
     * What inspect reports of an input: its inspection, and for a damaged plain file the counts of
     * its intact records as salvage reads them past every damaged region ({@code salvaged}, else null).
     */
    public record Inspected(Inspection inspection, SalvagedInspection salvaged) {
        /** The counts to show: the intact records' for a damaged plain file, else the whole read's. */
        public Inspection counts() {
            return salvaged != null ? salvaged.intact() : inspection;
        }

        public boolean clean() {
            return inspection.clean() && salvaged == null;
        }
    }

    /**
     * Inspects an input read by {@code reader}; {@code file} is the plain file it reads, or null
     * for a stream. A plain file is walked cheaply (framing only) and read again past any damage;
     * a stream is decoded in full, so that bytes damage changed are never counted as keys.
     */
    public static Inspected inspect(RdbReader reader, Path file, LongConsumer progress) throws IOException {
        Inspection in = inspect(reader, progress, file != null ? Value.FRAMING : Value.DECODE);
        SalvagedInspection salvaged = file != null && !in.clean() ? inspectSalvaged(file, progress) : null;
        return new Inspected(in, salvaged);
    }

    /**
     * As {@link #inspect(RdbReader, LongConsumer)}, reading each value as {@code read} says:
     * {@link Value#DECODE} checks every value in full, so that an input that cannot be read again
     * past its damage stops at the first bytes that are not what a server wrote.
     */
    public static Inspection inspect(RdbReader reader, LongConsumer progress, Value read) throws IOException {
        RdbInspector v = new RdbInspector(read);
        RdbFormatException error = null;
        try {
            RdbWalker.walk(reader, v, Long.MAX_VALUE, progress);
        } catch (RdbFormatException e) {
            error = e;
        }
        return v.tally.result(reader.source(), reader.size(), reader.magic(), reader.version(), reader.flavor(), reader.checksumStatus(),
                reader.storedChecksum(), reader.computedChecksum(), reader.eofOffset(), v.trailing, reader.offset(), error);
    }

    @Override
    public void record(RdbToken token, RecordView r) throws IOException {
        if (token == RdbToken.EOF) trailing = r.hasTrailingData();
        else tally.record(token, r);
    }

    @Override
    public Value beginKey(KeyHeader key) {
        tally.key(key);
        return read;
    }

    /**
     * A damaged file, counted as salvage reads it: only the intact records, past every damaged
     * region (the regions and their offsets are those {@code check} reports), with the losses.
     */
    public static SalvagedInspection inspectSalvaged(Path file, LongConsumer progress) throws IOException {
        Tally tally = new Tally();
        String[] magic = new String[1];
        SalvageReport report = RdbSalvager.salvage(file, new SalvageVisitor() {
            @Override
            public void start(RdbReader.Context context, String m, boolean headerDamaged) {
                magic[0] = m;
            }

            @Override
            public void record(RdbToken token, RecordView record) {
                tally.record(token, record);
            }

            @Override
            public Value beginKey(KeyHeader key) {
                tally.key(key);
                return Value.FRAMING;
            }

            @Override
            public boolean keepsPartialKeys() {
                // Kept in part as salvage keeps it (counted apart, not among the keys).
                return true;
            }
        }, progress);
        Inspection counts = tally.result(file.toString(), report.sizeBytes(), magic[0], report.version(), report.flavor(), report.checksum(),
                0, 0, -1, false, report.sizeBytes(), null);
        return new SalvagedInspection(counts, report);
    }
}
