package dev.salvor.input;

import dev.salvor.input.compress.Unwrapping;
import dev.salvor.io.Input;
import dev.salvor.io.InputException;
import dev.salvor.io.LostBlock;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A user-named input: a file, {@code -} for standard input, or a gzip/bzip2/xz/zstd/lz4 file,
 * Valkey 9.2's {@code VKCS} LZ4 envelope ({@code rdbcompression lz4}) or a tar/zip archive holding
 * one (nested wrappers too), recognised by content, not by name. An
 * archive member is chosen with {@code archive.tar!member}.
 * Without one, an archive must hold a single file: when its first file has been read to the end,
 * or the input is closed, any further file fails the read with the list of members, so a backup
 * archive with several files is never read as whichever came first.
 */
public final class InputSource implements Input {
    /** How far ahead a format is sniffed (a buffer over every stream read). */
    public static final int SNIFF = 1 << 16;

    private final String name;
    private final InputStream stream;
    private final long size;
    private final Path file;
    private final List<String> wrappers;
    private Path origin;
    private final Unwrapping.SoleMember soleMember;

    private InputSource(String name, InputStream stream, long size, Path file, List<String> wrappers, Unwrapping.SoleMember soleMember) {
        this.name = name;
        this.soleMember = soleMember;
        this.stream = stream;
        this.size = size;
        this.file = file;
        this.wrappers = wrappers;
    }

    /**
     * The file {@code spec} names: itself, or the archive of {@code archive!member} when no file
     * has the whole name; null for {@code -} (standard input). What outputs are checked against
     * before the input is opened.
     */
    public static Path file(String spec) {
        if (spec.equals("-")) return null;
        int bang = memberMark(spec);
        return Path.of(bang < 0 ? spec : spec.substring(0, bang));
    }

    /** Where {@code !member} starts in {@code spec}, or -1 when it names a file as it is. */
    private static int memberMark(String spec) {
        return !Files.exists(Path.of(spec)) && spec.contains("!") ? spec.lastIndexOf('!') : -1;
    }

    /** Opens {@code spec} ({@code -} reads {@code stdin}). */
    public static InputSource open(String spec, InputStream stdin) throws IOException {
        return open(spec, stdin, false);
    }

    /**
     * Opens {@code spec} for salvage: a damaged block of a compressed layer that can be read past
     * (Valkey's VKCS envelope) is skipped and listed in {@link #lostBlocks()}, instead of ending the read.
     */
    public static InputSource openSalvaging(String spec, InputStream stdin) throws IOException {
        return open(spec, stdin, true, false);
    }

    /**
     * Opens {@code spec} for a check: the data of a compressed layer that can be read past damage
     * ends at its first damaged block, and every damaged block is listed in {@link #lostBlocks()}
     * once the stream was read to its end.
     */
    public static InputSource openChecking(String spec, InputStream stdin) throws IOException {
        return open(spec, stdin, true, true);
    }

    private static InputSource open(String spec, InputStream stdin, boolean salvaging) throws IOException {
        return open(spec, stdin, salvaging, false);
    }

    private static InputSource open(String spec, InputStream stdin, boolean salvaging, boolean stopAtFirst) throws IOException {
        List<LostBlock> lost = salvaging ? new java.util.concurrent.CopyOnWriteArrayList<>() : null;
        InputSource src = openWith(spec, stdin, lost, stopAtFirst);
        src.lost = lost;
        return src;
    }

    private List<LostBlock> lost;

    /** For an input opened with {@link #openSalvaging}: the damaged compressed blocks skipped so far (all of them once the stream was read). */
    @Override
    public List<LostBlock> lostBlocks() {
        return lost == null ? List.of() : List.copyOf(lost);
    }

    private static InputSource openWith(String spec, InputStream stdin, List<LostBlock> lost, boolean stopAtFirst) throws IOException {
        if (spec.equals("-")) return unwrap("stdin", new BufferedInputStream(stdin, SNIFF), -1, null, null, lost, stopAtFirst);
        int bang = memberMark(spec);
        String member = bang < 0 ? null : spec.substring(bang + 1);
        Path path = file(spec);
        if (Files.isDirectory(path)) throw new InputException(spec + ": is a directory, expected a file");
        InputStream raw;
        long size;
        try {
            raw = Files.newInputStream(path);
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new InputException(spec + ": no such file");
        } catch (AccessDeniedException e) {
            throw new InputException(spec + ": permission denied");
        }
        InputSource src = unwrap(path.toString(), new BufferedInputStream(raw, SNIFF), size, path, member, lost, stopAtFirst);
        src.origin = path;
        return src;
    }

    private static InputSource unwrap(String name, InputStream in, long size, Path file, String member, List<LostBlock> lost,
                                      boolean stopAtFirst) throws IOException {
        if (member == null && plainRdb(in)) return new InputSource(name, in, size, file, List.of(), null);
        Unwrapping.Unwrapped u = Unwrapping.unwrap(name, in, size, file, member, lost, stopAtFirst);
        return new InputSource(u.name(), u.stream(), u.size(), u.file(), u.wrappers(), u.soleMember());
    }

    /**
     * Whether {@code in} starts as an RDB does: {@code REDIS}, four digits, then an opcode byte
     * (0xF5 and up: aux field, select db, expiry...). No compressed or archive format starts so
     * (a tar header starts with a member name, and these bytes are not UTF-8), so the common case
     * needs no format detection, and Commons Compress is loaded only for what it reads.
     */
    private static boolean plainRdb(InputStream in) throws IOException {
        in.mark(10);
        byte[] head = in.readNBytes(10);
        in.reset();
        if (head.length < 10) return false;
        for (int i = 0; i < 5; i++) if (head[i] != "REDIS".charAt(i)) return false;
        for (int i = 5; i < 9; i++) if (head[i] < '0' || head[i] > '9') return false;
        return (head[9] & 0xff) >= 0xF5;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public InputStream stream() {
        return stream;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Path file() {
        return file;
    }

    @Override
    public Path origin() {
        return origin;
    }

    @Override
    public List<String> wrappers() {
        return wrappers;
    }

    /**
     * For an archive read without a member name: makes sure it held one file (reads the rest of
     * it when the reader stopped early). Commands call it before committing outputs; {@link #close()}
     * calls it too.
     */
    @Override
    public void finish() throws IOException {
        if (soleMember != null) soleMember.finish();
    }

    @Override
    public void close() throws IOException {
        try {
            finish();
        } finally {
            stream.close();
        }
    }
}
