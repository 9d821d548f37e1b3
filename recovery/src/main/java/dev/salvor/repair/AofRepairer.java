package dev.salvor.repair;

import dev.salvor.format.FileRanges;
import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofPreamble;
import dev.salvor.aof.AofReader;
import dev.salvor.aof.AofSegment;
import dev.salvor.aof.CommandTable;
import dev.salvor.salvage.RepairWriter;
import dev.salvor.salvage.SalvageVisitor;
import dev.salvor.salvage.SalvageReport;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Rebuilds an AOF from what {@link AofScanner} reads: every intact command kept, in order, once,
 * byte for byte as the file holds it; nothing invented. A transaction that lost any part to
 * damage is dropped whole (unless partial transactions are kept), as is an unterminated one; a
 * damaged RDB preamble or base is replaced by the keys the RDB salvager recovers from it, written
 * as an RDB of the same version. Optional point-in-time cut ({@code until}, like redis-check-aof
 * --truncate-to-timestamp) and dropped command names (e.g. FLUSHALL). Output goes to one stream
 * per segment, supplied by the caller.
 *
 * <p>Memory is bounded whatever the input: a transaction is held back as byte ranges of its file
 * (copied out at its EXEC), not as bytes, and so are the commands read after damage hit a
 * transaction, until an EXEC says they were its tail or a MULTI says they were not.
 */
public final class AofRepairer implements AofScanner.AofListener {
    /** Commands {@code --drop} left out that the report lists one by one; more are counted. */
    public static final int MAX_LISTED = 10_000;

    /** Supplies the output stream of each segment (null: a check, nothing is written). */
    public interface Outputs {
        OutputStream open(AofSegment segment) throws IOException;
    }

    private final AofLayout layout;
    private final Outputs outputs;
    private final boolean keepPartialTransactions;
    private final long untilMs;
    private final Set<String> drop;

    private AofSegment segment;
    private OutputStream out;
    // Kept bytes [runStart, runEnd) of the current segment not yet written.
    private long runStart = -1;
    private long runEnd = -1;
    private static final long RUN = 8 << 20;
    private byte[] copyBuffer;
    private FileChannel input;
    private FileChannel preambleInput;
    private RepairWriter preambleWriter;

    // The open transaction: MULTI at [multiStart, multiEnd), its commands as ranges of the segment.
    private final ByteRanges tx = new ByteRanges();
    private boolean inTx;
    private long multiStart;
    private long multiEnd;
    // After damage hit a transaction: commands read since, held back until an EXEC (they were its
    // tail) or a MULTI, more damage or the end of the file (they were not).
    private final ByteRanges orphan = new ByteRanges();
    private boolean orphanMode;
    private int orphanRegion;

    private boolean stopped;
    private String stopSegment;
    private long stopOffset = -1;
    private long stopTimestampMs = -1;
    private long keptBeforeStop;
    private long commandsAfterUntil;
    private long timestamps;
    private long firstTimestampMs = -1;
    private long baseCtimeMs = -1;

    private long read;
    private long kept;
    private long dropped;
    private long txDropped;
    private final Map<String, Long> droppedByName = new TreeMap<>();
    private final List<AofRepairReport.DroppedCommand> droppedCommands = new ArrayList<>();
    private final List<AofRegion> regions = new ArrayList<>();
    private final List<AofRepairReport.Preamble> preambles = new ArrayList<>();

    private java.util.function.LongConsumer progress;

    public AofRepairer(AofLayout layout, Outputs outputs, boolean keepPartialTransactions, long untilMs, Set<String> drop) {
        this.layout = layout;
        this.outputs = outputs;
        this.keepPartialTransactions = keepPartialTransactions;
        this.untilMs = untilMs;
        this.drop = drop.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Why {@code name} cannot be given to {@code --drop}, or null when it can: only a command that
     * writes (or may replicate) reaches an AOF, and SELECT, MULTI, EXEC and DISCARD frame the
     * others. A module command ({@code module.command}) is accepted: no table knows it.
     */
    public static String dropRefusal(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        CommandTable.Command c = CommandTable.get().lookup(lower);
        if (c == null) {
            if (CommandTable.isModuleCommandName(lower.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))) return null;
            return "no Redis or Valkey version has a command " + name;
        }
        if (c.role() != CommandTable.Role.OTHER) {
            return name + " frames other commands (a database switch or a transaction): leaving it out would change what the commands around it do";
        }
        if (!CommandTable.get().replicatedAny(lower)) return name + " is not a write command: an AOF never holds it";
        return null;
    }

    /** Scans the whole AOF and writes the repaired segments. */
    /** Reports bytes read over all segments while {@link #run()} reads them; returns this repairer. */
    public AofRepairer progress(java.util.function.LongConsumer progress) {
        this.progress = progress;
        return this;
    }

    public AofRepairReport run() throws IOException {
        new AofScanner().progress(progress).scan(layout.segments(), this);
        List<String> names = layout.segments().stream().map(AofSegment::name).toList();
        AofRepairReport.Until until = untilMs < 0 ? null : new AofRepairReport.Until(untilMs, timestamps, firstTimestampMs, stopped, stopSegment,
                stopOffset, stopTimestampMs, commandsAfterUntil, stopped ? keptBeforeStop : kept + preambleKeys(), baseCtimeMs);
        return new AofRepairReport(layout.path().toString(), layout.multiPart(), names, read, kept, dropped, txDropped,
                Map.copyOf(droppedByName), List.copyOf(droppedCommands), until, List.copyOf(preambles), layout.problems(), layout.rebuild(),
                List.copyOf(regions));
    }

    private long preambleKeys() {
        return preambles.stream().mapToLong(AofRepairReport.Preamble::keys).sum();
    }

    @Override
    public void segmentStart(AofSegment segment) throws IOException {
        this.segment = segment;
        out = outputs == null ? null : outputs.open(segment);
        runStart = runEnd = -1;
        input = out == null ? null : AofSegment.open(segment.file());
        inTx = false;
        orphanMode = false;
        tx.clear();
        orphan.clear();
    }

    @Override
    public void preamble(AofSegment segment, AofPreamble preamble) throws IOException {
        if (preambles.isEmpty() && preamble.ctimeSeconds() > 0) baseCtimeMs = preamble.ctimeSeconds() * 1000L;
        preambles.add(new AofRepairReport.Preamble(segment.name(), preamble.end(), preamble.version(), preamble.keys(), null, List.of()));
        if (out == null || stopped) return;
        flushRun();
        try (FileChannel ch = AofSegment.open(segment.file())) {
            FileRanges.copy(ch, 0, preamble.end(), out);
        }
    }

    @Override
    public SalvageVisitor preambleListener(AofSegment segment) throws IOException {
        if (out == null || stopped) return null;
        flushRun();
        preambleInput = AofSegment.open(segment.file());
        preambleWriter = new RepairWriter(preambleInput, out);
        return preambleWriter;
    }

    @Override
    public void preambleSalvaged(AofSegment segment, SalvageReport report, long end) throws IOException {
        List<String> notes = preambleWriter == null ? List.of() : List.copyOf(preambleWriter.notes());
        preambles.add(new AofRepairReport.Preamble(segment.name(), end, report.version(), report.keysRecovered() + report.keysPartial(), report, notes));
        closePreambleInput();
    }

    private void closePreambleInput() throws IOException {
        if (preambleInput != null) preambleInput.close();
        preambleInput = null;
        preambleWriter = null;
    }

    @Override
    public void annotation(AofSegment segment, AofReader reader) throws IOException {
        boolean ts = reader.annotation().startsWith("TS:");
        if (ts) {
            timestamps++;
            if (firstTimestampMs < 0) firstTimestampMs = reader.timestampMs();
        }
        if (stopped) return;
        if (ts && untilMs >= 0 && reader.timestampMs() > untilMs) {
            stop(reader);
            return;
        }
        if (orphanMode) orphan.addUncounted(reader.start(), reader.end());
        else if (inTx) tx.addUncounted(reader.start(), reader.end());
        else emit(reader);
    }

    /** The first annotation after TIME: nothing from here on is kept. */
    private void stop(AofReader reader) throws IOException {
        if (orphanMode) releaseOrphan();
        if (inTx) {
            // Its EXEC comes after the cut: the transaction did not complete before TIME.
            dropped += tx.items();
            txDropped++;
            tx.clear();
            inTx = false;
        }
        stopped = true;
        stopSegment = segment.name();
        stopOffset = reader.start();
        stopTimestampMs = reader.timestampMs();
        keptBeforeStop = kept + preambleKeys();
    }

    @Override
    public void command(AofSegment segment, AofReader reader, long index) throws IOException {
        read++;
        if (stopped) {
            dropped++;
            commandsAfterUntil++;
            return;
        }
        CommandTable.Command c = reader.command();
        CommandTable.Role role = c == null ? CommandTable.Role.OTHER : c.role();
        if (orphanMode) {
            switch (role) {
                case EXEC, DISCARD -> {
                    // They were the tail of the transaction the damage broke: dropped with it.
                    long n = orphan.items() + 1;
                    dropped += n;
                    AofRegion r = regions.get(orphanRegion);
                    regions.set(orphanRegion, r.withCommandsLost(r.commandsLost() + n));
                    orphan.clear();
                    orphanMode = false;
                    return;
                }
                case MULTI -> releaseOrphan();
                default -> {
                    if (dropped(reader)) return;
                    orphan.add(reader.start(), reader.end());
                    return;
                }
            }
        }
        switch (role) {
            case MULTI -> {
                if (inTx) {
                    // A MULTI inside a transaction: the one before never completed.
                    dropped += tx.items();
                    txDropped++;
                }
                inTx = true;
                tx.clear();
                tx.add(reader.start(), reader.end());
                multiStart = reader.start();
                multiEnd = reader.end();
                return;
            }
            case EXEC, DISCARD -> {
                if (!inTx) {
                    // The end of a transaction whose start was lost (kept partial) or never there.
                    dropped++;
                    return;
                }
                inTx = false;
                flushRun();
                tx.writeTo(input, out, -1, -1);
                emit(reader);
                kept += tx.items() + 1;
                tx.clear();
                return;
            }
            default -> {
            }
        }
        if (dropped(reader)) return;
        if (inTx) {
            tx.add(reader.start(), reader.end());
            return;
        }
        emit(reader);
        kept++;
    }

    /** Whether {@code --drop} leaves this command out (then it is counted and listed). */
    private boolean dropped(AofReader reader) {
        if (drop.isEmpty()) return false;
        String name = reader.commandName();
        if (!drop.contains(name)) return false;
        dropped++;
        droppedByName.merge(name, 1L, Long::sum);
        if (droppedCommands.size() < MAX_LISTED) {
            droppedCommands.add(new AofRepairReport.DroppedCommand(segment.name(), reader.start(), reader.line(), name, reader.db(), reader.timestampMs()));
        }
        return true;
    }

    /** The commands held back after damage were outside the broken transaction: written as read. */
    private void releaseOrphan() throws IOException {
        flushRun();
        orphan.writeTo(input, out, -1, -1);
        kept += orphan.items();
        orphan.clear();
        orphanMode = false;
    }

    @Override
    public void damaged(AofRegion region) throws IOException {
        long lost = 0;
        if (inTx) {
            inTx = false;
            if (keepPartialTransactions) {
                // Its intact commands are kept, without the MULTI that would wait for a lost EXEC.
                flushRun();
                tx.writeTo(input, out, multiStart, multiEnd);
                kept += tx.items() - 1;
                dropped++;
            } else {
                lost = tx.items();
                dropped += lost;
                txDropped++;
                // What follows the damage, up to an EXEC, may be the rest of this transaction.
                orphanMode = !region.truncatedTail();
                orphanRegion = regions.size();
            }
            tx.clear();
        } else if (orphanMode) {
            // More damage before any EXEC: the commands held back were not the transaction's.
            releaseOrphan();
        }
        regions.add(lost == 0 ? region : region.withCommandsLost(lost));
    }

    @Override
    public void segmentEnd(AofSegment segment) throws IOException {
        if (inTx) {
            // Unterminated at the end of the file: the server reverts it on load.
            dropped += tx.items();
            txDropped++;
            tx.clear();
            inTx = false;
        }
        if (orphanMode) releaseOrphan();
        flushRun();
        closePreambleInput();
        if (input != null) input.close();
        input = null;
        if (out != null) {
            out.flush();
            out.close();
        }
    }

    /**
     * Keeps what the reader just read. Kept bytes that follow each other in the file are copied
     * as one range (in pieces of at most {@link #RUN}), not command by command: an intact AOF is
     * copied at the speed of a file copy.
     */
    private void emit(AofReader reader) throws IOException {
        if (out == null) return;
        if (runEnd != reader.start()) {
            flushRun();
            runStart = reader.start();
        }
        runEnd = reader.end();
        if (runEnd - runStart >= RUN) flushRun();
    }

    /** Writes the kept bytes not yet written; before anything else is written to the output. */
    private void flushRun() throws IOException {
        if (runEnd > runStart) {
            if (copyBuffer == null) copyBuffer = new byte[1 << 20];
            FileRanges.copy(input, runStart, runEnd, out, copyBuffer);
        }
        runStart = runEnd = -1;
    }

    /** The RESP form Redis writes to an AOF. */
    public static byte[] encode(byte[][] argv) {
        int size = 16;
        for (byte[] a : argv) size += a.length + 16;
        java.io.ByteArrayOutputStream bo = new java.io.ByteArrayOutputStream(size);
        byte[] head = ("*" + argv.length + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        bo.write(head, 0, head.length);
        for (byte[] a : argv) {
            byte[] len = ("$" + a.length + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            bo.write(len, 0, len.length);
            bo.write(a, 0, a.length);
            bo.write('\r');
            bo.write('\n');
        }
        return bo.toByteArray();
    }
}
