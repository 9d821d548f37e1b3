package dev.salvor.io;

import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveException;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.ArchiveStreamFactory;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A user-named input: a file, {@code -} for standard input, or a gzip/bzip2/xz/zstd/lz4 file or
 * tar/zip archive holding one (nested wrappers too), recognised by content, not by name. An
 * archive member is chosen with {@code archive.tar!member}; otherwise its first file is read.
 */
public final class InputSource implements Closeable {
    private static final int SNIFF = 1 << 16;

    private final String name;
    private final InputStream stream;
    private final long size;
    private final Path file;
    private final List<String> wrappers;
    private Path origin;

    private InputSource(String name, InputStream stream, long size, Path file, List<String> wrappers) {
        this.name = name;
        this.stream = stream;
        this.size = size;
        this.file = file;
        this.wrappers = wrappers;
    }

    /** Opens {@code spec} ({@code -} reads {@code stdin}). */
    public static InputSource open(String spec, InputStream stdin) throws IOException {
        if (spec.equals("-")) return unwrap("stdin", new BufferedInputStream(stdin, SNIFF), -1, null, null);
        String member = null;
        Path path = Path.of(spec);
        if (!Files.exists(path) && spec.contains("!")) {
            int bang = spec.lastIndexOf('!');
            member = spec.substring(bang + 1);
            path = Path.of(spec.substring(0, bang));
        }
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
        InputSource src = unwrap(path.toString(), new BufferedInputStream(raw, SNIFF), size, path, member);
        src.origin = path;
        return src;
    }

    private static InputSource unwrap(String name, InputStream in, long size, Path file, String member) throws IOException {
        List<String> wrappers = new ArrayList<>();
        String display = name;
        for (int depth = 0; depth < 8; depth++) {
            String compressor = detectCompressor(in);
            if (compressor != null) {
                try {
                    in = new BufferedInputStream(new CompressorStreamFactory(true).createCompressorInputStream(compressor, in), SNIFF);
                } catch (CompressorException e) {
                    throw new InputException(name + ": cannot read " + compressor + " data: " + e.getMessage(), e);
                }
                wrappers.add(compressor);
                size = -1;
                file = null;
                continue;
            }
            String archiver = detectArchiver(in);
            if (archiver != null) {
                ArchiveInputStream<?> archive;
                try {
                    archive = new ArchiveStreamFactory().createArchiveInputStream(archiver, in);
                } catch (ArchiveException e) {
                    throw new InputException(name + ": cannot read " + archiver + " archive: " + e.getMessage(), e);
                }
                ArchiveEntry chosen = select(name, archiver, archive, member);
                wrappers.add(archiver);
                display = display + "!" + chosen.getName();
                in = new BufferedInputStream(archive, SNIFF);
                size = chosen.getSize() >= 0 ? chosen.getSize() : -1;
                file = null;
                member = null;
                continue;
            }
            break;
        }
        if (member != null) throw new InputException(name + ": not an archive, so it has no member " + member);
        return new InputSource(display, in, size, file, List.copyOf(wrappers));
    }

    /** The named member, or with no name the archive's first file (a backup archive holds one). */
    private static ArchiveEntry select(String name, String archiver, ArchiveInputStream<?> archive, String member) throws IOException {
        List<String> names = new ArrayList<>();
        ArchiveEntry e;
        while ((e = archive.getNextEntry()) != null) {
            if (e.isDirectory()) continue;
            if (member == null || e.getName().equals(member)) return e;
            names.add(e.getName());
        }
        if (member != null) throw new InputException(name + ": archive has no member " + member + " (members: " + String.join(", ", names) + ")");
        throw new InputException(name + ": " + archiver + " archive holds no file");
    }

    private static String detectCompressor(InputStream in) {
        try {
            return CompressorStreamFactory.detect(in);
        } catch (CompressorException e) {
            return null;
        }
    }

    private static String detectArchiver(InputStream in) {
        try {
            String a = ArchiveStreamFactory.detect(in);
            return a.equals(ArchiveStreamFactory.TAR) || a.equals(ArchiveStreamFactory.ZIP) ? a : null;
        } catch (ArchiveException e) {
            return null;
        }
    }

    /** For messages: the file name, with {@code !member} for archives. */
    public String name() {
        return name;
    }

    public InputStream stream() {
        return stream;
    }

    /** Uncompressed size when known, else -1. */
    public long size() {
        return size;
    }

    /** The plain file behind this input, or null when it is stdin, compressed or archived. */
    public Path file() {
        return file;
    }

    /**
     * The file the user named (the compressed file or the archive itself when it was unwrapped),
     * or null for stdin: what an output must never replace.
     */
    public Path origin() {
        return origin;
    }

    /** Wrappers that were removed, outermost first (e.g. [gz, tar]). */
    public List<String> wrappers() {
        return wrappers;
    }

    /**
     * A seekable file holding the input's bytes: the file itself, or the unwrapped stream copied
     * to a temporary file (deleted when {@code cleanup} runs).
     */
    public Path seekable(List<Path> cleanup) throws IOException {
        if (file != null) return file;
        Path tmp = Files.createTempFile("salvor-input-", ".bin");
        cleanup.add(tmp);
        Files.copy(stream, tmp, StandardCopyOption.REPLACE_EXISTING);
        return tmp;
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
