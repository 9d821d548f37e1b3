package dev.salvor.aof;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvor.fixtures.Fixtures;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AofReaderTest {
    @TempDir
    Path tmp;

    static List<String> read(AofReader r) throws IOException {
        List<String> out = new ArrayList<>();
        AofToken t;
        while ((t = r.next()) != AofToken.END) {
            switch (t) {
                case COMMAND -> {
                    StringBuilder sb = new StringBuilder(r.start() + " db" + r.db() + " tx" + r.txId() + " t" + r.timestampMs());
                    for (byte[] a : r.argv()) sb.append(' ').append(new String(a, StandardCharsets.ISO_8859_1));
                    out.add(sb.toString());
                }
                case ANNOTATION -> out.add("#" + r.annotation());
                case PREAMBLE -> out.add("preamble " + r.start() + ".." + r.end());
                default -> {
                }
            }
        }
        return out;
    }

    static InputStream oneByteAtATime(byte[] b) {
        return new ByteArrayInputStream(b) {
            @Override
            public synchronized int read(byte[] buf, int off, int len) {
                return super.read(buf, off, Math.min(len, 1));
            }
        };
    }

    @Test
    void realAofReadsTheSameWholeAndOneByteAtATime() throws IOException {
        Path aof = Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof");
        byte[] bytes = Files.readAllBytes(aof);
        List<String> whole;
        try (AofReader r = AofReader.open(aof)) {
            whole = read(r);
        }
        assertThat(whole).hasSizeGreaterThan(1000);
        try (AofReader r = AofReader.of(oneByteAtATime(bytes), "trickle", bytes.length)) {
            assertThat(read(r)).isEqualTo(whole);
        }
    }

    @Test
    void tracksDatabaseTransactionsAndTimestamps() throws IOException {
        String text = "#TS:1700000000\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n5\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
                + "*1\r\n$4\r\nEXEC\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n";
        try (AofReader r = AofReader.of(new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1)), "t", text.length())) {
            List<String> got = read(r);
            assertThat(got).hasSize(6);
            assertThat(got.get(0)).isEqualTo("#TS:1700000000");
            assertThat(got.get(3)).contains("db5 tx1 t1700000000000 SET k v");
            assertThat(got.get(5)).contains("db5 tx0").endsWith("INCR n");
        }
    }

    @Test
    void preambleIsReadByTheRdbParser() throws IOException {
        Path aof = Fixtures.resolve("aof/redis-6.2/aof-preamble/appendonly.aof");
        try (AofReader r = AofReader.open(aof)) {
            List<String> got = read(r);
            assertThat(got.get(0)).startsWith("preamble 0..");
            assertThat(got).hasSize(1 + 173);
        }
    }

    @Test
    void everyMalformationIsTypedAndLocated() {
        assertError("*1\r\n$4\r\nPING\r\n+OK\r\n", AofFormatException.Reason.BAD_PREFIX, 14);
        assertError("*x\r\n", AofFormatException.Reason.BAD_LENGTH, 1);
        assertError("*1\r\n$4\r\nPINGXX", AofFormatException.Reason.MISSING_CRLF, 12);
        assertError("*2\r\n$3\r\nGET\r\n", AofFormatException.Reason.TRUNCATED_TAIL, 13);
        assertError("*1\r\n$7\r\nFROBNIC\r\n", AofFormatException.Reason.UNKNOWN_COMMAND, 0);
        assertError("*1\r\n$3\r\nSET\r\n", AofFormatException.Reason.WRONG_ARITY, 0);
        assertError("*1\r\n$5\r\nMULTI\r\n*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n", AofFormatException.Reason.UNTERMINATED_MULTI, 0);
        // A hostile length is refused before anything is allocated for it.
        assertError("*1\r\n$999999999999\r\nx", AofFormatException.Reason.BAD_LENGTH, 4);
        assertError("*9999999\r\n", AofFormatException.Reason.TRUNCATED_TAIL, 0);
        assertError("*99999999\r\n", AofFormatException.Reason.BAD_LENGTH, 0);
    }

    private void assertError(String text, AofFormatException.Reason reason, long offset) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> {
            Path f = Files.createTempFile(tmp, "bad", ".aof");
            Files.write(f, b);
            try (AofReader r = AofReader.open(f)) {
                read(r);
            }
        }).isInstanceOf(AofFormatException.class)
                .satisfies(e -> assertThat(((AofFormatException) e).reason()).as(text).isEqualTo(reason))
                .satisfies(e -> assertThat(((AofFormatException) e).offset()).as(text).isEqualTo(offset))
                .satisfies(e -> assertThat(e.getMessage()).contains("byte offset " + offset).contains("line").doesNotContain("\n"));
    }

    @Test
    void manifestWithQuotedNamesInManifestOrder() throws IOException {
        Path dir = tmp.resolve("appendonlydir");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("my aof.1.base.aof"), "*1\r\n$4\r\nPING\r\n");
        Files.writeString(dir.resolve("my aof.1.incr.aof"), "*2\r\n$4\r\nINCR\r\n$1\r\na\r\n");
        Files.writeString(dir.resolve("my aof.2.incr.aof"), "*2\r\n$4\r\nINCR\r\n$1\r\nb\r\n");
        Files.writeString(dir.resolve("my aof.manifest"), "file \"my aof.1.incr.aof\" seq 1 type i\nfile \"my aof.1.base.aof\" seq 1 type b\n"
                + "file \"my\\x20aof.2.incr.aof\" seq 2 type i\nfile gone.aof seq 7 type h\n");
        AofLayout layout = AofLayout.of(dir);
        assertThat(layout.multiPart()).isTrue();
        assertThat(layout.segments().stream().map(AofSegment::name)).containsExactly("my aof.1.base.aof", "my aof.1.incr.aof", "my aof.2.incr.aof");
        assertThat(AofLayout.isAof(dir)).isTrue();
        assertThat(AofLayout.isAof(Fixtures.resolve("rdb/redis-7.0/dataset.rdb"))).isFalse();
        assertThat(AofLayout.isAof(Fixtures.resolve("aof/redis-6.2/aof-preamble/appendonly.aof"))).isTrue();
    }

    @Test
    void commandTableKnowsEveryVersion() {
        CommandTable t = CommandTable.get();
        assertThat(t.lookup("set").acceptsArgc(3)).isTrue();
        assertThat(t.lookup("set").acceptsArgc(2)).isFalse();
        assertThat(t.lookup("waitaof")).isNotNull(); // 7.2+
        assertThat(t.lookup("config", "set").name()).isEqualTo("config|set");
        assertThat(t.lookup("nosuchcommand")).isNull();
        assertThat(CommandTable.isModuleCommandName("json.set".getBytes())).isTrue();
        assertThat(CommandTable.isModuleCommandName("\u0000.x".getBytes())).isFalse();
        assertThat(Arrays.stream(t.lookup("flushall").arities()).boxed()).contains(-1);
    }
}
