package dev.salvor.aof;

import dev.salvor.format.FormatException;
import dev.salvor.format.Location;

/** Malformed or damaged AOF input, located by segment, byte offset and line; the message is one line. */
public class AofFormatException extends FormatException {
    private static final long serialVersionUID = 1L;

    /** What was wrong, in the terms redis-check-aof users know. */
    public enum Reason {
        BAD_PREFIX("bad prefix"),
        BAD_LENGTH("bad length"),
        SHORT_READ("short read"),
        MISSING_CRLF("missing CRLF"),
        UNKNOWN_COMMAND("unknown command"),
        WRONG_ARITY("wrong arity"),
        UNTERMINATED_MULTI("unterminated MULTI"),
        TRUNCATED_TAIL("truncated tail"),
        BAD_MANIFEST("bad manifest"),
        BAD_PREAMBLE("damaged RDB preamble");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final Reason reason;

    public AofFormatException(Reason reason, String segment, long offset, long line, String detail) {
        super(reason.text(), new Location(segment, offset, line, -1, null), detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public String segment() {
        return source();
    }

    /** 1-based line of the offset, or 0 when not counted. */
    public long line() {
        return location().line();
    }
}
