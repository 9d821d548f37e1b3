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
            AofSegment.requireRegular(manifest);
            return multiPart(path, AofManifest.read(manifest));
        }
        if (looksLikeManifest(path)) {
            return multiPart(path.toAbsolutePath().getParent(), AofManifest.read(path));
        }
        // The user named this file (perhaps through a link): its real path is opened without following links.
        return new AofLayout(path, null, List.of(new AofSegment(path.toRealPath(), AofSegment.Kind.SINGLE, 0)));
    }

    /** Every file a manifest lists that exists must be a regular file in the directory, not a link. */
    private static AofLayout multiPart(Path dir, AofManifest m) throws IOException {
        for (AofSegment s : m.segments()) {
            if (Files.exists(s.file(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) AofSegment.requireRegular(s.file());
        }
        return new AofLayout(dir, m, m.loaded());
    }

    private static boolean looksLikeManifest(Path file) throws IOException {
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
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(path)) {
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(6);
            ch.read(head, 0);
            if (head.position() == 0) return false;
            String s = new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
            if (s.charAt(0) == '*' || s.charAt(0) == '#' || s.startsWith("file ")) return true;
            if (!(s.startsWith("REDIS") || s.startsWith("VALKEY")) || ch.size() < 12) return false;
            java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(2);
            ch.read(tail, ch.size() - 2);
            if (tail.get(0) != '\r' || tail.get(1) != '\n') return false;
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
