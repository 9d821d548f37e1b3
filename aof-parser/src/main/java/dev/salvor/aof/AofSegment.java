package dev.salvor.aof;

import java.nio.file.Path;

/** One file of an AOF: its path, its role in a multi-part AOF, and its sequence number. */
public record AofSegment(Path file, Kind kind, long seq) {
    /** The role a file plays. */
    public enum Kind {
        /** The only file of a single-file AOF (Redis before 7.0). */
        SINGLE,
        /** A multi-part base (RDB or AOF content). */
        BASE,
        /** An incremental file of commands after the base. */
        INCR,
        /** A file kept for history only; not loaded by Redis. */
        HISTORY
    }

    public String name() {
        return file.getFileName().toString();
    }
}
