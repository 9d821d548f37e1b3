package dev.salvor.cli;

import dev.salvor.input.InputSource;
import dev.salvor.select.FileKind;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The FILE operand of the commands that read either persistence format. */
public final class InputFile {
    @Parameters(paramLabel = "FILE", description = "RDB file (may be compressed or archived), - for stdin, or an AOF file, appendonlydir or manifest.")
    String name;

    /**
     * What the input is, for a plain file or a directory. Null for stdin (always read as RDB) and
     * for compressed or archived inputs, read as RDB once unwrapped; a name that is no file
     * ({@code backup.tar.gz!dump.rdb}, or a missing file) is left to the RDB input too, which
     * unwraps archives and says what is missing.
     *
     * @throws dev.salvor.select.NotRedisFileException a plain file that is neither an RDB nor an AOF
     */
    FileKind kind() throws IOException {
        return kind(name);
    }

    static FileKind kind(String name) throws IOException {
        if (name.equals("-")) return null;
        Path p = Path.of(name);
        if (Files.isDirectory(p)) return FileKind.AOF;
        if (!Files.isRegularFile(p)) return null;
        try (InputSource src = InputSource.open(name, null)) {
            if (src.file() == null) return null;
        }
        return FileKind.of(p);
    }

    boolean isAof() throws IOException {
        return isAof(name);
    }

    static boolean isAof(String name) throws IOException {
        FileKind k = kind(name);
        return k != null && k.aof();
    }

    Path path() {
        return Path.of(name);
    }
}
