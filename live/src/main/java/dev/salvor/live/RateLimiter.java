package dev.salvor.live;

import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps the keys read from a live server under a rate ({@code --rate-limit KEYS_PER_S}) so a diff
 * against production takes a known share of the server. Each reader reserves the keys of a page
 * before asking for them and sleeps until its reservation starts: the average rate over any
 * stretch is at most the limit, with no burst after an idle spell. Shared by all readers of a
 * cluster, so the limit is for the whole diff.
 */
public final class RateLimiter {
    /** Sleeps for a number of nanoseconds. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long nanos) throws InterruptedException;
    }

    /** No limit. */
    public static final RateLimiter NONE = new RateLimiter();

    private final double nanosPerKey;
    private final LongSupplier clock;
    private final Sleeper sleeper;
    private long nextFree;

    private RateLimiter() {
        this.nanosPerKey = 0;
        this.clock = System::nanoTime;
        this.sleeper = TimeUnit.NANOSECONDS::sleep;
    }

    public RateLimiter(double keysPerSecond) {
        this(keysPerSecond, System::nanoTime, TimeUnit.NANOSECONDS::sleep);
    }

    RateLimiter(double keysPerSecond, LongSupplier clock, Sleeper sleeper) {
        if (!(keysPerSecond > 0) || Double.isInfinite(keysPerSecond)) {
            throw new IllegalArgumentException("the rate limit must be a positive number of keys per second");
        }
        this.nanosPerKey = 1e9 / keysPerSecond;
        this.clock = clock;
        this.sleeper = sleeper;
        this.nextFree = clock.getAsLong();
    }

    public boolean limits() {
        return nanosPerKey > 0;
    }

    /** Waits until {@code keys} more keys may be read. */
    public void acquire(int keys) throws InterruptedIOException {
        if (nanosPerKey == 0 || keys <= 0) return;
        long start;
        long now;
        synchronized (this) {
            now = clock.getAsLong();
            start = Math.max(now, nextFree);
            nextFree = start + (long) Math.ceil(keys * nanosPerKey);
        }
        if (start > now) {
            try {
                sleeper.sleep(start - now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while keeping to the rate limit");
            }
        }
    }
}
