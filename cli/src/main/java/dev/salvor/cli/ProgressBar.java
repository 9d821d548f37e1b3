package dev.salvor.cli;

import dev.salvor.io.Progress;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One line on stderr, redrawn at most ten times a second: the phase, a bar, the count (bytes or
 * keys), the rate and the time left. Work in several passes shows each pass as a phase of its
 * own, so the bar never runs backwards; the time left appears only once there is a rate to base
 * it on (a second in, a percent done), never as "914582s left" at the start.
 */
public class ProgressBar implements Progress, AutoCloseable {
    /** A bar that draws nothing (not a terminal, or turned off). */
    public static final ProgressBar NONE = new ProgressBar(null, -1, () -> 0) {
        @Override
        public void accept(long done) {
        }

        @Override
        public void phase(String label, long total, Unit unit) {
        }

        @Override
        public void close() {
        }
    };

    private static final long REDRAW_NANOS = 100_000_000L;
    private static final int WIDTH = 24;
    private final PrintWriter out;
    private final LongSupplier clock;
    private String label = "";
    private long total;
    private Unit unit = Unit.BYTES;
    private long start;
    private long lastDraw;
    private int drawnWidth;

    ProgressBar(PrintWriter out, long total, LongSupplier clock) {
        this.out = out;
        this.total = total;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastDraw = start - REDRAW_NANOS;
    }

    @Override
    public void phase(String label, long total, Unit unit) {
        this.label = label == null ? "" : label;
        this.total = total;
        this.unit = unit;
        this.start = clock.getAsLong();
        this.lastDraw = start - REDRAW_NANOS;
    }

    /** Bytes (or keys) processed so far in this phase. */
    @Override
    public void accept(long done) {
        long now = clock.getAsLong();
        if (now - lastDraw < REDRAW_NANOS) return;
        lastDraw = now;
        String line = render(done, now - start);
        out.print('\r' + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
        out.flush();
        drawnWidth = line.length();
    }

    String render(long done, long elapsedNanos) {
        double seconds = elapsedNanos / 1e9;
        StringBuilder sb = new StringBuilder();
        if (!label.isEmpty()) sb.append(shortened(label)).append("  ");
        double frac = total > 0 ? Math.min(1.0, (double) done / total) : -1;
        if (frac >= 0) {
            int full = (int) (frac * WIDTH);
            sb.append('[').append("#".repeat(full)).append("-".repeat(WIDTH - full)).append("] ")
                    .append(String.format(Locale.ROOT, "%3.0f%%  ", frac * 100));
        }
        double rate = seconds > 0 ? done / seconds : 0;
        if (unit == Unit.BYTES) {
            sb.append(String.format(Locale.ROOT, "%,d MB", done / 1_000_000));
            if (seconds >= 0.5) sb.append(String.format(Locale.ROOT, "  %.0f MB/s", rate / 1e6));
        } else {
            sb.append(String.format(Locale.ROOT, "%,d", done)).append(total > 0 ? String.format(Locale.ROOT, " of %,d", total) : "").append(" keys");
            if (seconds >= 0.5) sb.append(String.format(Locale.ROOT, "  %,.0f keys/s", rate));
        }
        // The time left only once it means something: a second in, some work done.
        if (frac >= 0.01 && frac < 1 && seconds >= 1 && rate > 0) {
            sb.append("  ").append(duration((long) Math.ceil((total - done) / rate))).append(" left");
        }
        return sb.toString();
    }

    /** A long label keeps its start (what is done) and its end (a file's name): "reading A: /var/l...d/dump.rdb". */
    static String shortened(String label) {
        if (label.length() <= 48) return label;
        return label.substring(0, 16) + "..." + label.substring(label.length() - 29);
    }

    /** 42s, 3m05s, 2h07m. */
    static String duration(long s) {
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }

    @Override
    public void close() {
        if (drawnWidth > 0) {
            out.print("\r" + " ".repeat(drawnWidth) + "\r");
            out.flush();
        }
    }
}
