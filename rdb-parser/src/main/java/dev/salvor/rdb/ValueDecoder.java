package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.DUPLICATE_MEMBER;

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

    /**
     * The set member, zset member or hash field just decoded into {@code v.item}, found at
     * {@code at}, must not repeat in the value: servers refuse a value that holds one twice.
     */
    final void unique(long at) throws RdbFormatException {
        if (v.members.size() == 0) v.members.expect(v.sizeHint);
        if (v.members.add(v.item)) return;
        RedisType t = v.encoding.type();
        throw in.error(DUPLICATE_MEMBER, at, t.wireName() + (t == RedisType.HASH ? " field " : " member ") + show(v.item)
                + " repeats (element " + (v.elements + 1) + "); a server refuses the value");
    }

    /** A name or member for a one-line message. */
    static String show(StringRef r) {
        return r.isInteger() ? Long.toString(r.integer()) : StringRef.printable(r.array(), r.offset(), r.length(), 40);
    }
}
