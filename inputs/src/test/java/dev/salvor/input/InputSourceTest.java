package dev.salvor.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.io.InputException;
import dev.salvor.io.Spool;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A name becomes an input: a plain file read in place, standard input, a compressed copy; what each reports. */
class InputSourceTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");

    @TempDir
    Path tmp;

    private Path gzip(String name, byte[] content) throws Exception {
        Path p = tmp.resolve(name);
        try (OutputStream o = new GzipCompressorOutputStream(Files.newOutputStream(p))) {
            o.write(content);
        }
        return p;
    }

    @Test
    void aPlainRdbIsTheFileItself() throws Exception {
        try (InputSource src = InputSource.open(RDB.toString(), null)) {
            assertThat(src.file()).isEqualTo(RDB);
            assertThat(src.origin()).isEqualTo(RDB);
            assertThat(src.wrappers()).isEmpty();
            assertThat(src.size()).isEqualTo(Files.size(RDB));
            assertThat(src.name()).isEqualTo(RDB.toString());
            try (Spool spool = new Spool(tmp.resolve("spool"), Spool.DEFAULT_LIMIT, null)) {
                assertThat(src.seekable(spool)).isEqualTo(RDB);
            }
        }
    }

    @Test
    void aCompressedRdbIsUnwrappedAndCopiedOnlyWhenASeekableFileIsAsked() throws Exception {
        byte[] raw = Files.readAllBytes(RDB);
        Path gz = gzip("dump.rdb.gz", raw);
        try (InputSource src = InputSource.open(gz.toString(), null); Spool spool = new Spool(tmp.resolve("spool"), Spool.DEFAULT_LIMIT, null)) {
            assertThat(src.file()).isNull();
            assertThat(src.origin()).isEqualTo(gz);
            assertThat(src.wrappers()).containsExactly("gz");
            assertThat(src.size()).isEqualTo(-1);
            Path copy = src.seekable(spool);
            assertThat(copy).isNotEqualTo(gz).startsWith(tmp.resolve("spool"));
            assertThat(Files.readAllBytes(copy)).isEqualTo(raw);
        }
    }

    @Test
    void standardInputIsNamedStdinAndHasNoFile() throws Exception {
        byte[] raw = Files.readAllBytes(RDB);
        try (InputSource src = InputSource.open("-", new ByteArrayInputStream(raw))) {
            assertThat(src.name()).isEqualTo("stdin");
            assertThat(src.file()).isNull();
            assertThat(src.origin()).isNull();
            assertThat(src.wrappers()).isEmpty();
            assertThat(src.stream().readAllBytes()).isEqualTo(raw);
        }
    }

    @Test
    void aCompressedFileThatIsNoRdbIsNotCopiedToDisk() throws Exception {
        Path gz = gzip("notes.txt.gz", "hello, this is not a backup\n".repeat(1000).getBytes(StandardCharsets.US_ASCII));
        try (InputSource src = InputSource.open(gz.toString(), null); Spool spool = new Spool(tmp.resolve("spool"), Spool.DEFAULT_LIMIT, null)) {
            assertThatThrownBy(() -> src.seekable(spool)).isInstanceOf(InputException.class)
                    .hasMessageStartingWith(gz + ": does not start as an RDB file").hasMessageContaining("hello, th").hasMessageContaining("decompressed");
            assertThat(spool.written()).isZero();
        }
    }

    @Test
    void anAofThatArrivesCompressedIsCopiedUnderItsOwnNameAndAnRdbIsNot() throws Exception {
        Path aofFile = Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof");
        byte[] aof = Files.readAllBytes(aofFile);
        Path gz = gzip("appendonly.aof.gz", aof);
        try (Spool spool = new Spool(tmp.resolve("spool"), Spool.DEFAULT_LIMIT, null)) {
            try (InputSource src = InputSource.open(gz.toString(), null)) {
                Path copy = src.seekableAof(spool);
                assertThat(copy.getFileName().toString()).isEqualTo("appendonly.aof.gz");
                assertThat(copy).startsWith(tmp.resolve("spool"));
                assertThat(Files.readAllBytes(copy)).isEqualTo(aof);
            }
            try (InputSource plain = InputSource.open(aofFile.toString(), null)) {
                assertThat(plain.seekableAof(spool)).isNull(); // read in place
            }
            try (InputSource rdb = InputSource.open(gzip("dump.rdb.gz", Files.readAllBytes(RDB)).toString(), null)) {
                assertThat(rdb.seekableAof(spool)).isNull();
            }
        }
    }

    @Test
    void aCompressedRdbReadsAsThePlainFileDoes() throws Exception {
        Path gz = gzip("dump.rdb.gz", Files.readAllBytes(RDB));
        try (InputSource plain = InputSource.open(RDB.toString(), null); InputSource packed = InputSource.open(gz.toString(), null);
             dev.salvor.rdb.RdbReader a = plain.rdbReader(); dev.salvor.rdb.RdbReader b = packed.rdbReader()) {
            assertThat(b.source()).isEqualTo(gz.toString());
            dev.salvor.rdb.RdbToken t;
            long keys = 0;
            do {
                t = a.next();
                assertThat(b.next()).isEqualTo(t);
                if (t == dev.salvor.rdb.RdbToken.KEY) {
                    keys++;
                    assertThat(b.key()).isEqualTo(a.key());
                }
                if (a.inValue()) {
                    a.skipValue();
                    b.skipValue();
                }
            } while (t != dev.salvor.rdb.RdbToken.END);
            assertThat(keys).isPositive();
            assertThat(b.checksumStatus()).isEqualTo(a.checksumStatus());
        }
    }

    @Test
    void theFileANameReadsIsTheArchiveOfAMemberUnlessAFileHasTheWholeName() throws Exception {
        assertThat(InputSource.file("-")).isNull();
        assertThat(InputSource.file(RDB.toString())).isEqualTo(RDB);
        Path tar = tmp.resolve("backup.tar");
        assertThat(InputSource.file(tar + "!var/dump.rdb")).isEqualTo(tar);
        Path bang = Files.write(tmp.resolve("odd!name.rdb"), Files.readAllBytes(RDB));
        assertThat(InputSource.file(bang.toString())).isEqualTo(bang);
        try (InputSource src = InputSource.open(bang.toString(), null)) {
            assertThat(src.file()).isEqualTo(bang);
        }
    }

    @Test
    void missingFilesDirectoriesAndMembersOfNoArchiveAreOneLine() throws Exception {
        assertThatThrownBy(() -> InputSource.open(tmp.resolve("nope.rdb").toString(), null)).isInstanceOf(InputException.class)
                .hasMessage(tmp.resolve("nope.rdb") + ": no such file");
        assertThatThrownBy(() -> InputSource.open(tmp.toString(), null)).isInstanceOf(InputException.class)
                .hasMessage(tmp + ": is a directory, expected a file");
        assertThatThrownBy(() -> InputSource.open(RDB + "!dump.rdb", null)).isInstanceOf(InputException.class)
                .hasMessage(RDB + ": not an archive, so it has no member dump.rdb");
        assertThat(List.of(tmp.toFile().list())).isEmpty();
    }
}
