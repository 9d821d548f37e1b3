package dev.salvor.export;

import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofPreamble;
import dev.salvor.aof.AofReader;
import dev.salvor.aof.AofSegment;
import dev.salvor.aof.CommandTable;
import dev.salvor.io.KeyFilter;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.repair.AofRegion;
import dev.salvor.repair.AofScanner;
import dev.salvor.rdb.walk.RdbWalker;
import dev.salvor.salvage.ExportingVisitor;
import dev.salvor.salvage.SalvageVisitor;
import dev.salvor.salvage.SalvageReport;

import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Exports an AOF in the order the server loads it: the keys of an RDB preamble or base first, as
 * key records in the RDB export's format ending with {@code "segment"} (the file they come from),
 * then each command as {@code {"segment","offset","db","time_ms","tx","argv"}}.
 *
 * <p>Databases ({@code --db}) select keys and commands alike; key patterns ({@code --match})
 * select keys, and commands by the keys they name as the command table places them (a command
 * naming no key is left out; one whose keys the table cannot place, e.g. EVAL, is kept, since it
 * may touch a matching key). Without {@code salvage} the export stops at the first damage; with
 * it every intact command after damage is exported and a damaged preamble is read by the RDB
 * salvager (cut keys marked {@code "partial"}).
 */
public final class AofExporter implements AofScanner.AofListener {
    /**
     * What was exported.
     *
     * @param stoppedAt the damage the export stopped at (without salvage), or null
     */
    public record Result(long keys, long commands, long commandsSkipped, List<AofRegion> regions, List<SalvageReport> salvagedPreambles,
                         Stop stoppedAt) {
        public boolean clean() {
            return regions.isEmpty() && stoppedAt == null && salvagedPreambles.isEmpty();
        }
    }

    /** Where an export without salvage stopped: the file, the offset and what was wrong there. */
    public record Stop(String segment, long offset, String what) {
    }

    /** Thrown through the scanner to end an export at the first damage. */
    private static final class Stopped extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient Stop stop;

        Stopped(Stop stop) {
            super(stop.what());
            this.stop = stop;
        }
    }

    private final NdjsonExporter out;
    private final KeyFilter filter;
    private final boolean salvage;
    private final boolean narrowed;
    private final List<AofRegion> regions = new ArrayList<>();
    private final List<SalvageReport> salvaged = new ArrayList<>();
    private long commands;
    private long skipped;

    private AofExporter(NdjsonExporter out, KeyFilter filter, boolean salvage) {
        this.out = out;
        this.filter = filter;
        this.salvage = salvage;
        this.narrowed = filter.narrows();
    }

    public static Result export(AofLayout layout, NdjsonExporter out, KeyFilter filter, boolean salvage) throws IOException {
        AofExporter e = new AofExporter(out, filter, salvage);
        Stop stop = null;
        try {
            new AofScanner().scan(layout.segments(), e);
        } catch (Stopped s) {
            stop = s.stop;
        } finally {
            out.segment(null);
        }
        return new Result(out.summary().keysWritten(), e.commands, e.skipped, List.copyOf(e.regions), List.copyOf(e.salvaged), stop);
    }

    @Override
    public void segmentStart(AofSegment segment) {
        out.segment(segment.name());
    }

    @Override
    public void preamble(AofSegment segment, AofPreamble preamble) throws IOException {
        // Read through a channel opened as every segment is (a link is never followed).
        try (FileChannel ch = AofSegment.open(segment.file());
             RdbReader reader = RdbReader.of(new java.io.BufferedInputStream(Channels.newInputStream(ch), 1 << 16), segment.name(), ch.size())) {
            RdbWalker.walk(reader, out);
        }
    }

    @Override
    public SalvageVisitor preambleListener(AofSegment segment) throws IOException {
        if (!salvage) {
            throw new Stopped(new Stop(segment.name(), 0, "damaged RDB " + (segment.kind() == AofSegment.Kind.BASE ? "base" : "preamble")));
        }
        return new ExportingVisitor(out);
    }

    @Override
    public void preambleSalvaged(AofSegment segment, SalvageReport report, long end) {
        salvaged.add(report);
    }

    @Override
    public void damaged(AofRegion region) throws IOException {
        if (!salvage) throw new Stopped(new Stop(region.segment(), region.start(), region.reason() + ": " + region.detail()));
        regions.add(region);
    }

    @Override
    public void command(AofSegment segment, AofReader r, long index) throws IOException {
        if (!selected(r)) {
            skipped++;
            return;
        }
        commands++;
        out.writeRecord(g -> {
            g.writeStartObject();
            g.writeStringField("segment", segment.name());
            g.writeNumberField("offset", r.start());
            g.writeNumberField("db", r.db());
            if (r.timestampMs() >= 0) g.writeNumberField("time_ms", r.timestampMs());
            if (r.txId() > 0) g.writeNumberField("tx", r.txId());
            g.writeArrayFieldStart("argv");
            for (byte[] a : r.argv()) RedisStrings.write(g, a);
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** By database, and by the keys the command names. */
    private boolean selected(AofReader r) {
        if (!narrowed) return true;
        if (!filter.acceptsDb(r.db())) return false;
        if (!filter.matchesKeys()) return true;
        CommandTable.Command c = r.command();
        if (c == null || c.movableKeys()) return true;
        if (c.firstKey() <= 0) return false;
        int last = c.lastKey() < 0 ? r.argc() + c.lastKey() : Math.min(c.lastKey(), r.argc() - 1);
        int step = Math.max(1, c.step());
        for (int i = c.firstKey(); i <= last; i += step) {
            if (filter.matchesKey(r.arg(i))) return true;
        }
        return false;
    }
}
