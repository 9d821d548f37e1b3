package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A manifest the server refuses is damage, and repair rebuilds one it accepts (13.4); names with
 * blanks, quotes and newlines are read and written as the server does (13.5). The real server
 * is the judge: it refuses the damaged input, accepts the repaired output, and holds the same
 * dataset (DEBUG DIGEST) as from the intact original.
 */
class AofManifestRepairTest {
    private static final String BASE = "file appendonly.aof.2.base.aof seq 2 type b\n";
    private static final String INCR2 = "file appendonly.aof.2.incr.aof seq 2 type i\n";
    private static final String INCR3 = "file appendonly.aof.3.incr.aof seq 3 type i\n";

    /** DEBUG DIGEST of an empty dataset. */
    private static final String EMPTY = "0".repeat(40);

    @TempDir
    Path tmp;

    static Stream<Arguments> damagedManifests() {
        return Stream.of(
                Arguments.of("incr seq out of order", BASE + INCR3 + INCR2),
                Arguments.of("blank line", BASE + "\n" + INCR2 + INCR3),
                Arguments.of("last line without LF", BASE + INCR2 + INCR3.strip()),
                Arguments.of("empty manifest", ""),
                Arguments.of("no manifest", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damagedManifests")
    void damagedManifestIsDamageAndRepairWritesOneTheServerAccepts(String name, String manifest) throws Exception {
        Path original = tmp.resolve("original/appendonlydir");
        Path dir = tmp.resolve("damaged/appendonlydir");
        AofRepairAccountingTest.copy(Fixtures.resolve("aof/redis-7.0/aof-multipart/appendonlydir"), original);
        AofRepairAccountingTest.copy(original, dir);
        Path m = dir.resolve("appendonly.aof.manifest");
        if (manifest == null) Files.delete(m);
        else Files.writeString(m, manifest, StandardCharsets.ISO_8859_1);
        // The server judges copies: it may add files to a directory it loads.
        String digest = digest(copy(original), "appendonly.aof");
        // The server refuses the damaged directory, or (without a manifest) starts with nothing.
        assertThat(digest(copy(dir), "appendonly.aof")).as("the server does not load the damaged directory").isIn(null, EMPTY);

        CliRunner.Result check = CliRunner.run("check", dir.toString());
        assertThat(check.exitCode()).as(check.out() + check.err()).isEqualTo(1);
        assertThat(check.out()).contains("manifest: ");

        Path out = tmp.resolve("repaired/appendonlydir");
        CliRunner.Result repair = CliRunner.run("repair", dir.toString(), "-o", out.toString());
        assertThat(repair.exitCode()).as(repair.out() + repair.err()).isEqualTo(1);
        assertThat(repair.out()).contains("manifest not followed; files chosen from");
        assertThat(Files.readString(out.resolve("appendonly.aof.manifest"))).isEqualTo(BASE + INCR2 + INCR3);
        assertThat(CliRunner.run("check", out.toString()).exitCode()).isEqualTo(0);
        assertThat(digest(copy(out), "appendonly.aof")).as("the server loads the repair as it loaded the original").isEqualTo(digest);
    }

    @Test
    void namesWithBlanksQuotesAndNewlinesAsTheServerWritesThem() throws Exception {
        // Non-ASCII only where this JVM can name such files (it cannot under LANG=C).
        boolean utf8 = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).equals(StandardCharsets.UTF_8);
        String name = "my \"odd\" file\nwith newline\tand 'q'" + (utf8 ? " caf\u00e9" : "") + ".aof";
        Path data = tmp.resolve("server");
        try (RedisServer redis = RedisServer.start(data, "--appendonly", "yes", "--appendfilename", name, "--aof-use-rdb-preamble", "yes",
                "--aof-timestamp-enabled", "yes")) {
            for (int i = 0; i < 50; i++) redis.call("SET", "k" + i, "v" + i);
            redis.call("BGREWRITEAOF");
            while (!new String((byte[]) redis.call("INFO", "persistence"), StandardCharsets.UTF_8).contains("aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0")) {
                Thread.sleep(50);
            }
            for (int i = 0; i < 50; i++) redis.call("RPUSH", "list", "e" + i);
        }
        Path dir = data.resolve("appendonlydir");
        Path manifest = dir.resolve(name + ".manifest");
        byte[] written = Files.readAllBytes(manifest);
        assertThat(new String(written, StandardCharsets.ISO_8859_1)).as("the server quotes such names").startsWith("file \"my \\\"odd\\\" file\\nwith");
        String digest = digest(copy(dir), name);
        assertThat(digest).isNotNull();

        CliRunner.Result check = CliRunner.run("check", dir.toString());
        assertThat(check.exitCode()).as(check.out() + check.err()).isEqualTo(0);

        Path out = tmp.resolve("repaired/appendonlydir");
        CliRunner.Result repair = CliRunner.run("repair", dir.toString(), "-o", out.toString());
        assertThat(repair.exitCode()).as(repair.out() + repair.err()).isEqualTo(0);
        assertThat(Files.readAllBytes(out.resolve(name + ".manifest"))).as("the manifest as the server writes it").isEqualTo(written);
        assertThat(digest(copy(out), name)).isEqualTo(digest);
    }

    private int copies;

    /** A fresh copy of an appendonlydir, in a data directory of its own; returns the data directory. */
    private Path copy(Path appendonlydir) throws Exception {
        Path data = tmp.resolve("judge-" + copies++);
        AofRepairAccountingTest.copy(appendonlydir, data.resolve("appendonlydir"));
        return data;
    }

    /** DEBUG DIGEST of what a server loads from {@code data/appendonlydir}, or null when it refuses to start. */
    private static String digest(Path data, String appendfilename) throws IOException {
        try (RedisServer redis = RedisServer.start(data, "--appendonly", "yes", "--appenddirname", "appendonlydir", "--appendfilename", appendfilename,
                "--enable-debug-command", "yes")) {
            Object d = redis.call("DEBUG", "DIGEST");
            return d instanceof byte[] b ? new String(b, StandardCharsets.US_ASCII) : String.valueOf(d);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("redis error")) throw e;
            return null;
        }
    }
}
