package dev.salvor.cli;

import dev.salvor.io.Input;
import dev.salvor.io.Spool;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Where a command without --temp-dir copies an AOF that arrives as a stream. */
final class Inputs {
    private Inputs() {
    }

    /** {@link Input#seekableAof(Spool)} in the default place and limit; the copy and its folder go to {@code cleanup}. */
    static Path spooledAof(Input src, List<Path> cleanup) throws IOException {
        Path copy = src.seekableAof(Spool.defaults());
        if (copy != null) {
            cleanup.add(copy);
            cleanup.add(copy.getParent());
        }
        return copy;
    }
}
