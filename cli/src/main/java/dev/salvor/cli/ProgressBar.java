package dev.salvor.cli;

import java.io.PrintWriter;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/** A one-line progress bar on stderr: percent, MB/s and time left; redrawn at most ten times a second. */
public class ProgressBar implements LongConsumer, AutoCloseable {
    /** A bar that draws nothing (not a terminal, or turned off). */
    public static final ProgressBar NONE = new ProgressBar(null, -1, () -> 0) {
        @Override
        public void accept(long done) {
        }

        @Override
        public void close() {
        }
    };

    private static final long REDRAW_NANOS = 100_000_000L;
    private final PrintWriter out;
    private final long total;
    private final LongSupplier clock;
    private final long start;
    private long lastDraw;
    private boolean drawn;

    ProgressBar(PrintWriter out, long total, LongSupplier clock) {
        this.out = out;
        this.total = total;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastDraw = start - REDRAW_NANOS;
    }

    /** Bytes processed so far. */
    @Override
    public void accept(long done) {
        long now = clock.getAsLong();
        if (now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        out.print('\r' + render(done, now - start));
        out.flush();
        drawn = true;
    }

    String render(long done, long elapsedNanos) {
        double seconds = Math.max(elapsedNanos / 1e9, 1e-9);
        double rate = done / seconds / 1e6;
        if (total <= 0) return String.format("%,d MB  %.0f MB/s", done / 1_000_000, rate);
        double frac = Math.min(1.0, (double) done / total);
        int width = 30;
        int full = (int) (frac * width);
        String bar = "#".repeat(full) + "-".repeat(width - full);
        long eta = rate > 0 ? (long) ((total - done) / 1e6 / rate) : 0;
        return String.format("[%s] %3.0f%%  %.0f MB/s  %ds left ", bar, frac * 100, rate, eta);
    }

    @Override
    public void close() {
        if (drawn) {
            out.print("\r" + " ".repeat(60) + "\r");
            out.flush();
        }
    }
}
