package dev.salvor.rdb.walk;

import dev.salvor.rdb.ElementView;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.ReadProgress;
import dev.salvor.rdb.RecordView;

import java.io.IOException;

/**
 * Told what an {@link RdbWalker} reads: records, and for each key its header, its elements (when
 * asked for) and its end. A visitor never reads bytes itself: it says, per key, how much of the
 * value it needs ({@link Value}), and the walker reads it.
 */
public interface RdbVisitor {
    /** How the walker reads a key's value. */
    enum Value {
        /** Element by element, each handed to {@link #element}. */
        ELEMENTS,
        /** Decoded (and so checked) but not handed over. */
        DECODE,
        /** By its framing only: lengths and counts, with every byte through the checksum; no element is decoded. */
        FRAMING
    }

    /** A top-level record other than a key: HEADER, AUX, SELECT_DB, RESIZE_DB, FUNCTION, MODULE_AUX, SLOT_INFO, SLOT_IMPORT, EOF. */
    default void record(RdbToken token, RecordView record) throws IOException {
    }

    /** A key begins; the answer says how its value is read. */
    default Value beginKey(KeyHeader key) throws IOException {
        return Value.ELEMENTS;
    }

    /** One element of the current key's value (only when {@link #beginKey} asked for {@link Value#ELEMENTS}). */
    default void element(ElementView element) throws IOException {
    }

    /** The current key's value was read to its end. */
    default void endKey(KeyHeader key) throws IOException {
    }

    /**
     * The read stopped with {@code error} (the walker then throws it); {@code progress} says where,
     * and whether inside a key's value.
     */
    default void aborted(Exception error, ReadProgress progress) throws IOException {
    }
}
