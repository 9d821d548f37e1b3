package dev.salvor.repair;

import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofManifest;
import dev.salvor.aof.AofSegment;
import dev.salvor.format.FileRanges;
import dev.salvor.io.OutputStreams;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where an AOF repair goes: a single-file AOF into one stream, a multi-part AOF into a directory
 * of the same file names with a manifest listing them; the damaged byte ranges into a quarantine.
 */
public final class RepairOutputs {
    private RepairOutputs() {
    }

    /** Every repaired segment of a single-file AOF into {@code out}, which stays open for the caller. */
    public static AofRepairer.Outputs stream(OutputStream out) {
        return seg -> OutputStreams.unclosable(out);
    }

    /** Each repaired segment as a new file of its own name in {@code dir} (an existing file is an error, never replaced). */
    public static AofRepairer.Outputs directory(Path dir) {
        return seg -> Files.newOutputStream(dir.resolve(seg.name()), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** The manifest of a repaired multi-part AOF, under the name the damaged one had, listing the files the repair wrote. */
    public static void manifest(AofLayout layout, Path dir) throws IOException {
        Files.write(dir.resolve(layout.manifestName()), AofManifest.format(layout.segments()));
    }

    /** The bytes of every damaged region, in report order, copied from the segments they lie in. */
    public static void quarantine(AofLayout layout, AofRepairReport r, OutputStream out) throws IOException {
        for (AofRegion g : r.regions()) {
            AofSegment seg = layout.segments().stream().filter(s -> s.name().equals(g.segment())).findFirst().orElseThrow();
            try (FileChannel ch = AofSegment.open(seg.file())) {
                FileRanges.copy(ch, g.start(), g.end(), out);
            }
        }
    }

    /**
     * Why {@code dir} is not a directory that a repair could have written (one manifest that reads
     * as one the server accepts, and nothing but the regular files it lists), or null when it is:
     * only such a directory is ever replaced.
     */
    public static String notRepairedDirectory(Path dir) throws IOException {
        List<Path> entries;
        try (var list = Files.list(dir)) {
            entries = list.toList();
        }
        List<Path> manifests = entries.stream().filter(p -> p.getFileName().toString().endsWith(".manifest")).toList();
        if (manifests.size() != 1) return manifests.isEmpty() ? "it holds no manifest" : "it holds several manifests";
        if (!Files.isRegularFile(manifests.get(0), LinkOption.NOFOLLOW_LINKS)) return "its manifest is not a regular file";
        AofManifest m;
        try {
            m = AofManifest.read(manifests.get(0));
        } catch (IOException e) {
            return "its manifest does not read as one";
        }
        if (!m.problems().isEmpty()) return "its manifest is not one the server accepts";
        Set<String> listed = new HashSet<>();
        for (AofSegment s : m.segments()) listed.add(s.name());
        for (Path p : entries) {
            String name = p.getFileName().toString();
            if (p.equals(manifests.get(0))) continue;
            if (!listed.contains(name)) return "it holds " + name + ", which its manifest does not list";
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) return name + " is not a regular file";
        }
        return null;
    }
}
