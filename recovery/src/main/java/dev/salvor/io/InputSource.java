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
 * archive member is chosen with {@code archive.tar!member}.
 * Without one, an archive must hold a single file: when its first file has been read to the end,
 * or the input is closed, any further file fails the read with the list of members, so a backup
 * archive with several files is never read as whichever came first.
 */
public final class InputSource implements Closeable {
    private static final int SNIFF = 1 << 16;

    private final String name;
    private final InputStream stream;
    private final long size;
    private final Path file;
    private final List<String> wrappers;
    private Path origin;
    private SoleMember soleMember;

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
        SoleMember soleMember = null;
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
                String archiveName = display;
                display = display + "!" + chosen.getName();
                InputStream data = archive;
                if (member == null) {
                    soleMember = new SoleMember(archive, archiveName, archiver, chosen.getName());
                    data = soleMember;
                }
                in = new BufferedInputStream(data, SNIFF);
                size = chosen.getSize() >= 0 ? chosen.getSize() : -1;
                file = null;
                member = null;
                continue;
            }
            break;
        }
        if (member != null) throw new InputException(name + ": not an archive, so it has no member " + member);
        InputSource src = new InputSource(display, in, size, file, List.copyOf(wrappers));
        src.soleMember = soleMember;
        return src;
    }

    /** The named member, or with no name the archive's first file (a backup archive holds one). */
    private static ArchiveEntry select(String name, String archiver, ArchiveInputStream<?> archive, String member) throws IOException {
        List<String> names = new ArrayList<>();
        ArchiveEntry e;
        while ((e = archive.getNextEntry()) != null) {
            if (e.isDirectory()) continue;
            if (member == null || e.getName().equals(member) || e.getName().equals("./" + member)) return e;
            names.add(e.getName());
        }
        if (member != null) throw new InputException(name + ": the " + archiver + " archive has no member " + member + " (members: " + listed(names) + ")");
        throw new InputException(name + ": " + archiver + " archive holds no file");
    }

    private static String listed(List<String> names) {
        if (names.isEmpty()) return "none";
        int shown = Math.min(names.size(), 20);
        return String.join(", ", names.subList(0, shown)) + (names.size() > shown ? " and " + (names.size() - shown) + " more" : "");
    }

    /**
     * The first file of an archive read without a member name. At its end, the archive is looked
     * at once more: another file means the name was needed, and the read fails listing them all.
     */
    private static final class SoleMember extends java.io.FilterInputStream {
        private final ArchiveInputStream<?> archive;
        private final String archiveName;
        private final String archiver;
        private final String first;
        private boolean checked;

        SoleMember(ArchiveInputStream<?> archive, String archiveName, String archiver, String first) {
            super(archive);
            this.archive = archive;
            this.archiveName = archiveName;
            this.archiver = archiver;
            this.first = first;
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c < 0) checkAlone();
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n < 0) checkAlone();
            return n;
        }

        /** A reader that closes its input closes the archive: check first. */
        @Override
        public void close() throws IOException {
            try {
                finish();
            } finally {
                super.close();
            }
        }

        /** Reads to the end of the first file (when the reader stopped early) and checks. */
        void finish() throws IOException {
            byte[] skip = new byte[1 << 16];
            while (!checked) {
                if (read(skip, 0, skip.length) < 0) break;
            }
        }

        private void checkAlone() throws IOException {
            if (checked) return;
            checked = true;
            List<String> names = new ArrayList<>();
            names.add(first);
            ArchiveEntry e;
            while ((e = archive.getNextEntry()) != null) {
                if (!e.isDirectory()) names.add(e.getName());
            }
            if (names.size() > 1) {
                throw new InputException(archiveName + ": the " + archiver + " archive holds " + names.size() + " files (" + listed(names) + "); "
                        + (archiveName.equals("stdin") ? "pipe in only the one to read (e.g. tar -xOf ARCHIVE MEMBER)" : "name the one to read as " + archiveName + "!MEMBER"));
            }
        }
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

    /**
     * For an archive read without a member name: makes sure it held one file (reads the rest of
     * it when the reader stopped early). Commands call it before committing outputs; {@link #close()}
     * calls it too.
     */
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
