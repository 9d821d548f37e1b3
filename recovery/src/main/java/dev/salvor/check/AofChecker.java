package dev.salvor.check;

import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofSegment;
import dev.salvor.io.Progress;
import dev.salvor.repair.AofRepairReport;
import dev.salvor.repair.AofRepairer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** {@code check} of an AOF (a file, or a directory with a manifest): the repair's scan, writing nothing. */
public final class AofChecker {
    private AofChecker() {
    }

    public static AofRepairReport check(Path path, Progress progress) throws IOException {
        AofLayout layout = AofLayout.of(path);
        phase(progress, "checking", layout);
        return new AofRepairer(layout, null, false, -1, Set.of()).progress(progress).run();
    }

    /** Starts a progress phase over the bytes of every segment (progress may be null). */
    public static void phase(Progress progress, String label, AofLayout layout) throws IOException {
        if (progress == null) return;
        long total = 0;
        for (AofSegment s : layout.segments()) total += Files.size(s.file());
        progress.phase(label, total, Progress.Unit.BYTES);
    }
}
