package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.rdb.ReadConstraints;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** --max-string-size and --max-elements bound what any command reads, and only for that run. */
class ReadLimitOptionsTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.0/dataset-nocompress.rdb");
    private static final Path AOF = Fixtures.resolve("aof/redis-6.2/aof-plain/appendonly.aof");

    @Test
    void aStringLongerThanTheLimitIsALocatedError() {
        CliRunner.Result r = CliRunner.run("export", RDB.toString(), "--threads", "1", "--max-string-size", "8");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.FOUND);
        assertThat(r.err()).contains("limit exceeded at byte offset").contains("exceeds the limit of 8");
        assertThat(r.err().lines().count()).isEqualTo(1);
        // The bound held for that run only.
        assertThat(ReadConstraints.defaults()).isSameAs(ReadConstraints.DEFAULT);
        CliRunner.Result again = CliRunner.run("export", RDB.toString(), "--threads", "1", "-o", "-");
        assertThat(again.exitCode()).as(again.err()).isZero();
    }

    @Test
    void everyCommandTakesTheOptionsAndTheDefaultsReadTheFile() {
        for (String cmd : new String[] {"check", "inspect"}) {
            CliRunner.Result r = CliRunner.run(cmd, RDB.toString(), "--max-string-size", "1g", "--max-elements", "1000000");
            assertThat(r.exitCode()).as(cmd + ": " + r.err()).isZero();
        }
        CliRunner.Result few = CliRunner.run("check", RDB.toString(), "--max-elements", "2");
        assertThat(few.exitCode()).as(few.err()).isEqualTo(ExitCodes.FOUND);
        assertThat(few.out() + few.err()).contains("exceeds the limit of 2");
    }

    @Test
    void aSizeThatIsNotOneIsAUsageError() {
        CliRunner.Result r = CliRunner.run("check", RDB.toString(), "--max-string-size", "5x");
        assertThat(r.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(r.err()).contains("--max-string-size takes a size");
        assertThat(CliRunner.run("check", RDB.toString(), "--max-elements", "0").exitCode()).isEqualTo(ExitCodes.ERROR);
    }

    @Test
    void anAofArgumentLongerThanTheLimitIsLocatedDamage() {
        assertThat(CliRunner.run("check", AOF.toString()).exitCode()).isZero();
        CliRunner.Result r = CliRunner.run("check", AOF.toString(), "--max-string-size", "8", "--json");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(ExitCodes.FOUND);
        // The first argument longer than 8 bytes, found independently of the reader: its "$len" line.
        String text = new String(readAll(AOF), java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$(\\d+)\r\n").matcher(text);
        while (m.find() && Integer.parseInt(m.group(1)) <= 8) {
        }
        int commandStart = text.lastIndexOf("\r\n*", m.start()) + 2;
        assertThat(r.out()).contains("\"start\" : " + commandStart).contains("bulk length " + m.group(1) + " exceeds the limit of 8");
        assertThat(ReadConstraints.defaults()).isSameAs(ReadConstraints.DEFAULT);
        CliRunner.Result many = CliRunner.run("check", AOF.toString(), "--max-string-size", "1g");
        assertThat(many.exitCode()).as(many.err()).isZero();
    }

    private static byte[] readAll(Path p) {
        try {
            return java.nio.file.Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
