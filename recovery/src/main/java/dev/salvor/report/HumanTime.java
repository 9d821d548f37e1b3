package dev.salvor.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Unix times as people read them, in UTC (said), beside the raw number. */
public final class HumanTime {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter FORMAT_MS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private HumanTime() {
    }

    /** 1795408622000 -> "2026-11-22 22:37:02 UTC" (milliseconds shown when not zero). */
    public static String millis(long unixMs) {
        Instant t = Instant.ofEpochMilli(unixMs);
        return (unixMs % 1000 == 0 ? FORMAT : FORMAT_MS).format(t);
    }

    /** Unix seconds given as text (an aux field): the readable time, or null when it is not a plausible time. */
    public static String seconds(String text) {
        try {
            long s = Long.parseLong(text.strip());
            if (s <= 0 || s > 253402300799L) return null;
            return millis(s * 1000);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** "1795408622000 (2026-11-22 22:37:02 UTC)" */
    public static String both(long unixMs) {
        return unixMs + " (" + millis(unixMs) + ")";
    }
}
