package dev.salvor.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An output file written through a temporary file in the same directory, forced to disk and then
 * renamed into place, so a reader never sees half a file and a crash never leaves one. An
 * existing file is replaced only when forced. {@code -} is standard output (no atomicity).
 */
public final class AtomicOutput implements Closeable {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final OutputStream stream;
    private boolean committed;

    private AtomicOutput(Path target, Path temp, FileChannel channel, OutputStream stream) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
        this.stream = stream;
    }

    /** Starts writing {@code target}; fails when it exists and {@code force} is off. */
    public static AtomicOutput create(Path target, boolean force) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) throw new InputException(target + ": is a directory");
        if (Files.exists(abs) && !force) throw new InputException(target + ": already exists (use --force to replace it)");
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
        if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            // createTempFile makes the file private; an output is an ordinary file.
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        OutputStream os = new BufferedOutputStream(new FilterOutputStream(Channels.newOutputStream(ch)) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() {
                // the channel is closed by commit or abort
            }
        }, 1 << 16);
        return new AtomicOutput(target, temp, ch, os);
    }

    /** Standard output, for {@code -}: written directly. */
    public static OutputStream stdout(OutputStream out) {
        return new BufferedOutputStream(unclosable(out), 1 << 16);
    }

    /** A view of {@code out} whose close only flushes (for streams shared by several writers). */
    public static OutputStream unclosable(OutputStream out) {
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
    }

    public OutputStream stream() {
        return stream;
    }

    public Path target() {
        return target;
    }

    /** Flushes, forces to disk and renames into place. */
    public void commit() throws IOException {
        stream.flush();
        channel.force(true);
        channel.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    /** Without a commit, the temporary file is removed and the target left as it was. */
    @Override
    public void close() throws IOException {
        if (committed) return;
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Refuses an output that is the input itself: inputs are never modified. */
    public static void checkNotSameFile(Path input, Path output) throws IOException {
        if (input == null || output == null) return;
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new InputException(output + ": is the input file; inputs are never modified, choose another output");
        }
    }
}
