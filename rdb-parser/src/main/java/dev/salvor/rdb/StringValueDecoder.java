package dev.salvor.rdb;

import java.io.IOException;

/** A string key's value: one element, delivered in chunks when it is longer than the window. */
final class StringValueDecoder extends ValueDecoder {
    private static final byte[] EMPTY = new byte[0];
    private boolean read;
    private boolean chunked;

    StringValueDecoder(RdbInput in, RdbStrings strings, ValueCursor v) {
        super(in, strings, v);
    }

    @Override
    void begin(RdbEncoding encoding, long typeOffset) {
        v.sizeHint = 1;
        read = false;
        chunked = false;
    }

    @Override
    boolean next() throws IOException {
        if (read) {
            // Chunks nobody asked for are still decompressed (and so checked).
            strings.skipChunks(false);
            return false;
        }
        read = true;
        if (v.unread) {
            // Nobody reads the value: its bytes are checked, not copied or decompressed.
            chunked = strings.checkValue("string value", maxString());
            v.item.setBytes(EMPTY, 0, 0);
        } else {
            chunked = strings.beginValue(v.item, "string value", maxString());
        }
        v.fieldExpireAtMs = -1;
        v.kind = ElementKind.STRING_VALUE;
        return true;
    }

    @Override
    void skipFraming() throws IOException {
        if (!read) {
            read = true;
            strings.skip("string value", maxString());
        } else {
            strings.skipChunks(true);
        }
    }

    /** Whether the value just delivered comes in chunks. */
    boolean chunked() {
        return chunked;
    }
}
