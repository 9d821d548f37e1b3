package dev.salvor.cli;

import dev.salvor.aof.AofLayout;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/** The FILE operand of the commands that read either persistence format. */
public final class InputFile {
    @Parameters(paramLabel = "FILE", description = "RDB file (may be compressed or archived), - for stdin, or an AOF file, appendonlydir or manifest.")
    String name;

    /**
     * Stdin is always read as RDB: an AOF is a directory or a manifest, found by looking at the
     * path. A name that is no file ({@code backup.tar.gz!dump.rdb}, or a missing file) is left to
     * the RDB input, which unwraps archives and says what is missing.
     */
    boolean isAof() throws java.io.IOException {
        return isAof(name);
    }

    static boolean isAof(String name) throws java.io.IOException {
        return !name.equals("-") && java.nio.file.Files.exists(Path.of(name)) && AofLayout.isAof(Path.of(name));
    }

    Path path() {
        return Path.of(name);
    }
}
