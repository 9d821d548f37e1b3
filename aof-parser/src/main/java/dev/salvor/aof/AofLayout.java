package dev.salvor.aof;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What an AOF path is: a single file (Redis before 7.0, or any file of commands), or a multi-part
 * {@code appendonlydir} described by its manifest (given as the directory or the manifest file).
 *
 * <p>A manifest the server would refuse (see {@link AofManifest}) or a missing one is damage, not
 * a dead end: the files to read are then rebuilt from the manifest's readable lines and the files
 * present, ordered by type and sequence, and {@link #rebuild()} says how they were chosen.
 *
 * @param path         the AOF file, or the directory
 * @param manifest     the manifest as read, or null (single file, or a directory without one)
 * @param segments     the files read, in the order the server loads them
 * @param problems     why the server would refuse the manifest; empty when it accepts it
 * @param rebuild      how the files were chosen when the manifest could not be followed; empty otherwise
 * @param manifestName the manifest's file name (the one a repaired directory gets)
 */
public record AofLayout(Path path, AofManifest manifest, List<AofSegment> segments, List<AofManifest.Problem> problems,
                        List<String> rebuild, String manifestName) {
    private static final String SUFFIX = ".manifest";
    private static final Pattern PART = Pattern.compile("(.+)\\.(\\d{1,18})\\.(base\\.rdb|base\\.aof|incr\\.aof)", Pattern.DOTALL);

    public boolean multiPart() {
        return manifestName != null;
    }

    /** Whether the files read are not simply the ones a valid manifest lists. */
    public boolean rebuilt() {
        return !rebuild.isEmpty();
    }

    /**
     * Every file this AOF consists of, which no output may touch: the file or directory, the
     * manifest, every file the manifest lists (history too) and every file read.
     */
    public List<Path> files() {
        List<Path> in = new ArrayList<>();
        in.add(path);
        if (manifest != null) {
            in.add(manifest.path());
            for (AofSegment s : manifest.segments()) in.add(s.file());
            for (AofSegment s : manifest.listed()) in.add(s.file());
        }
        for (AofSegment s : segments) in.add(s.file());
        return in;
    }

    public static AofLayout of(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            List<Path> manifests;
            try (Stream<Path> files = Files.list(path)) {
                manifests = files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
            }
            // A rewrite writes temp-NAME.manifest and renames it: a leftover one is not the manifest.
            List<Path> current = manifests.stream().filter(p -> !p.getFileName().toString().startsWith("temp-")).toList();
            if (current.size() > 1) {
                throw new AofFormatException(AofFormatException.Reason.BAD_MANIFEST, path.toString(), 0, 0,
                        "more than one *.manifest file (" + String.join(", ", current.stream().map(p -> p.getFileName().toString()).toList())
                                + "): name the one to read");
            }
            if (current.isEmpty()) return withoutManifest(path);
            AofSegment.requireRegular(current.get(0));
            return of(path, AofManifest.read(current.get(0)));
        }
        if (looksLikeManifest(path)) {
            AofSegment.requireRegular(path);
            return of(path.toAbsolutePath().getParent(), AofManifest.read(path));
        }
        // The user named this file (perhaps through a link): its real path is opened without following links.
        return new AofLayout(path, null, List.of(new AofSegment(path.toRealPath(), AofSegment.Kind.SINGLE, 0)), List.of(), List.of(), null);
    }

    private static AofLayout of(Path dir, AofManifest m) throws IOException {
        String name = m.path().getFileName().toString();
        if (m.problems().isEmpty()) return new AofLayout(dir, m, m.loaded(), List.of(), List.of(), name);
        String prefix = name.substring(0, name.length() - SUFFIX.length());
        List<String> notes = new ArrayList<>();
        List<AofSegment> chosen = rebuild(dir, prefix, m.listed(), m.history(), notes);
        return new AofLayout(dir, m, chosen, m.problems(), notes, name);
    }

    /** A directory of AOF parts without a manifest: damage when it holds parts, not an AOF otherwise. */
    private static AofLayout withoutManifest(Path dir) throws IOException {
        Map<String, Integer> prefixes = new HashMap<>();
        for (Path p : parts(dir)) {
            Matcher m = PART.matcher(p.getFileName().toString());
            if (m.matches()) prefixes.merge(m.group(1), 1, Integer::sum);
        }
        if (prefixes.isEmpty()) {
            throw new AofFormatException(AofFormatException.Reason.BAD_MANIFEST, dir.toString(), 0, 0,
                    "no *.manifest file and no AOF part (NAME.N.base.rdb, NAME.N.incr.aof, ...) in the directory");
        }
        String prefix = prefixes.entrySet().stream().max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow().getKey();
        List<String> notes = new ArrayList<>();
        List<AofSegment> chosen = rebuild(dir, prefix, List.of(), List.of(), notes);
        List<AofManifest.Problem> problems = List.of(new AofManifest.Problem(0, 0, "the directory has no manifest (" + prefix + SUFFIX + ")"));
        return new AofLayout(dir, null, chosen, problems, notes, prefix + SUFFIX);
    }

    /** The files named as AOF parts; each must be a regular file, never a link. */
    private static List<Path> parts(Path dir) throws IOException {
        List<Path> parts;
        try (Stream<Path> files = Files.list(dir)) {
            parts = files.filter(p -> PART.matcher(p.getFileName().toString()).matches()).sorted().toList();
        }
        for (Path p : parts) AofSegment.requireRegular(p);
        return parts;
    }

    /**
     * The files to read when the manifest cannot be followed. From the manifest's lines that name
     * existing files: the base of the highest seq and the incr files in seq order (each once).
     * From the files present with the manifest's name: incr files newer than every listed one
     * (a manifest that lost its last lines), or, when no line could be read, the newest base and
     * every incr file in seq order. Every choice is written to {@code notes}.
     */
    private static List<AofSegment> rebuild(Path dir, String prefix, List<AofSegment> listed, List<AofSegment> history, List<String> notes)
            throws IOException {
        Set<String> historyNames = new HashSet<>();
        for (AofSegment h : history) historyNames.add(h.name());
        Map<String, AofSegment> present = new HashMap<>();
        for (Path p : parts(dir)) {
            Matcher m = PART.matcher(p.getFileName().toString());
            if (!m.matches() || !m.group(1).equals(prefix)) continue;
            AofSegment.Kind kind = m.group(3).startsWith("base") ? AofSegment.Kind.BASE : AofSegment.Kind.INCR;
            present.put(p.getFileName().toString(), new AofSegment(p, kind, Long.parseLong(m.group(2))));
        }
        AofSegment base = null;
        Map<String, AofSegment> incr = new HashMap<>();
        Set<String> seen = new HashSet<>();
        for (AofSegment s : listed) {
            if (!seen.add(s.name())) continue;
            if (s.kind() == AofSegment.Kind.BASE) {
                if (base == null || s.seq() > base.seq()) base = s;
            } else {
                incr.put(s.name(), s);
            }
        }
        String from;
        if (base == null && incr.isEmpty()) {
            from = "the files present";
            for (AofSegment s : present.values()) {
                if (historyNames.contains(s.name())) continue;
                if (s.kind() == AofSegment.Kind.BASE) {
                    if (base == null || s.seq() > base.seq()) base = s;
                } else {
                    incr.put(s.name(), s);
                }
            }
        } else {
            from = "the manifest's readable lines";
            long maxIncr = incr.values().stream().mapToLong(AofSegment::seq).max().orElse(Long.MIN_VALUE);
            for (AofSegment s : present.values()) {
                if (seen.contains(s.name()) || historyNames.contains(s.name())) continue;
                if (s.kind() == AofSegment.Kind.INCR && s.seq() > maxIncr) {
                    incr.put(s.name(), s);
                    notes.add(s.name() + " is not listed but is newer than every listed incr file: read after them");
                }
            }
        }
        List<AofSegment> out = new ArrayList<>();
        if (base != null) out.add(base);
        incr.values().stream().sorted(Comparator.comparingLong(AofSegment::seq).thenComparing(AofSegment::name)).forEach(out::add);
        Set<String> used = new HashSet<>();
        for (AofSegment s : out) used.add(s.name());
        List<String> left = present.keySet().stream().filter(n -> !used.contains(n)).sorted().toList();
        notes.add(0, "files chosen from " + from + ": " + (out.isEmpty() ? "none"
                : String.join(", ", out.stream().map(s -> s.name() + (s.kind() == AofSegment.Kind.BASE ? " (base)" : "")).toList()))
                + " (base first, then incr files by seq)");
        if (!left.isEmpty()) notes.add("left out: " + String.join(", ", left) + " (older parts or history)");
        return List.copyOf(out);
    }

    private static boolean looksLikeManifest(Path file) throws IOException {
        if (file.getFileName() != null && file.getFileName().toString().endsWith(SUFFIX)) return true;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(5);
            return new String(head, StandardCharsets.ISO_8859_1).equals("file ");
        }
    }

    /**
     * Whether a path holds an AOF rather than an RDB: a directory, a manifest, RESP or annotation
     * bytes, or an RDB preamble followed by commands (an AOF of Redis 4 to 6 with
     * aof-use-rdb-preamble: it ends with a command's CRLF where a snapshot ends with its checksum).
     */
    public static boolean isAof(Path path) throws IOException {
        if (Files.isDirectory(path)) return true;
        if (path.getFileName() != null && path.getFileName().toString().endsWith(SUFFIX)) return true;
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path)) {
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(6);
            ch.read(head, 0);
            if (head.position() == 0) return false;
            String s = new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
            if (s.charAt(0) == '*' || s.charAt(0) == '#' || s.startsWith("file ")) return true;
            if (ch.size() < 12) return false;
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(2);
            ch.read(tail, ch.size() - 2);
            if (tail.get(0) != '\r' || tail.get(1) != '\n') return false;
            // A preamble whose header was destroyed: the tail still says commands.
            if (!(s.startsWith("REDIS") || s.startsWith("VALKEY"))) return tailLooksLikeCommands(path);
        }
        return preambleFollowedByCommands(path);
    }

    private static boolean preambleFollowedByCommands(Path path) throws IOException {
        try (dev.salvor.rdb.RdbReader rdb = dev.salvor.rdb.RdbReader.open(path)) {
            while (rdb.next() != dev.salvor.rdb.RdbToken.END) {
                if (rdb.inValue()) rdb.skipValue(dev.salvor.rdb.RdbReader.Skip.FRAMING);
            }
            byte[] next = rdb.bufferedUnread();
            return next.length > 0 && (next[0] == '*' || next[0] == '#');
        } catch (dev.salvor.rdb.RdbFormatException e) {
            // A damaged preamble: the tail still tells, since a snapshot ends with its checksum,
            // not with RESP commands.
            return tailLooksLikeCommands(path);
        }
    }

    private static boolean tailLooksLikeCommands(Path path) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path)) {
            int n = (int) Math.min(4096, ch.size());
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(n);
            ch.read(tail, ch.size() - n);
            String t = new String(tail.array(), 0, tail.position(), StandardCharsets.ISO_8859_1);
            int star = t.lastIndexOf("\r\n*");
            return star >= 0 && star + 3 < t.length() && Character.isDigit(t.charAt(star + 3)) && t.indexOf("\r\n$", star) > star;
        }
    }
}
