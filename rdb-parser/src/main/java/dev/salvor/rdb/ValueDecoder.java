package dev.salvor.rdb;

import java.io.IOException;

/**
 * Reads the values of one {@link RdbEncoding.Family}: what the encoding states before its first
 * element (read when the key is entered), then one element at a time into the shared
 * {@link ValueCursor}, or the rest of the value by its framing alone. Errors come from the shared
 * {@link RdbInput}, so they name the offset, database and key.
 */
abstract class ValueDecoder {
    final RdbInput in;
    final RdbStrings strings;
    final ValueCursor v;

    ValueDecoder(RdbInput in, RdbStrings strings, ValueCursor v) {
        this.in = in;
        this.strings = strings;
        this.v = v;
    }

    /** Reads the value's header: counts, ids, anything stated before the first element. */
    abstract void begin(RdbEncoding encoding, long typeOffset) throws IOException;

    /** Decodes the next element into {@link #v}; false at the end of the value. */
    abstract boolean next() throws IOException;

    /**
     * Walks the rest of the value by its framing only (lengths, counts, opcodes): encoded blobs
     * and LZF data are skipped, not decoded, though every byte still passes through the CRC64.
     */
    abstract void skipFraming() throws IOException;

    final int maxString() {
        return in.constraints.maxStringSize();
    }
}
