package dev.salvor.aof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The manifest rules are the server's (13.3): for each variant of a real manifest, redis-server
 * is started on it, and Salvor must refuse exactly what the server refuses and accept exactly
 * what it accepts.
 */
class AofManifestServerRulesTest {
    private static final String BASE = "file appendonly.aof.2.base.aof seq 2 type b\n";
    private static final String INCR2 = "file appendonly.aof.2.incr.aof seq 2 type i\n";
    private static final String INCR3 = "file appendonly.aof.3.incr.aof seq 3 type i\n";

    static Stream<Arguments> variants() {
        return Stream.of(
                // What the server refuses.
                Arguments.of("incr seq out of order", BASE + INCR3 + INCR2, false),
                Arguments.of("empty manifest", "", false),
                Arguments.of("blank line", BASE + "\n" + INCR2 + INCR3, false),
                Arguments.of("blank line of spaces", BASE + INCR2 + "  \t\n" + INCR3, false),
                Arguments.of("line over 1023 bytes", BASE + INCR2 + INCR3.replace("\n", " pad " + "x".repeat(1024) + "\n"), false),
                Arguments.of("last line without LF", BASE + INCR2 + INCR3.strip(), false),
                Arguments.of("second base", BASE + BASE.replace("seq 2", "seq 3") + INCR2 + INCR3, false),
                Arguments.of("unknown type", BASE + INCR2.replace("type i", "type x") + INCR3, false),
                Arguments.of("a path, not a name", BASE + INCR2 + "file ../appendonly.aof.3.incr.aof seq 3 type i\n", false),
                Arguments.of("a listed file missing", BASE + INCR2 + INCR3 + "file appendonly.aof.4.incr.aof seq 4 type i\n", false),
                Arguments.of("seq 0", BASE + INCR2.replace("seq 2", "seq 0") + INCR3, false),
                Arguments.of("seq not a number", BASE + INCR2.replace("seq 2", "seq two") + INCR3, false),
                Arguments.of("unbalanced quote", BASE + "file \"appendonly.aof.2.incr.aof seq 2 type i\n" + INCR3, false),
                Arguments.of("closing quote followed by a letter", BASE + "file \"appendonly.aof.2.incr.aof\"x seq 2 type i\n" + INCR3, false),
                Arguments.of("too few words", BASE + "file appendonly.aof.2.incr.aof seq 2\n" + INCR3, false),
                Arguments.of("incr seq equal", BASE + INCR2 + INCR3.replace("seq 3", "seq 2"), false),
                // What it accepts.
                Arguments.of("as written", BASE + INCR2 + INCR3, true),
                Arguments.of("comments", "# written by hand\n" + BASE + "#\n" + INCR2 + INCR3, true),
                Arguments.of("a long comment line", "#" + "c".repeat(3000) + "\n" + BASE + INCR2 + INCR3, false),
                Arguments.of("unknown keys", BASE + INCR2.replace("\n", " startoffset 0 endoffset 9\n") + INCR3, true),
                Arguments.of("keys in upper case", BASE.replace("file", "FILE").replace("seq", "SEQ").replace("type", "TYPE") + INCR2 + INCR3, true),
                Arguments.of("type spelled out", BASE.replace("type b", "type base") + INCR2.replace("type i", "type incr") + INCR3, true),
                Arguments.of("CRLF line ends", (BASE + INCR2 + INCR3).replace("\n", "\r\n"), true),
                Arguments.of("blanks around words", "  " + BASE.replace(" seq", "\t seq") + INCR2 + INCR3, true),
                Arguments.of("quoted names", "file \"appendonly.aof.2.base.aof\" seq 2 type b\nfile 'appendonly.aof.2.incr.aof' seq 2 type i\n"
                        + "file \"appendonly\\x2eaof.3.incr.aof\" seq 3 type i\n", true),
                Arguments.of("history file that is gone", BASE + "file appendonly.aof.1.incr.aof seq 1 type h\n" + INCR2 + INCR3, true),
                Arguments.of("negative base seq", BASE.replace("seq 2", "seq -2") + INCR2 + INCR3, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void salvorRefusesExactlyWhatTheServerRefuses(String name, String manifest, boolean accepted, @TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Path dir = data.resolve("appendonlydir");
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir"))) {
            for (Path p : files.toList()) Files.copy(p, dir.resolve(p.getFileName().toString()));
        }
        Files.write(dir.resolve("appendonly.aof.manifest"), manifest.getBytes(StandardCharsets.ISO_8859_1));

        boolean serverAccepts = serverStarts(data);
        assertThat(serverAccepts).as("the server's own verdict on: %s", name).isEqualTo(accepted);
        AofManifest m = AofManifest.read(dir.resolve("appendonly.aof.manifest"));
        if (accepted) {
            assertThat(m.problems()).as(name).isEmpty();
            assertThat(m.loaded().stream().map(AofSegment::name))
                    .containsExactly("appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof", "appendonly.aof.3.incr.aof");
        } else {
            assertThat(m.problems()).as(name).isNotEmpty();
            for (AofManifest.Problem p : m.problems()) assertThat(p.toString()).doesNotContain("\n");
        }
    }

    private static boolean serverStarts(Path data) throws IOException {
        try (RedisServer redis = RedisServer.start(data, "--appendonly", "yes", "--appenddirname", "appendonlydir", "--appendfilename", "appendonly.aof")) {
            return redis.call("DBSIZE") instanceof Long n && n > 0;
        } catch (IOException e) {
            String log = Files.readString(data.resolve("redis.log"), StandardCharsets.ISO_8859_1);
            assertThat(log).as("the server stopped on the manifest").containsAnyOf("MANIFEST", "manifest", "AOF file", "append only file");
            return false;
        }
    }

    /** The server's own writing of names is what Salvor writes: quoted where sdsneedsrepr says, escaped as sdscatrepr does. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void namesAreQuotedAsTheServerQuotesThem(String raw, String written) {
        assertThat(AofManifest.formatName(raw)).isEqualTo(written);
        assertThat(AofManifest.splitArgs("file " + written + " seq 1 type i")).containsExactly("file", raw, "seq", "1", "type", "i");
    }

    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("appendonly.aof.1.incr.aof", "appendonly.aof.1.incr.aof"),
                Arguments.of("my file.aof", "\"my file.aof\""),
                Arguments.of("q\"uote.aof", "\"q\\\"uote.aof\""),
                Arguments.of("new\nline\ttab.aof", "\"new\\nline\\ttab.aof\""),
                Arguments.of("caf\u00c3\u00a9.aof", "\"caf\\xc3\\xa9.aof\""),
                Arguments.of("bell\u0007.aof", "\"bell\\a.aof\""));
    }
}
