package dev.salvor.salvage;

import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;

import java.io.IOException;

/** Receives what a salvage run reads, in file order. */
public interface SalvageListener {
    /** After the header (or after it was found damaged and guessed). */
    default void start(RdbReader.Context context, String magic, boolean headerDamaged) throws IOException {
    }

    /** A top-level record other than a key (AUX, SELECT_DB, FUNCTION, ...), fully read. */
    default void record(RdbReader reader) throws IOException {
    }

    /**
     * At a KEY token: read the value to KEY_END (or skip it). An exception means damage. The
     * salvager's scan has already decoded this key's value in full, with every check: a listener
     * that does not want the elements skips it by its framing alone.
     */
    void key(RdbReader reader) throws IOException;

    /**
     * At the KEY token of a key next to damage: {@code expiryUnknown} for the first key after a
     * region that has no expiry of its own (an expiry prefix may have been among the damaged
     * bytes); {@code tailUnverified} for a key shortly before a region whose value ends in bytes
     * no check covers (a wrong length there may have taken bytes that were not its own).
     */
    default void keyInDoubt(RdbReader reader, boolean expiryUnknown, boolean tailUnverified) throws IOException {
        key(reader);
    }

    /**
     * The key being read in {@link #key} hit damage; the elements already read were intact.
     *
     * @return true when the listener kept something of it (a partial key)
     */
    default boolean keyInterrupted(RdbReader reader, RdbFormatException error) throws IOException {
        return false;
    }

    /** A damaged region, once its end is known. */
    default void damaged(CorruptRegion region) throws IOException {
    }

    /** The end of the input (EOF record or end of file). */
    default void end(SalvageReport report) throws IOException {
    }
}
