package dev.salvor.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every temporary file or directory Salvor creates carries its process id in its name
 * ({@code salvor-tmp-PID-}), is registered here while it exists, and is removed by a shutdown hook
 * when the JVM ends on SIGTERM or Ctrl-C (SIGKILL runs no hook). A later run removes what a dead
 * Salvor process left behind ({@link #sweep}), naming each removal.
 */
public final class TempFiles {
    /** The tag in every temporary name: {@code salvor-tmp-<pid>-}. */
    public static final String TAG = "salvor-tmp-";
    /**
     * The exact shape of the names given here: an optional lead ({@code .OUT.} or {@code word-}),
     * the tag, the pid, the random part, an optional suffix. Nothing else is ever swept.
     */
    private static final Pattern NAME = Pattern.compile("(?:\\.[^/]+\\.|[a-z][a-z-]*-)?salvor-tmp-(\\d+)-\\d+(?:\\.[a-z]+)?");
    private static final long SELF = ProcessHandle.current().pid();
    private static final Set<Path> LIVE = new LinkedHashSet<>();
    /** Held while outputs are renamed into place, so a signal never splits a commit. */
    static final Object COMMIT_LOCK = new Object();
    private static boolean hooked;

    private TempFiles() {
    }

    /** {@code salvor-tmp-<pid>-}: the prefix of this process's temporary names. */
    public static String prefix() {
        return TAG + SELF + "-";
    }

    /** Remembers {@code p} for removal if the JVM is stopped before {@link #release}. */
    public static synchronized Path register(Path p) {
        hook();
        LIVE.add(p.toAbsolutePath());
        return p;
    }

    /**
     * Installs the removal hook. Called before anything is created, not after: a signal that came
     * between a file's creation and the hook's installation would leave that file behind. Once the
     * JVM is stopping, installing fails, and nothing new is created.
     */
    private static synchronized void hook() {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::removeAll, "salvor-temp-cleanup"));
            hooked = true;
        }
    }

    /** {@code p} was renamed into place or removed: no longer a temporary. */
    public static synchronized void release(Path p) {
        LIVE.remove(p.toAbsolutePath());
    }

    /** Removes {@code p} (a file, or a directory tree that holds no links) and forgets it. */
    public static void delete(Path p) throws IOException {
        try {
            deleteTree(p);
        } finally {
            release(p);
        }
    }

    /** Creates a registered temporary directory in {@code parent} named {@code <what>-salvor-tmp-PID-<random>}; {@code what} is a lower-case word. */
    public static Path createDirectory(Path parent, String what) throws IOException {
        Files.createDirectories(parent);
        hook();
        // Created and registered under the lock the shutdown hook takes: a signal in between cannot leave it behind.
        synchronized (COMMIT_LOCK) {
            return register(Files.createTempDirectory(parent, what + "-" + prefix()));
        }
    }

    /** Creates a registered temporary file in {@code parent}: {@code <lead>salvor-tmp-PID-<random><suffix>}. */
    public static Path createFile(Path parent, String lead, String suffix) throws IOException {
        hook();
        synchronized (COMMIT_LOCK) {
            return register(Files.createTempFile(parent, lead + prefix(), suffix));
        }
    }

    /** Creates and registers a temporary directory in {@code parent} whose name starts with {@code prefix}. */
    static Path createDirectoryNamed(Path parent, String prefix) throws IOException {
        hook();
        synchronized (COMMIT_LOCK) {
            return register(Files.createTempDirectory(parent, prefix));
        }
    }

    private static void removeAll() {
        synchronized (COMMIT_LOCK) {
            List<Path> all;
            synchronized (TempFiles.class) {
                all = new ArrayList<>(LIVE);
            }
            for (Path p : all) {
                try {
                    deleteTree(p);
                } catch (IOException | RuntimeException e) {
                    // Best effort while the JVM stops: a worker may still be writing into it.
                }
            }
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> walk = Files.walk(p)) {
                for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(x);
            }
        } else {
            Files.deleteIfExists(p);
        }
    }

    /**
     * Removes the temporary files and directories in {@code dir} that a Salvor process which no
     * longer runs left behind (killed, or out of power), telling {@code notice} about each.
     * Only names of the exact shape Salvor gives are considered; a running process's are kept.
     */
    public static int sweep(Path dir, Consumer<String> notice) {
        int removed = 0;
        if (dir == null || !Files.isDirectory(dir)) return 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, e -> e.getFileName().toString().contains(TAG))) {
            for (Path p : entries) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == SELF || ProcessHandle.of(pid).isPresent()) continue;
                try {
                    deleteTree(p);
                    removed++;
                    if (notice != null) notice.accept("removed " + p + ", left by Salvor process " + pid + " which no longer runs");
                } catch (IOException e) {
                    if (notice != null) notice.accept("cannot remove " + p + " (left by Salvor process " + pid + "): " + e.getMessage());
                }
            }
        } catch (IOException e) {
            return removed;
        }
        return removed;
    }
}
