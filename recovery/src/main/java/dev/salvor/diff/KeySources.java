package dev.salvor.diff;

import dev.salvor.io.Input;
import dev.salvor.io.Spool;

import java.io.IOException;
import java.nio.file.Path;

/** What a diff side given as a file is: a set of DUMP payloads, or an RDB file. */
public final class KeySources {
    private KeySources() {
    }

    /** The input (made seekable in {@code spool} when it is a stream) as a key source, named as given. */
    public static KeySource file(Input src, Spool spool) throws IOException {
        Path file = src.seekable(spool);
        return DumpSet.looksLikeOne(file) ? new DumpSet.Source(file) : new RdbFileSource(file, src.name());
    }
}
