package dev.salvor.repair;

import dev.salvor.format.FileRanges;
import dev.salvor.aof.AofSegment;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Counts the command headers among skipped bytes: a {@code *N} CRLF at the start of a line (or of
 * the range), after which the bulk framing ({@code $len} CRLF, payload, CRLF) is followed as long
 * as it holds, so a header inside an intact payload is not counted. Where damage destroyed the
 * framing this is the best count the bytes support, and a lower bound of the commands lost: a
 * command whose own header was overwritten leaves no trace. Streams the range in constant memory.
 */
final class CommandHeaders {
    private enum State { SCAN, COUNT, COUNT_LF, DOLLAR, LENGTH, LENGTH_LF, PAYLOAD, PAYLOAD_CR, PAYLOAD_LF }

    private State state = State.SCAN;
    private boolean lineStart = true;
    private long number;
    private int digits;
    private long argsLeft;
    private long payloadLeft;
    private long headers;

    private CommandHeaders() {
    }

    static long count(Path file, long start, long end) throws IOException {
        if (end <= start) return 0;
        CommandHeaders c = new CommandHeaders();
        try (FileChannel ch = AofSegment.open(file)) {
            byte[] buf = new byte[1 << 16];
            for (long p = start; p < end; ) {
                int n = FileRanges.read(ch, p, buf, 0, (int) Math.min(buf.length, end - p));
                if (n <= 0) break;
                for (int i = 0; i < n; i++) c.accept(buf[i]);
                p += n;
            }
        }
        return c.headers;
    }

    private void accept(byte b) {
        if (state == State.PAYLOAD) {
            if (--payloadLeft == 0) state = State.PAYLOAD_CR;
            lineStart = b == '\n';
            return;
        }
        if (!step(b)) {
            // The framing broke here: look at this byte afresh.
            state = State.SCAN;
            step(b);
        }
        lineStart = b == '\n';
    }

    /** One byte in the current state; false when it breaks the framing being followed. */
    private boolean step(byte b) {
        switch (state) {
            case SCAN -> {
                if (b == '*' && lineStart) {
                    state = State.COUNT;
                    number = 0;
                    digits = 0;
                }
                return true;
            }
            case COUNT, LENGTH -> {
                if (b >= '0' && b <= '9' && digits < 18) {
                    number = number * 10 + (b - '0');
                    digits++;
                    return true;
                }
                if (b == '\r' && digits > 0) {
                    state = state == State.COUNT ? State.COUNT_LF : State.LENGTH_LF;
                    return true;
                }
                return false;
            }
            case COUNT_LF -> {
                if (b != '\n' || number < 1) return false;
                headers++;
                argsLeft = number;
                state = State.DOLLAR;
                return true;
            }
            case DOLLAR -> {
                if (b != '$') return false;
                state = State.LENGTH;
                number = 0;
                digits = 0;
                return true;
            }
            case LENGTH_LF -> {
                if (b != '\n') return false;
                payloadLeft = number;
                state = number == 0 ? State.PAYLOAD_CR : State.PAYLOAD;
                return true;
            }
            case PAYLOAD_CR -> {
                if (b != '\r') return false;
                state = State.PAYLOAD_LF;
                return true;
            }
            case PAYLOAD_LF -> {
                if (b != '\n') return false;
                state = --argsLeft == 0 ? State.SCAN : State.DOLLAR;
                return true;
            }
            default -> {
                return false;
            }
        }
    }
}
