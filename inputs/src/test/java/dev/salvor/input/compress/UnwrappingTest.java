package dev.salvor.input.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.io.InputException;
import org.apache.commons.compress.archivers.ArchiveOutputStream;
import org.apache.commons.compress.archivers.ArchiveStreamFactory;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.compressors.CompressorStreamFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Every compressor and archive Salvor reads, taken off by content (never by name), nested, and archive members chosen. */
class UnwrappingTest {
    private static final byte[] RDB74 = read("rdb/redis-7.4/dataset.rdb");
    private static final byte[] RDB70 = read("rdb/redis-7.0/dataset.rdb");

    private static byte[] read(String fixture) {
        try {
            return Files.readAllBytes(Fixtures.resolve(fixture));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] compressed(String compressor, byte[] raw) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (OutputStream o = new CompressorStreamFactory().createCompressorOutputStream(compressor, b)) {
            o.write(raw);
        }
        return b.toByteArray();
    }

    /** An archive of {@code name, bytes, name, bytes...}. */
    private static byte[] archive(String archiver, Object... entries) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ArchiveOutputStream<?> a = new ArchiveStreamFactory().createArchiveOutputStream(archiver, b)) {
            for (int i = 0; i < entries.length; i += 2) {
                byte[] raw = (byte[]) entries[i + 1];
                put(a, archiver, (String) entries[i], raw);
                a.write(raw);
                a.closeArchiveEntry();
            }
        }
        return b.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static void put(ArchiveOutputStream<?> a, String archiver, String name, byte[] raw) throws Exception {
        if (archiver.equals(ArchiveStreamFactory.TAR)) {
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(raw.length);
            ((ArchiveOutputStream<TarArchiveEntry>) a).putArchiveEntry(e);
        } else {
            ((ArchiveOutputStream<ZipArchiveEntry>) a).putArchiveEntry(new ZipArchiveEntry(name));
        }
    }

    private static Unwrapping.Unwrapped unwrap(byte[] data, String member) throws Exception {
        return Unwrapping.unwrap("backup", new BufferedInputStream(new ByteArrayInputStream(data), 1 << 16), data.length, null, member);
    }

    @ParameterizedTest
    @ValueSource(strings = {"gz", "bzip2", "xz", "zstd", "lz4-framed"})
    void eachCompressorIsRecognisedByContent(String compressor) throws Exception {
        Unwrapping.Unwrapped u = unwrap(compressed(compressor, RDB74), null);
        assertThat(u.wrappers()).containsExactly(compressor);
        assertThat(u.name()).isEqualTo("backup");
        assertThat(u.size()).isEqualTo(-1);
        assertThat(u.soleMember()).isNull();
        assertThat(u.stream().readAllBytes()).isEqualTo(RDB74);
    }

    @ParameterizedTest
    @ValueSource(strings = {ArchiveStreamFactory.TAR, ArchiveStreamFactory.ZIP})
    void anArchiveOfOneFileNeedsNoMemberName(String archiver) throws Exception {
        Unwrapping.Unwrapped u = unwrap(archive(archiver, "dump.rdb", RDB74), null);
        assertThat(u.wrappers()).containsExactly(archiver);
        assertThat(u.name()).isEqualTo("backup!dump.rdb");
        assertThat(u.stream().readAllBytes()).isEqualTo(RDB74);
        u.soleMember().finish();
    }

    @Test
    void wrappersNestAndAreListedOutermostFirst() throws Exception {
        Unwrapping.Unwrapped u = unwrap(compressed("xz", archive(ArchiveStreamFactory.TAR, "var/lib/redis/dump.rdb", compressed("gz", RDB70))), null);
        assertThat(u.wrappers()).containsExactly("xz", "tar", "gz");
        assertThat(u.name()).isEqualTo("backup!var/lib/redis/dump.rdb");
        assertThat(u.stream().readAllBytes()).isEqualTo(RDB70);
    }

    @Test
    void aMemberIsChosenByName() throws Exception {
        byte[] tar = archive(ArchiveStreamFactory.TAR, "old/dump.rdb", RDB70, "dump.rdb", RDB74);
        Unwrapping.Unwrapped u = unwrap(tar, "dump.rdb");
        assertThat(u.stream().readAllBytes()).isEqualTo(RDB74);
        assertThat(u.soleMember()).isNull();
        assertThat(u.size()).isEqualTo(RDB74.length);
        assertThat(unwrap(tar, "old/dump.rdb").stream().readAllBytes()).isEqualTo(RDB70);
        assertThatThrownBy(() -> unwrap(tar, "nope.rdb")).isInstanceOf(InputException.class)
                .hasMessage("backup: the tar archive has no member nope.rdb (members: old/dump.rdb, dump.rdb)");
    }

    @Test
    void anArchiveOfSeveralFilesReadWithoutANameFailsAtItsEndListingThem() throws Exception {
        Unwrapping.Unwrapped u = unwrap(archive(ArchiveStreamFactory.TAR, "a.rdb", RDB70, "b.rdb", RDB74), null);
        assertThatThrownBy(() -> u.stream().readAllBytes()).isInstanceOf(InputException.class)
                .hasMessage("backup: the tar archive holds 2 files (a.rdb, b.rdb); name the one to read as backup!MEMBER");
        // A reader that stopped early is caught when it finishes.
        Unwrapping.Unwrapped early = unwrap(archive(ArchiveStreamFactory.ZIP, "a.rdb", RDB70, "b.rdb", RDB74), null);
        early.stream().readNBytes(9);
        assertThatThrownBy(() -> early.soleMember().finish()).isInstanceOf(InputException.class).hasMessageContaining("holds 2 files (a.rdb, b.rdb)");
    }

    @Test
    void anArchiveOfDirectoriesOnlyAndAPlainStreamSayWhatTheyAre() throws Exception {
        assertThatThrownBy(() -> unwrap(archive(ArchiveStreamFactory.TAR, "var/", new byte[0], "var/lib/", new byte[0]), null)).isInstanceOf(InputException.class)
                .hasMessage("backup: tar archive holds no file");
        Unwrapping.Unwrapped plain = unwrap(RDB74, null);
        assertThat(plain.wrappers()).isEmpty();
        assertThat(plain.stream().readAllBytes()).isEqualTo(RDB74);
    }
}
