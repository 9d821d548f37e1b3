package dev.salvor.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether to draw a progress bar: by default only when stderr is a terminal and not in CI. */
public final class ProgressOptions {
    @Option(names = "--progress", negatable = true, description = "Show progress on stderr (default: when it is a terminal; --no-progress: never).")
    Boolean progress;

    ProgressBar bar(PrintWriter err, long total) {
        boolean on = progress != null ? progress : stderrIsTerminal() && System.getenv("CI") == null;
        return on ? new ProgressBar(err, total, System::nanoTime) : ProgressBar.NONE;
    }

    /** A bar whose phases set their own totals. */
    ProgressBar bar(PrintWriter err) {
        return bar(err, -1);
    }

    /**
     * Whether standard error is a terminal. Java 17's System.console() answers for standard input
     * and output together, so {@code salvor export x.rdb > out.ndjson} would never show progress:
     * on Linux the descriptor itself says where it goes.
     */
    static boolean stderrIsTerminal() {
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/2"));
            String t = target.toString();
            return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty") || t.equals("/dev/console");
        } catch (Exception e) {
            return System.console() != null;
        }
    }
}
