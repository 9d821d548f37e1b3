package dev.salvor.format;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * An input file opened once, for every read a command makes of it. The name the user gave is
 * resolved once (naming a link is a choice), the file it names is opened without following a
 * link, and what was opened is verified to be a regular file; from then on every reader reads
 * through this one channel at absolute positions, so the name can be swapped for a link or
 * another file in the middle of a run without anything else being read.
 */
public final class InputFile implements Closeable {
    private final Path path;
    private final String source;
    private final FileChannel channel;
    private final long size;

    private InputFile(Path path, String source, FileChannel channel) throws IOException {
        this.path = path;
        this.source = source;
        this.channel = channel;
        this.size = channel.size();
    }

    /** Opens the file the user named (a link given on the command line is resolved once, here). */
    public static InputFile open(Path file) throws IOException {
        return open(file.toRealPath(), file.toString());
    }

    /**
     * Opens {@code file} itself, never a link there (a file found inside a directory, where a
     * link could lead anywhere). {@code source} is the name messages give it.
     */
    public static InputFile openNoLinks(Path file, String source) throws IOException {
        return open(file, source);
    }

    private static InputFile open(Path file, String source) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            if (Files.isSymbolicLink(file)) throw new NotRegularFileException(source, "is a symbolic link");
            throw e;
        }
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (!a.isRegularFile()) throw new NotRegularFileException(source, a.isSymbolicLink() ? "is a symbolic link" : "is not a regular file");
            return new InputFile(file, source, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Wraps a channel some other verified open made (an AOF segment); closing this closes it. */
    public static InputFile of(FileChannel channel, Path path, String source) throws IOException {
        return new InputFile(path, source, channel);
    }

    /** The file that was opened (links resolved). */
    public Path path() {
        return path;
    }

    /** The name messages give the input. */
    public String source() {
        return source;
    }

    /** Read with absolute positions only ({@link FileChannel#read(java.nio.ByteBuffer, long)}): it is shared. */
    public FileChannel channel() {
        return channel;
    }

    /** The size when it was opened. */
    public long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** The input is a link or not a regular file where one must be. */
    public static final class NotRegularFileException extends IOException {
        public NotRegularFileException(String source, String what) {
            super(source + ": " + what + "; an input is read only from a regular file, and a link is never followed once the input is named");
        }
    }
}
