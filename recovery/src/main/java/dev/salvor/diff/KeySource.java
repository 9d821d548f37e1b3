package dev.salvor.diff;

import dev.salvor.export.KeySelector;

import java.io.Closeable;
import java.io.IOException;
import java.util.function.Consumer;

/** One side of a diff: an RDB file or a live server. */
public interface KeySource extends Closeable {
    /** A short name for reports; never contains a password. */
    String describe();

    /** Every selected key, fingerprinted. */
    void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException;

    /** The value of a key, whole, for element-level detail; null when the key is gone. */
    CollectedValue fetch(KeyRecord record) throws IOException;

    /**
     * Whether this source reads database {@code db} at all ({@code redis://host:port/5} reads db 5
     * only). A key of a database the source does not read is never looked up there again.
     */
    default boolean covers(int db) {
        return true;
    }

    /** How many keys a scan will see at most, for a progress display; -1 when not known before reading. */
    default long expectedKeys() throws IOException {
        return -1;
    }

    /**
     * For a live server: its own clock now (TIME), which decides what it has expired; -1 for a
     * source without a clock of its own (a file).
     */
    default long clockMs() throws IOException {
        return -1;
    }

    /**
     * After a scan: what the source could not account for, each located (a file's UPDATE command
     * Salvor did not apply): the comparison is not complete while there is any.
     */
    default java.util.List<String> notices() {
        return java.util.List.of();
    }

    /** Whether values can change while being read (live servers). */
    boolean live();

    /** For live sources: the key as it is now (null when gone), to tell a change during the read. */
    default KeyRecord refetch(KeyRecord record) throws IOException {
        throw new IOException(describe() + " cannot be read again");
    }
}
