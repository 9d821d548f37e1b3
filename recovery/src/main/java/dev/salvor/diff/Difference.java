package dev.salvor.diff;

import java.util.List;

/**
 * One key that differs between the two sides.
 *
 * @param details element-level differences ("list[3]: a -> b", "member x: only in B", ...), capped
 */
public record Difference(Kind kind, int db, byte[] key, String typeA, String typeB, long expireA, long expireB,
                         List<String> details) {
    /** How a key differs. */
    public enum Kind {
        ONLY_IN_A, ONLY_IN_B, TYPE_DIFFERS, VALUE_DIFFERS, EXPIRY_DIFFERS,
        /** The value could not be read on one side or both (a corrupt DUMP payload): the details say where and why. */
        DAMAGED,
        /** The key changed on a live server while it was read: not counted as a difference. */
        CHANGED_DURING_READ,
        /**
         * The key is on one side only, and the server on the other side drops such a key when it
         * loads it: an empty list, set, sorted set or hash, or a key that had expired by the time
         * that server was read. Not counted as a difference unless the diff is strict.
         */
        DROPPED_ON_LOAD
    }
}
