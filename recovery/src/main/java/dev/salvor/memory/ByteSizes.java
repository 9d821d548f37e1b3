package dev.salvor.memory;

import java.util.Locale;

/** Memory sizes as people read them, in binary units: 512 B, 1.5 KiB, 12.0 MiB; the one formatter of the memory reports. */
public final class ByteSizes {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB"};

    private ByteSizes() {
    }

    /** With one decimal from 1 KiB up: 1.5 KiB, 512.0 MiB. */
    public static String human(long bytes) {
        return format(bytes, false);
    }

    /** As {@link #human(long)}, without the decimal from 100 of a unit up (charts and tables): 1.5 KiB, 512 MiB. */
    public static String compact(long bytes) {
        return format(bytes, true);
    }

    private static String format(long bytes, boolean compact) {
        if (bytes < 1024) return bytes + " B";
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, compact && v >= 100 ? "%.0f %s" : "%.1f %s", v, UNITS[u]);
    }
}
