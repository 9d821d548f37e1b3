package dev.salvor.cli;

import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** Whether to draw a progress bar: by default only when stderr is a terminal and not in CI. */
public final class ProgressOptions {
    @Option(names = "--progress", negatable = true, description = "Show a progress bar (default: when on a terminal).")
    Boolean progress;

    ProgressBar bar(PrintWriter err, long total) {
        boolean on = progress != null ? progress : System.console() != null && System.getenv("CI") == null;
        return on ? new ProgressBar(err, total, System::nanoTime) : ProgressBar.NONE;
    }
}
