package dev.salvor.format;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Bytes compared by content, for a key name or prefix held in a map or set. */
public record ByteKey(byte[] bytes) {
    public static ByteKey of(String s) {
        return new ByteKey(s.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey k && Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
