package dev.salvor.inspect;

import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofPreamble;
import dev.salvor.aof.AofReader;
import dev.salvor.aof.AofSegment;
import dev.salvor.check.AofChecker;
import dev.salvor.io.Progress;
import dev.salvor.repair.AofRegion;
import dev.salvor.repair.AofScanner;
import dev.salvor.salvage.SalvageReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Reads an AOF once and summarises it (see {@link AofInspection}). */
public final class AofInspector implements AofScanner.AofListener {
    private final Map<String, Long> byName = new TreeMap<>();
    private final Map<Integer, Long> byDb = new TreeMap<>();
    private final List<AofRegion> regions = new ArrayList<>();
    private long commands;
    private long transactions;
    private long firstTs = -1;
    private long lastTs = -1;
    private long preambles;
    private long preambleKeys;

    private AofInspector() {
    }

    /** Inspects the AOF at {@code path}, named {@code shown} (a piped or unpacked copy is named as the user gave it). */
    public static AofInspection inspect(Path path, String shown, Progress progress) throws IOException {
        AofLayout layout = AofLayout.of(path);
        AofChecker.phase(progress, "reading", layout);
        AofInspector v = new AofInspector();
        new AofScanner().progress(progress).scan(layout.segments(), v);
        List<AofInspection.Segment> segments = new ArrayList<>();
        for (AofSegment s : layout.segments()) {
            segments.add(new AofInspection.Segment(s.name(), s.kind().name().toLowerCase(Locale.ROOT), s.seq(), Files.size(s.file())));
        }
        return new AofInspection(shown, layout.multiPart(), List.copyOf(segments), v.preambles, v.preambleKeys, v.commands, v.transactions,
                v.firstTs, v.lastTs, v.byName, v.byDb, List.copyOf(v.regions));
    }

    @Override
    public void command(AofSegment segment, AofReader r, long index) {
        commands++;
        String name = r.commandName();
        byName.merge(name, 1L, Long::sum);
        byDb.merge(r.db(), 1L, Long::sum);
        if (name.equals("multi")) transactions++;
        if (r.timestampMs() >= 0) {
            if (firstTs < 0) firstTs = r.timestampMs();
            lastTs = r.timestampMs();
        }
    }

    @Override
    public void preamble(AofSegment segment, AofPreamble p) {
        preambles++;
        preambleKeys += p.keys();
    }

    @Override
    public void preambleSalvaged(AofSegment segment, SalvageReport report, long end) {
        preambles++;
        preambleKeys += report.keysRecovered() + report.keysPartial();
    }

    @Override
    public void damaged(AofRegion region) {
        regions.add(region);
    }
}
