package dev.salvor.io;

import java.util.function.LongConsumer;

/**
 * Where long work reports how far it got: the count so far (bytes, or keys), and, for work done
 * in several passes, each pass as a phase of its own, so a display never runs backwards.
 */
public interface Progress extends LongConsumer {
    /** What a phase counts. */
    enum Unit { BYTES, KEYS }

    /**
     * A new phase begins: counts start again at 0.
     *
     * @param total the count at which the phase is done, or -1 when not known
     */
    default void phase(String label, long total, Unit unit) {
    }

    /** Starts a phase on {@code progress} when it can show phases (a plain LongConsumer cannot). */
    static void phase(LongConsumer progress, String label, long total, Unit unit) {
        if (progress instanceof Progress p) p.phase(label, total, unit);
    }
}
