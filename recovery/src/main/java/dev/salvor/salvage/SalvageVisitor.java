package dev.salvor.salvage;

import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.walk.RdbVisitor;

import java.io.IOException;

/**
 * Told what a salvage run recovers, in file order, as an {@link RdbVisitor} is told what a walk
 * reads: records, and for each recovered key its header, its elements (when asked for) and its
 * end, where {@link KeyHeader#recordOffset()} and {@link KeyHeader#keyEndOffset()} say which bytes
 * it holds. A visitor never reads the input: the salvager reads it, the intact part of a key cut
 * by damage too ({@link #partialKey}).
 */
public interface SalvageVisitor extends RdbVisitor {
    /** Keeps nothing: what is recovered and lost is counted in the report only. */
    SalvageVisitor NONE = new SalvageVisitor() {
    };

    /** After the header (or after it was found damaged and guessed). */
    default void start(RdbReader.Context context, String magic, boolean headerDamaged) throws IOException {
    }

    /**
     * What a recovered key needs read of its value; by default its framing only (the salvager's
     * scan has decoded it in full already, with every check).
     */
    @Override
    default Value beginKey(KeyHeader key) throws IOException {
        return Value.FRAMING;
    }

    /**
     * A recovered key next to damage begins: {@code expiryUnknown} for the first key after a region
     * that has no expiry of its own (an expiry prefix may have been among the damaged bytes);
     * {@code tailUnverified} for a key shortly before a region whose value ends in bytes no check
     * covers (a wrong length there may have taken bytes that were not its own).
     */
    default Value beginKey(KeyHeader key, boolean expiryUnknown, boolean tailUnverified) throws IOException {
        return beginKey(key);
    }

    /** Whether this visitor keeps the intact part of keys cut by damage (else such a key counts as lost). */
    default boolean keepsPartialKeys() {
        return false;
    }

    /** The intact part of a key cut by damage (only for a visitor that {@link #keepsPartialKeys() keeps them}). */
    default void partialKey(PartialKey key) throws IOException {
    }

    /** A damaged region, once its end is known. */
    default void damaged(CorruptRegion region) throws IOException {
    }

    /** The end of the input (EOF record or end of file). */
    default void end(SalvageReport report) throws IOException {
    }
}
