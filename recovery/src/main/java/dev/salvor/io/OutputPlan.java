package dev.salvor.io;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Everything one command run reads and writes, declared before anything is written. Inputs are
 * never modified: {@link #open()} compares every output with every input by file identity (the
 * same path, a symbolic or hard link to it, a file inside an input directory, a directory that
 * holds an input, the real file behind a compressed or archived input) and refuses the run if
 * any output would touch one. It also refuses an existing output without {@code force}, and an
 * existing directory Salvor did not write, before any output is created. Each output is written
 * to a temporary beside its target; {@link #commit()} forces all of them to disk and renames them
 * into place together, and {@link #close()} without a commit removes them, so the outputs of a
 * run appear together or not at all.
 *
 * <pre>{@code
 * try (OutputPlan plan = new OutputPlan(force, notices)) {
 *     plan.input(src);                                   // every input, before open()
 *     OutputPlan.FileOutput out = plan.file(output, "output");
 *     OutputPlan.FileOutput rep = plan.file(report, "report");
 *     plan.open();                                       // all checks, then the temporaries
 *     write(out.stream()); write(rep.stream());
 *     plan.commit();
 * }
 * }</pre>
 */
public final class OutputPlan implements Closeable {
    /**
     * Decides whether an existing directory may be replaced: null when it is one Salvor wrote and
     * nothing else, else the reason it is not.
     */
    @FunctionalInterface
    public interface DirectoryRule {
        String refusal(Path existing) throws IOException;
    }

    /** A file or directory the run reads, resolved once. */
    private record ReadPath(Path given, Path real, Object fileKey, boolean directory) {
    }

    private final boolean force;
    private final Consumer<String> notices;
    private final List<ReadPath> inputs = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private boolean opened;
    private boolean committed;

    /**
     * @param force   existing outputs may be replaced (never an input, never a directory Salvor
     *                did not write)
     * @param notices where stale temporaries removed from an output directory are named; may be null
     */
    public OutputPlan(boolean force, Consumer<String> notices) {
        this.force = force;
        this.notices = notices;
    }

    public OutputPlan(boolean force) {
        this(force, null);
    }

    /** A file or directory the run reads (null and {@code -} are ignored). */
    public OutputPlan input(Path p) throws IOException {
        if (p == null || p.toString().equals("-") || !Files.exists(p)) return this;
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        inputs.add(new ReadPath(p, p.toRealPath(), a.fileKey(), a.isDirectory()));
        return this;
    }

    /** The file a user-named input comes from (the compressed file or archive, not the spool). */
    public OutputPlan input(Input src) throws IOException {
        if (src != null) input(src.origin());
        return this;
    }

    public OutputPlan inputs(Iterable<Path> ps) throws IOException {
        for (Path p : ps) input(p);
        return this;
    }

    /** A regular output file; {@code label} names it in messages (output, report, quarantine). */
    public FileOutput file(Path target, String label) {
        requireNotOpened();
        FileOutput o = new FileOutput(target, label);
        outputs.add(o);
        return o;
    }

    /** An output directory, replaced whole on commit; an existing one only when {@code rule} accepts it. */
    public DirectoryOutput directory(Path target, String label, DirectoryRule rule) {
        requireNotOpened();
        DirectoryOutput o = new DirectoryOutput(target, label, rule);
        outputs.add(o);
        return o;
    }

    private void requireNotOpened() {
        if (opened) throw new IllegalStateException("outputs are declared before open()");
    }

    /** Checks every output against every input and each other, then creates the temporaries. */
    public void open() throws IOException {
        requireNotOpened();
        opened = true;
        for (Output o : outputs) o.real = realLocation(o.target);
        for (int i = 0; i < outputs.size(); i++) {
            Output o = outputs.get(i);
            checkAgainstInputs(o);
            for (int j = 0; j < i; j++) checkDistinct(outputs.get(j), o);
            checkExisting(o);
        }
        Set<Path> swept = new HashSet<>();
        for (Output o : outputs) {
            Path dir = o.real.getParent();
            try {
                Files.createDirectories(dir);
            } catch (FileAlreadyExistsException e) {
                throw new InputException(o.describe() + ": cannot create directory " + e.getFile() + ": a file of that name exists");
            }
            if (swept.add(dir)) TempFiles.sweep(dir, notices);
            o.create();
        }
    }

    /** Forces every output to disk, then renames them all into place. */
    public void commit() throws IOException {
        if (!opened) throw new IllegalStateException("open() first");
        for (Output o : outputs) o.sync();
        synchronized (TempFiles.COMMIT_LOCK) {
            for (Output o : outputs) o.install();
            committed = true;
        }
        Set<Path> dirs = new HashSet<>();
        for (Output o : outputs) dirs.add(o.real.getParent());
        for (Path d : dirs) syncDirectory(d);
        for (Output o : outputs) o.finish();
    }

    /** Without a commit, every temporary is removed and every target left as it was. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Output o : outputs) {
            try {
                if (committed) o.finish();
                else o.abort();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null && !committed) throw first;
    }

    // ---- checks ----

    private void checkAgainstInputs(Output o) throws IOException {
        Object key = existingKey(o.target);
        for (ReadPath in : inputs) {
            String what = in.directory ? "the input directory " + in.given : "the input " + in.given;
            if (o.real.equals(in.real) || key != null && key.equals(in.fileKey)) {
                throw refuse(o, "is " + what + (o.real.equals(in.real) ? "" : " (a hard link to it)"));
            }
            if (in.directory && o.real.startsWith(in.real)) throw refuse(o, "is inside " + what);
            if (in.real.startsWith(o.real)) throw refuse(o, "holds " + what);
        }
    }

    private static void checkDistinct(Output a, Output b) throws IOException {
        if (a.real.equals(b.real)) throw new InputException(b.describe() + ": is also the " + a.label + "; each output needs its own path");
        if (a instanceof DirectoryOutput && b.real.startsWith(a.real)) throw new InputException(b.describe() + ": is inside the " + a.label + " directory " + a.target);
        if (b instanceof DirectoryOutput && a.real.startsWith(b.real)) throw new InputException(a.describe() + ": is inside the " + b.label + " directory " + b.target);
    }

    private void checkExisting(Output o) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(o.target, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            return;
        }
        if (o instanceof DirectoryOutput d) {
            if (!a.isDirectory()) throw new InputException(o.describe() + ": exists and is not a directory");
            if (!force) throw new InputException(o.describe() + ": already exists (use --force to replace it)");
            if (Files.isSymbolicLink(o.target)) throw refuse(o, "is a symbolic link; name the directory itself");
            String why = d.rule.refusal(o.target);
            if (why != null) throw refuse(o, "is not a directory Salvor wrote (" + why + "), so it is never replaced");
            // A hard link to an input inside it would be removed with it.
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(o.target)) {
                for (Path e : entries) {
                    Object k = Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                    for (ReadPath in : inputs) {
                        if (k != null && k.equals(in.fileKey)) throw refuse(o, "holds " + e.getFileName() + ", a hard link to the input " + in.given);
                    }
                    d.verified.add(e.getFileName().toString());
                }
            }
            return;
        }
        if (a.isDirectory()) throw new InputException(o.describe() + ": is a directory");
        if (!force) throw new InputException(o.describe() + ": already exists (use --force to replace it)");
    }

    private static InputException refuse(Output o, String why) {
        return new InputException(o.describe() + ": " + why + "; inputs are never modified, choose another path");
    }

    private static Object existingKey(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Where {@code p} really is: each existing leading part resolved through its links (as the
     * kernel will resolve it), the rest appended as given.
     */
    static Path realLocation(Path p) throws IOException {
        Path abs = p.toAbsolutePath();
        Path cur = abs.getRoot();
        int i = 0;
        for (; i < abs.getNameCount(); i++) {
            Path next = cur.resolve(abs.getName(i));
            if (!Files.exists(next)) break;
            cur = next.toRealPath();
        }
        for (; i < abs.getNameCount(); i++) cur = cur.resolve(abs.getName(i));
        return cur.normalize();
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can force a directory; the renames are still atomic.
        }
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    // ---- outputs ----

    /** One declared output. */
    public abstract static class Output {
        final Path target;
        final String label;
        Path real;
        Path temp;

        Output(Path target, String label) {
            this.target = target;
            this.label = label;
        }

        public Path target() {
            return target;
        }

        String describe() {
            return target + " (" + label + ")";
        }

        abstract void create() throws IOException;

        abstract void sync() throws IOException;

        abstract void install() throws IOException;

        void finish() throws IOException {
        }

        void abort() throws IOException {
            if (temp != null) TempFiles.delete(temp);
        }
    }

    /** Bytes written to an output file between two forces behind the writing. */
    static final long FLUSH_BEHIND = 64L << 20;
    /** The thread that forces output files behind their writing. */
    private static final java.util.concurrent.ExecutorService FLUSHER = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "salvor-flush-behind");
        t.setDaemon(true);
        return t;
    });

    /** An output file: written through {@link #stream()} into a temporary beside the target. */
    public static final class FileOutput extends Output {
        private FileChannel channel;
        private OutputStream stream;

        FileOutput(Path target, String label) {
            super(target, label);
        }

        @Override
        void create() throws IOException {
            Path dir = real.getParent();
            temp = TempFiles.createFile(dir, "." + real.getFileName() + ".", ".tmp");
            if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                // createTempFile makes the file private; an output is an ordinary file.
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
            stream = new BufferedOutputStream(OutputStreams.unclosable(new FlushBehind(Channels.newOutputStream(channel))), 1 << 16);
        }

        /**
         * Hands what was written to the disk while writing goes on: every {@link #FLUSH_BEHIND} bytes
         * a background thread forces the file, so the fsync at the end (which makes the output
         * durable) finds little left to write instead of the whole file.
         */
        private final class FlushBehind extends java.io.FilterOutputStream {
            private long sinceFlush;

            FlushBehind(OutputStream out) {
                super(out);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                sinceFlush += len;
                if (sinceFlush >= FLUSH_BEHIND && (flushing == null || flushing.isDone())) {
                    sinceFlush = 0;
                    FileChannel ch = channel;
                    flushing = java.util.concurrent.CompletableFuture.runAsync(() -> {
                        try {
                            ch.force(false);
                            forcedBehind++;
                        } catch (IOException e) {
                            // Only early: the fsync at the end reports what fails.
                        }
                    }, FLUSHER);
                }
            }
        }

        private volatile java.util.concurrent.CompletableFuture<Void> flushing;
        /** Forces done behind the writing (for tests); written by the one flusher thread only. */
        private volatile int forcedBehind;

        int forcedBehind() {
            return forcedBehind;
        }

        /** Where the output is written; closing it only flushes. */
        public OutputStream stream() {
            if (stream == null) throw new IllegalStateException("open() first");
            return stream;
        }

        @Override
        void sync() throws IOException {
            stream.flush();
            if (flushing != null) flushing.join();
            channel.force(true);
            channel.close();
        }

        @Override
        void install() throws IOException {
            move(temp, real);
            TempFiles.release(temp);
        }

        @Override
        void abort() throws IOException {
            if (channel != null) channel.close();
            super.abort();
        }
    }

    /**
     * An output directory: files are written into {@link #path()}, a temporary directory beside
     * the target, which replaces the target on commit.
     */
    public static final class DirectoryOutput extends Output {
        private final DirectoryRule rule;
        private final Set<String> verified = new HashSet<>();
        private Path old;

        DirectoryOutput(Path target, String label, DirectoryRule rule) {
            super(target, label);
            this.rule = rule;
        }

        @Override
        void create() throws IOException {
            temp = TempFiles.createDirectoryNamed(real.getParent(), "." + real.getFileName() + "." + TempFiles.prefix());
            // An ordinary directory, like the one the server wrote.
            if (temp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }

        /** The directory to write the output's files into. */
        public Path path() {
            if (temp == null) throw new IllegalStateException("open() first");
            return temp;
        }

        @Override
        void sync() throws IOException {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(temp)) {
                for (Path f : files) {
                    if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) OutputPlan.sync(f);
                }
            }
            syncDirectory(temp);
        }

        @Override
        void install() throws IOException {
            if (Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
                old = TempFiles.register(real.resolveSibling("." + real.getFileName() + "." + TempFiles.prefix() + System.nanoTime() + ".old"));
                Files.move(real, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(temp, real, StandardCopyOption.ATOMIC_MOVE);
            TempFiles.release(temp);
        }

        /** The replaced directory goes: only the entries that were checked, and only if nothing else came. */
        @Override
        void finish() throws IOException {
            if (old == null) return;
            Path o = old;
            old = null;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(o)) {
                for (Path e : entries) {
                    if (!verified.contains(e.getFileName().toString()) || Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) {
                        // Not a temporary any more: no later sweep may remove what someone else put there.
                        Path keep = real.resolveSibling(real.getFileName() + ".kept-" + System.currentTimeMillis());
                        Files.move(o, keep, StandardCopyOption.ATOMIC_MOVE);
                        TempFiles.release(o);
                        throw new IOException(target + ": the replaced directory gained " + e.getFileName() + " while Salvor ran; it was kept as " + keep);
                    }
                }
            }
            for (String name : verified) Files.deleteIfExists(o.resolve(name));
            Files.deleteIfExists(o);
            TempFiles.release(o);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
