package dev.salvor.input.compress;

import dev.salvor.io.InputException;
import dev.salvor.io.Text;

import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveException;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.ArchiveStreamFactory;
import org.apache.commons.compress.compressors.CompressorException;
import org.apache.commons.compress.compressors.CompressorStreamFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compressed files and archives taken apart for {@link dev.salvor.input.InputSource}, through
 * Commons Compress: compressors and tar/zip archives recognised by their signatures, nested up to
 * eight deep. A package of its own so that reading a plain file never loads Commons Compress (the
 * JVM loads the exception types of a class's handlers when it links the class).
 */
public final class Unwrapping {
    /** Every stream taken apart is read through a buffer this large, so the next layer can be sniffed. */
    private static final int SNIFF = dev.salvor.input.InputSource.SNIFF;

    private Unwrapping() {
    }

    /**
     * What an input is once every wrapper is taken off.
     *
     * @param name       for messages: the file name, with {@code !member} for an archive's member
     * @param size       the unwrapped size when the archive states it, else -1
     * @param file       the plain file when nothing was unwrapped, else null
     * @param wrappers   the wrappers removed, outermost first
     * @param soleMember for an archive read without a member name: the check that it held one file; else null
     */
    public record Unwrapped(String name, InputStream stream, long size, Path file, List<String> wrappers, SoleMember soleMember) {
    }

    /** Takes every compressor and archive off {@code in}; {@code member} names the archive member to read (null: the only one). */
    public static Unwrapped unwrap(String name, InputStream in, long size, Path file, String member) throws IOException {
        return unwrap(name, in, size, file, member, null);
    }

    /**
     * As above; with {@code lost} not null (salvage), a compressed layer that can be read past
     * damage (the VKCS envelope's LZ4 blocks) skips a damaged block and records it there.
     */
    public static Unwrapped unwrap(String name, InputStream in, long size, Path file, String member, List<dev.salvor.io.LostBlock> lost) throws IOException {
        return unwrap(name, in, size, file, member, lost, false);
    }

    /** As above; with {@code stopAtFirst} (a check), the data ends at the first damaged block, and the rest is only searched for damage. */
    public static Unwrapped unwrap(String name, InputStream in, long size, Path file, String member, List<dev.salvor.io.LostBlock> lost,
                                   boolean stopAtFirst) throws IOException {
        SoleMember soleMember = null;
        List<String> wrappers = new ArrayList<>();
        String display = name;
        for (int depth = 0; depth < 8; depth++) {
            if (VkcsEnvelope.matches(in)) {
                // Valkey 9.2's rdbcompression lz4: the whole RDB in one LZ4 frame behind an envelope.
                in = new BufferedInputStream(VkcsEnvelope.open(name, in, lost, stopAtFirst), SNIFF);
                wrappers.add(VkcsEnvelope.WRAPPER);
                size = -1;
                file = null;
                continue;
            }
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
                display = display + "!" + Text.safe(chosen.getName()); // a member name is untrusted: shown escaped
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
        return new Unwrapped(display, in, size, file, List.copyOf(wrappers), soleMember);
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
    public static final class SoleMember extends java.io.FilterInputStream {
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
        public void finish() throws IOException {
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
}
