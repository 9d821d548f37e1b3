package dev.salvor.io;

import java.time.Duration;

/**
 * When a run must have finished ({@code --timeout}), checked wherever it waits for a server or
 * loops over what one sends: a stalled or hostile source ends the run with an error instead of
 * keeping it alive until killed.
 */
public final class Deadline {
    /** No deadline. */
    public static final Deadline NONE = new Deadline(Long.MAX_VALUE, null);

    private final long endNanos;
    private final String flag;

    private Deadline(long endNanos, String flag) {
        this.endNanos = endNanos;
        this.flag = flag;
    }

    /** {@code duration} from now; {@code flag} names the option in the message (e.g. "--timeout 10m"). */
    public static Deadline after(Duration duration, String flag) {
        long now = System.nanoTime();
        long end = duration.toNanos() >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + duration.toNanos();
        return new Deadline(end, flag);
    }

    public boolean none() {
        return endNanos == Long.MAX_VALUE;
    }

    /**
     * Milliseconds left, rounded up (so a wait of that long ends at or after the deadline, never
     * just before it), or Long.MAX_VALUE without a deadline.
     */
    public long remainingMillis() {
        if (none()) return Long.MAX_VALUE;
        return Math.max(0, Math.floorDiv(endNanos - System.nanoTime() + 999_999, 1_000_000));
    }

    public boolean expired() {
        return !none() && System.nanoTime() - endNanos >= 0;
    }

    /** Throws when the deadline has passed; {@code what} names what was being waited for. */
    public void check(String what) throws InputException {
        if (expired()) throw new InputException(what + ": did not finish in time (" + flag + ")");
    }

    /** The earlier of this deadline and {@code other}. */
    public Deadline min(Deadline other) {
        return other.endNanos - endNanos < 0 ? other : this;
    }

    /** A socket or client wait: at most {@code cap} ms, never past the deadline (at least 1 ms). */
    public int waitMillis(int cap) {
        return (int) Math.max(1, Math.min(cap, remainingMillis()));
    }

    /** 90s, 15m, 2h, 1d, or plain seconds. */
    public static Duration parse(String s) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = 1000;
        if (t.endsWith("ms")) {
            unit = 1;
            t = t.substring(0, t.length() - 2);
        } else if (!t.isEmpty() && "smhd".indexOf(t.charAt(t.length() - 1)) >= 0) {
            unit = switch (t.charAt(t.length() - 1)) {
                case 'm' -> 60_000L;
                case 'h' -> 3_600_000L;
                case 'd' -> 86_400_000L;
                default -> 1000L;
            };
            t = t.substring(0, t.length() - 1);
        }
        try {
            long v = Long.parseLong(t);
            if (v <= 0) throw new NumberFormatException();
            return Duration.ofMillis(Math.multiplyExact(v, unit));
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("expected a duration such as 90s, 15m or 2h, not '" + s + "'");
        }
    }
}
