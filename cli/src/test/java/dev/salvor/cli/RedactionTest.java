package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** A password given in a URL never shows: not in messages, not in stack traces, not in the JVM's command line. */
class RedactionTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");

    @TempDir
    Path tmp;

    @Test
    void noMessageShowsAUrlPassword() {
        for (String url : List.of("redis://:s3cretPW@[::1", "redis://admin:s3cretPW@127.0.0.1:1/0", "rediss://:s3cretPW@bad host:6379",
                "redis://:s3c/retPW@host")) {
            for (String[] args : List.of(new String[] {"diff", RDB.toString(), url}, new String[] {"diff", RDB.toString(), url, "--debug"},
                    new String[] {"audit", RDB.toString(), "--against", url}, new String[] {"diff", RDB.toString(), url, "--via", "replication"})) {
                CliRunner.Result r = CliRunner.run(args);
                assertThat(r.exitCode()).as(url + " " + r.err()).isEqualTo(2);
                assertThat(r.out() + r.err()).as(url).doesNotContain("s3cretPW").doesNotContain("retPW");
            }
        }
    }

    @Test
    void theLauncherMovesAUrlPasswordOutOfTheCommandLine() throws Exception {
        // The launcher of this checkout, run with a stand-in `java` that reports what it was given.
        Path root = Files.createDirectories(tmp.resolve("checkout"));
        Path launcher = Files.copy(Path.of("..", "salvor").toAbsolutePath().normalize(), root.resolve("salvor"));
        Files.createDirectories(root.resolve("cli/target"));
        Files.createFile(root.resolve("cli/target/salvor.jar"));
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\nprintf 'arg:%s\\n' \"$@\"\nenv | grep '^SALVOR_URL_' | sed 's/^/env:/'\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "diff", "a.rdb", "redis://:s3cretPW@127.0.0.1:7000/2", "--against=rediss://u:p%40ss@h:1",
                "redis://127.0.0.1:7001");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        List<String> args = out.lines().filter(l -> l.startsWith("arg:")).toList();
        assertThat(args).contains("arg:diff", "arg:a.rdb", "arg:salvor-env:SALVOR_URL_1", "arg:salvor-env:SALVOR_URL_2", "arg:redis://127.0.0.1:7001")
                .noneMatch(a -> a.contains("s3cretPW") || a.contains("p%40ss"));
        assertThat(out).contains("env:SALVOR_URL_1=redis://:s3cretPW@127.0.0.1:7000/2", "env:SALVOR_URL_2=--against=rediss://u:p%40ss@h:1");
        // The JVM puts them back.
        String[] back = SalvorCommand.fromEnvironment(new String[] {"diff", "salvor-env:SALVOR_URL_1", "salvor-env:SALVOR_URL_9", "salvor-env:PATH"},
                Map.of("SALVOR_URL_1", "redis://:pw@h:1", "PATH", "/bin"));
        assertThat(back).containsExactly("diff", "redis://:pw@h:1", "salvor-env:SALVOR_URL_9", "salvor-env:PATH");
    }

    @Test
    void aUrlGivenThroughTheEnvironmentReachesTheServer() throws Exception {
        try (RedisServer redis = RedisServer.startWithPassword(tmp.resolve("server"), "s3cretPW")) {
            redis.call("SET", "only-on-server", "1");
            String url = "redis://:s3cretPW@127.0.0.1:" + redis.port();
            SalvorProcess.Result r = SalvorProcess.run(tmp, List.of(), Map.of("SALVOR_URL_1", url), 120,
                    "diff", RDB.toString(), "salvor-env:SALVOR_URL_1", "--json");
            assertThat(r.exitCode()).as(r.err()).isEqualTo(1);
            assertThat(r.out()).contains("only-on-server").doesNotContain("s3cretPW");
            assertThat(r.err()).doesNotContain("s3cretPW");
        }
    }
}
