package dev.salvor.io;

import dev.salvor.rdb.RdbReader;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A user-named input as the engine sees it: a name for messages, its bytes as a stream, and the
 * plain file behind it when there is one. How a name became an input (standard input, a
 * compressed file, an archive member) is the {@code inputs} module's ({@code dev.salvor.input}),
 * so the engine carries no decompressor.
 */
public interface Input extends Closeable {
    /** For messages: the file name, with {@code !member} for archives. */
    String name();

    InputStream stream();

    /** Uncompressed size when known, else -1. */
    long size();

    /** The plain file behind this input, or null when it is stdin, compressed or archived. */
    Path file();

    /**
     * The file the user named (the compressed file or the archive itself when it was unwrapped),
     * or null for stdin: what an output must never replace.
     */
    Path origin();

    /** Wrappers that were removed, outermost first (e.g. [gz, tar]); empty for a plain file. */
    List<String> wrappers();

    /**
     * Damaged blocks of a compressed layer that the read went past (only for an input opened for
     * salvage), in order; complete once the stream was read to its end.
     */
    default List<LostBlock> lostBlocks() {
        return List.of();
    }

    /**
     * Checks what can only be checked once the input was read (an archive read without a member
     * name held one file). Commands call it before committing outputs; {@link #close()} calls it too.
     */
    void finish() throws IOException;

    /**
     * A seekable file holding the input's bytes: the file itself, or the stream copied into
     * {@code spool} (removed when it closes). Before a byte is copied, the input must start as an
     * RDB file ({@code REDIS0011}, {@code VALKEY080}) or a DUMP payload set ({@code {}) does: a few
     * bytes refuse a decompression bomb that would otherwise fill the disk.
     */
    default Path seekable(Spool spool) throws IOException {
        if (file() != null) return file();
        InputStream stream = stream();
        stream.mark(16);
        byte[] head = stream.readNBytes(9);
        stream.reset();
        if (!looksLikeRdbOrDumpSet(head)) {
            throw new InputException(name() + ": does not start as an RDB file (REDIS<version> or VALKEY<version>) or a DUMP payload set; found "
                    + dev.salvor.rdb.StringRef.printable(head, 0, head.length, 9) + ", so it is not copied to disk"
                    + (wrappers().isEmpty() ? "" : " (a file whose header is damaged can be salvaged once it is decompressed)"));
        }
        return spool.copy(stream, name(), size());
    }

    /**
     * An AOF that arrives as a stream (standard input, or a compressed or archived file): it
     * starts as commands or annotations do. It is copied to a temporary file named after the
     * input ({@code stdin}, or the file's name) in a folder of {@code spool}, since AOF reading
     * needs random access: counted against its limit, announced, removed when it closes. Null when
     * the input is a plain file or no AOF.
     */
    default Path seekableAof(Spool spool) throws IOException {
        if (file() != null) return null;
        InputStream in = stream();
        in.mark(1);
        int first = in.read();
        in.reset();
        if (first != '*' && first != '#') return null;
        if (size() > spool.limit()) spool.charge(size(), name());
        Path dir = spool.newDirectory("aof");
        return spool.copyTo(in, name(), dir.resolve(spoolName(name())));
    }

    /** The last part of an input's name ("stdin", a file, an archive member), as a plain file name. */
    private static String spoolName(String name) {
        String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('!')) + 1);
        return last.isEmpty() || last.equals(".") || last.equals("..") ? "input" : last;
    }

    /**
     * The input as an RDB reader: a plain file is read through its own channel (this input is then
     * closed), anything else as the stream it is.
     */
    default RdbReader rdbReader() throws IOException {
        if (file() != null) {
            close();
            return RdbReader.open(file());
        }
        return RdbReader.of(stream(), name(), size());
    }

    /** The first bytes of an RDB file or of a DUMP payload set (JSON lines). */
    static boolean looksLikeRdbOrDumpSet(byte[] head) {
        if (head.length > 0 && head[0] == '{') return true;
        String s = new String(head, StandardCharsets.ISO_8859_1);
        if (s.startsWith("REDIS")) return s.length() == 9 && digits(s, 5);
        if (s.startsWith("VALKEY")) return s.length() == 9 && digits(s, 6);
        return false;
    }

    private static boolean digits(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) return false;
        }
        return true;
    }
}
