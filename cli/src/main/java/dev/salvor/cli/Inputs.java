package dev.salvor.cli;

import dev.salvor.input.InputSource;
import dev.salvor.rdb.RdbReader;

import java.io.IOException;

/** Opens a command's input as an RDB reader: a FileChannel for plain files, a stream otherwise. */
final class Inputs {
    private Inputs() {
    }

    /**
     * An AOF that arrives as a stream (standard input, or a compressed or archived file): it
     * starts as commands or annotations do. It is copied to a temporary file named after the
     * input ({@code stdin}, or the file's name) in a folder of {@code spool}, since AOF reading
     * needs random access: counted against its limit, announced, removed when it closes. Null when
     * the input is no AOF.
     */
    static java.nio.file.Path spooledAof(InputSource src, dev.salvor.io.Spool spool) throws IOException {
        if (src.file() != null) return null;
        java.io.InputStream in = src.stream();
        in.mark(1);
        int first = in.read();
        in.reset();
        if (first != '*' && first != '#') return null;
        if (src.size() > spool.limit()) spool.charge(src.size(), src.name());
        java.nio.file.Path dir = spool.newDirectory("aof");
        return spool.copyTo(in, src.name(), dir.resolve(spoolName(src.name())));
    }

    /** As {@link #spooledAof(InputSource, dev.salvor.io.Spool)} in the default place and limit; the copy and its folder go to {@code cleanup}. */
    static java.nio.file.Path spooledAof(InputSource src, java.util.List<java.nio.file.Path> cleanup) throws IOException {
        java.nio.file.Path copy = spooledAof(src, dev.salvor.io.Spool.defaults());
        if (copy != null) {
            cleanup.add(copy);
            cleanup.add(copy.getParent());
        }
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
