package dev.salvor.io;

import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.OutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The temporary disk a run may use: where it goes, how much of it, and what is left. Inputs that
 * need random access but arrive as a stream (compressed, archived, stdin) are copied here, and
 * diff spills its sorted runs here. Every byte written is counted against a limit the user can
 * raise ({@code --temp-limit}) and stops short of filling the file system, so a small hostile
 * archive cannot fill a disk. Files are named and registered through {@link TempFiles}; closing
 * the spool removes them.
 */
public final class Spool implements Closeable {
    /** Temporary bytes one run may write unless told otherwise. */
    public static final long DEFAULT_LIMIT = 32L << 30;
    /** Free space always left on the temporary file system. */
    public static final long RESERVE = 1L << 30;
    private static final long CHECK_EVERY = 64L << 20;

    private final Path dir;
    private final long limit;
    private final long reserve;
    private final Consumer<String> notices;
    private final List<Path> created = new ArrayList<>();
    private long written;
    private long sinceCheck = Long.MAX_VALUE / 2;
    private boolean swept;

    /**
     * @param dir     where temporaries go (null: {@code java.io.tmpdir})
     * @param limit   bytes this run may write there
     * @param notices where spooling is announced and stale temporaries are named; may be null
     */
    public Spool(Path dir, long limit, Consumer<String> notices) {
        this(dir, limit, RESERVE, notices);
    }

    Spool(Path dir, long limit, long reserve, Consumer<String> notices) {
        this.dir = dir != null ? dir : Path.of(System.getProperty("java.io.tmpdir"));
        this.limit = limit;
        this.reserve = reserve;
        this.notices = notices;
    }

    /** The default temporary directory and limit, without notices. */
    public static Spool defaults() {
        return new Spool(null, DEFAULT_LIMIT, null);
    }

    public Path dir() {
        return dir;
    }

    public long limit() {
        return limit;
    }

    /** Bytes written so far by this run. */
    public long written() {
        return written;
    }

    private void prepare() throws IOException {
        if (swept) return;
        swept = true;
        Files.createDirectories(dir);
        TempFiles.sweep(dir, notices);
    }

    /** A new registered temporary file, removed when the spool closes. */
    public Path newFile(String lead, String suffix) throws IOException {
        prepare();
        Path p = TempFiles.createFile(dir, lead, suffix);
        created.add(p);
        return p;
    }

    /** A new registered temporary directory, removed with everything in it when the spool closes. */
    public Path newDirectory(String what) throws IOException {
        prepare();
        Path p = TempFiles.createDirectory(dir, what);
        created.add(p);
        return p;
    }

    /**
     * Counts {@code bytes} about to be written here; refuses them past the limit or when the file
     * system would be left with less than {@link #RESERVE} free. {@code what} names the writer.
     */
    public void charge(long bytes, String what) throws IOException {
        if (written + bytes > limit) {
            throw new InputException(what + ": needs more than the " + size(limit) + " of temporary disk this run may use in " + dir
                    + " (raise it with --temp-limit, or choose another place with --temp-dir)");
        }
        written += bytes;
        sinceCheck += bytes;
        if (sinceCheck >= CHECK_EVERY) {
            sinceCheck = 0;
            FileStore store = Files.getFileStore(dir);
            long free = store.getUsableSpace();
            if (free - CHECK_EVERY < reserve) {
                throw new InputException(what + ": stopped at " + size(written) + " in " + dir + ", which has only " + size(free)
                        + " free (" + size(reserve) + " is always left); choose another place with --temp-dir");
            }
        }
    }

    /**
     * Copies {@code in} to a new temporary file within the limits; {@code name} is the input's
     * name for messages, {@code size} its length when known (else -1).
     */
    public Path copy(InputStream in, String name, long size) throws IOException {
        if (size > limit) charge(size, name);
        return copyTo(in, name, newFile("", ".bin"));
    }

    /**
     * Copies {@code in} within the limits to {@code tmp}, a file of this spool (made by
     * {@link #newFile} or inside a {@link #newDirectory}); removed on failure.
     */
    public Path copyTo(InputStream in, String name, Path tmp) throws IOException {
        if (notices != null) {
            notices.accept(name + ": copied to " + tmp + " for random access (at most " + size(limit) + "; --temp-dir, --temp-limit)");
        }
        String what = name + ": copying to " + tmp;
        // Never CREATE over a name the shutdown hook may just have removed: a file made by newFile
        // is opened as it is (gone = the run is stopping), one inside a spool directory is made new.
        StandardOpenOption how = created.contains(tmp) ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.CREATE_NEW;
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, how)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                charge(n, what);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) out.write(bb);
            }
        } catch (IOException | RuntimeException e) {
            delete(tmp);
            throw e;
        }
        return tmp;
    }

    /** Removes a temporary of this spool before the spool closes. */
    public void delete(Path p) throws IOException {
        created.remove(p);
        TempFiles.delete(p);
    }

    /** {@code out}, with every byte written through it counted by {@link #charge}. */
    public OutputStream charged(OutputStream out, String what) {
        return new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                charge(1, what);
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                charge(len, what);
                out.write(b, off, len);
            }
        };
    }

    /** Removes every temporary of this spool. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Path p : List.copyOf(created)) {
            try {
                delete(p);
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    /** 32 GiB, 1.5 GiB, 512 MiB, 64 KiB, 1,000 bytes. */
    public static String size(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) return (bytes >> 30) + " GiB";
        if (bytes >= 1L << 30) return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return (bytes >> 20) + " MiB";
        if (bytes >= 1L << 10 && bytes % (1L << 10) == 0) return (bytes >> 10) + " KiB";
        return String.format(java.util.Locale.ROOT, "%,d bytes", bytes);
    }
}
