package dev.salvor.cli;

import dev.salvor.io.InputSource;
import dev.salvor.rdb.RdbReader;

import java.io.IOException;

/** Opens a command's input as an RDB reader: a FileChannel for plain files, a stream otherwise. */
final class Inputs {
    private Inputs() {
    }

    /**
     * An AOF that arrives as a stream (standard input, or a compressed or archived file): it
     * starts as commands or annotations do. It is copied to a temporary file named after the
     * input ({@code stdin}, or the file's name), since AOF reading needs random access; the copy
     * and its folder are removed by {@code cleanup} (in that order). Null when the input is no AOF.
     */
    static java.nio.file.Path spooledAof(InputSource src, java.util.List<java.nio.file.Path> cleanup) throws IOException {
        if (src.file() != null) return null;
        java.io.InputStream in = src.stream();
        in.mark(1);
        int first = in.read();
        in.reset();
        if (first != '*' && first != '#') return null;
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("salvor-aof-");
        java.nio.file.Path copy = dir.resolve(spoolName(src.name()));
        cleanup.add(copy);
        cleanup.add(dir);
        java.nio.file.Files.copy(in, copy);
        return copy;
    }

    /** The last part of an input's name ("stdin", a file, an archive member), as a plain file name. */
    private static String spoolName(String name) {
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('!')) + 1);
        return last.isEmpty() || last.equals(".") || last.equals("..") ? "input" : last;
    }

    static RdbReader rdb(InputSource src) throws IOException {
        if (src.file() != null) {
            src.close();
            return RdbReader.open(src.file());
        }
        return RdbReader.of(src.stream(), src.name(), src.size());
    }
}
