package dev.salvor.aof;

import dev.salvor.rdb.LocatedMessage;

import java.io.IOException;

/** Malformed or damaged AOF input, located by segment, byte offset and line; the message is one line. */
public class AofFormatException extends IOException {
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
    private final String segment;
    private final long offset;
    private final long line;
    private final String detail;

    public AofFormatException(Reason reason, String segment, long offset, long line, String detail) {
        super(LocatedMessage.format(segment, reason.text(), offset, line > 0 ? "line " + line : null, detail));
        this.reason = reason;
        this.segment = segment;
        this.offset = offset;
        this.line = line;
        this.detail = detail;
    }

    public Reason reason() {
        return reason;
    }

    public String segment() {
        return segment;
    }

    public long offset() {
        return offset;
    }

    /** 1-based line of the offset, or 0 when not counted. */
    public long line() {
        return line;
    }

    public String detail() {
        return detail;
    }
}
