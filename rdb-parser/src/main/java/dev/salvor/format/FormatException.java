package dev.salvor.format;

import java.io.IOException;

/**
 * Malformed or damaged input of any format Salvor reads: always located ({@link #location()}),
 * with a one-line message {@code SOURCE: WHAT at byte offset N (WHERE): DETAIL}. Each format has
 * its own subclass with its own reasons, as Commons Compress has one exception per format.
 */
public abstract class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    private final Location location;
    private final String detail;

    protected FormatException(String what, Location location, String detail) {
        super(location.message(what, detail));
        this.location = location;
        this.detail = detail;
    }

    public Location location() {
        return location;
    }

    /** Name of the file or stream, or null when the reader was not given one. */
    public String source() {
        return location.source();
    }

    /** Absolute byte offset in the input where the problem was detected. */
    public long offset() {
        return location.offset();
    }

    /** What was expected versus found, without location. */
    public String detail() {
        return detail;
    }
}
