package dev.salvor.aof;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/** One file of an AOF: its path, its role in a multi-part AOF, and its sequence number. */
public record AofSegment(Path file, Kind kind, long seq) {
    /** The role a file plays. */
    public enum Kind {
        /** The only file of a single-file AOF (Redis before 7.0). */
        SINGLE,
        /** A multi-part base (RDB or AOF content). */
        BASE,
        /** An incremental file of commands after the base. */
        INCR,
        /** A file kept for history only; not loaded by Redis. */
        HISTORY
    }

    public String name() {
        return file.getFileName().toString();
    }

    /**
     * Opens a segment file for reading. A link is never followed (the open itself refuses one, so
     * nothing can be swapped in between a check and the open), and what was opened is then
     * verified to be a regular file: a manifest cannot make Salvor read outside its directory.
     * A single-file AOF's path is resolved when its layout is made, so it opens the same way.
     */
    public static FileChannel open(Path file) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) throw notRegular(file, "is a symbolic link");
            throw e;
        }
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) throw notRegular(file, a.isSymbolicLink() ? "is a symbolic link" : "is not a regular file");
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Without opening: whether the entry itself (not what a link points to) is a regular file. */
    static void requireRegular(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) throw notRegular(file, a.isSymbolicLink() ? "is a symbolic link" : "is not a regular file");
    }

    private static AofFormatException notRegular(Path file, String what) {
        return new AofFormatException(AofFormatException.Reason.BAD_MANIFEST, file.toString(), 0, 0,
                what + "; the files of an appendonlydir must be regular files inside it, and links are never followed");
    }
}
