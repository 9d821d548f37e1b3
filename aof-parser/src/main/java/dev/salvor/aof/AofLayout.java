package dev.salvor.aof;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What an AOF path is: a single file (Redis before 7.0, or any file of commands), or a multi-part
 * {@code appendonlydir} described by its manifest (given as the directory or the manifest file).
 */
public record AofLayout(Path path, AofManifest manifest, List<AofSegment> segments) {
    public boolean multiPart() {
        return manifest != null;
    }

    public static AofLayout of(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            Path manifest;
            try (Stream<Path> files = Files.list(path)) {
                List<Path> found = files.filter(p -> p.getFileName().toString().endsWith(".manifest")).toList();
                if (found.size() != 1) {
                    throw new AofFormatException(AofFormatException.Reason.BAD_MANIFEST, path.toString(), 0, 0,
                            found.isEmpty() ? "no *.manifest file in the directory" : "more than one *.manifest file: " + found);
                }
                manifest = found.get(0);
            }
            AofManifest m = AofManifest.read(manifest);
            return new AofLayout(path, m, m.loaded());
        }
        if (looksLikeManifest(path)) {
            AofManifest m = AofManifest.read(path);
            return new AofLayout(path.toAbsolutePath().getParent(), m, m.loaded());
        }
        return new AofLayout(path, null, List.of(new AofSegment(path, AofSegment.Kind.SINGLE, 0)));
    }

    private static boolean looksLikeManifest(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(5);
            return new String(head, StandardCharsets.ISO_8859_1).equals("file ");
        }
    }

    /** Whether a path holds an AOF rather than an RDB: a directory, a manifest, or RESP / annotation bytes. */
    public static boolean isAof(Path path) throws IOException {
        if (Files.isDirectory(path)) return true;
        try (InputStream in = Files.newInputStream(path)) {
            byte[] head = in.readNBytes(5);
            if (head.length == 0) return false;
            String s = new String(head, StandardCharsets.ISO_8859_1);
            return head[0] == '*' || head[0] == '#' || s.equals("file ");
        }
    }
}
