package dev.salvor.cli;

import picocli.CommandLine.TypeConversionException;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * A point in time given on the command line: Unix seconds, or an ISO-8601 date-time with a zone.
 * A time without a zone is refused rather than read in some zone: the same digits name different
 * instants on the operator's laptop and on the server that wrote the file.
 */
final class PointInTime {
    private PointInTime() {
    }

    /** Unix milliseconds of {@code text}; a usage error (with an example) when it is not a time. */
    static long millis(String option, String text) {
        String s = text.strip();
        if (!s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Math.multiplyExact(Long.parseLong(s), 1000L);
            } catch (NumberFormatException | ArithmeticException e) {
                throw new TypeConversionException(option + ": " + text + " seconds is out of range");
            }
        }
        try {
            return ZonedDateTime.parse(s, DateTimeFormatter.ISO_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            // not a zoned time: say why below
        }
        if (parses(s, true)) {
            throw new TypeConversionException(option + ": " + text + " has no time zone; add Z for UTC (" + s + "Z) or an offset such as +01:00 ("
                    + s + "+01:00)");
        }
        if (parses(s, false)) {
            throw new TypeConversionException(option + ": " + text + " is a date without a time; give one, e.g. " + s + "T00:00:00Z");
        }
        throw new TypeConversionException(option + " takes Unix seconds (e.g. 1764540000) or an ISO-8601 time with a zone "
                + "(e.g. 2026-11-22T22:15:58Z or 2026-11-22T23:15:58+01:00), not '" + text + "'");
    }

    private static boolean parses(String s, boolean withTime) {
        try {
            if (withTime) LocalDateTime.parse(s);
            else LocalDate.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
