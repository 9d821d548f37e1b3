package dev.salvor.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InterruptedIOException;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    /** A clock that moves only when the limiter sleeps (or when the test says so). */
    private static final class FakeTime {
        long now = 1_000_000_000L;
        long slept;

        RateLimiter limiter(double rate) {
            return new RateLimiter(rate, () -> now, nanos -> {
                now += nanos;
                slept += nanos;
            });
        }
    }

    @Test
    void pagesAreSpacedSoTheAverageRateIsTheLimit() throws InterruptedIOException {
        FakeTime t = new FakeTime();
        RateLimiter limiter = t.limiter(1000);
        for (int page = 0; page < 10; page++) limiter.acquire(500);
        // The first page starts at once; each later one waits for the 0.5 s the one before it is worth.
        assertThat(t.slept).isEqualTo(9 * 500_000_000L);
    }

    @Test
    void anIdleSpellGivesNoBurst() throws InterruptedIOException {
        FakeTime t = new FakeTime();
        RateLimiter limiter = t.limiter(100);
        limiter.acquire(100);
        t.now += 60_000_000_000L; // a minute without reading
        limiter.acquire(100);
        assertThat(t.slept).isZero();
        limiter.acquire(100);
        assertThat(t.slept).isEqualTo(1_000_000_000L);
    }

    @Test
    void readersSharingALimiterShareTheRate() throws Exception {
        RateLimiter limiter = new RateLimiter(2000);
        long start = System.nanoTime();
        Thread[] readers = new Thread[4];
        for (int i = 0; i < readers.length; i++) {
            readers[i] = new Thread(() -> {
                try {
                    for (int page = 0; page < 3; page++) limiter.acquire(100);
                } catch (InterruptedIOException e) {
                    throw new AssertionError(e);
                }
            });
            readers[i].start();
        }
        for (Thread r : readers) r.join();
        // 12 pages of 100 keys at 2000 keys/s, 50 ms each: the last one starts 550 ms after the first.
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(550_000_000L);
    }

    @Test
    void interruptedWhileWaiting() {
        RateLimiter limiter = new RateLimiter(1, System::nanoTime, nanos -> {
            throw new InterruptedException();
        });
        assertThatThrownBy(() -> {
            limiter.acquire(5);
            limiter.acquire(5);
        }).isInstanceOf(InterruptedIOException.class);
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void aLimitMustBePositive() {
        assertThatThrownBy(() -> new RateLimiter(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimiter(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(RateLimiter.NONE.limits()).isFalse();
    }
}
