package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** What a short run loads: only its own command's model, and no library it does not use. */
class StartupTest {
    private static final Path DEMO = Path.of("..", "fixtures", "demo", "damaged.rdb");

    @TempDir
    Path tmp;

    private String classesLoaded(String... args) throws Exception {
        Path log = tmp.resolve("classes-" + System.nanoTime() + ".log");
        SalvorProcess.run(tmp, List.of("-Xlog:class+load:file=" + log), Map.of(), 120, args);
        return Files.readString(log);
    }

    @Test
    void aPlainRdbIsReadWithoutCommonsCompressOrLettuce() throws Exception {
        String plain = classesLoaded("inspect", DEMO.toString());
        assertThat(plain).contains("dev.salvor.inspect.RdbInspector");
        assertThat(plain).doesNotContain("org.apache.commons.compress").doesNotContain("io.lettuce");

        // A compressed copy still goes through Commons Compress, and reads the same.
        Path gz = tmp.resolve("demo.rdb.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(DEMO, out);
        }
        assertThat(classesLoaded("inspect", gz.toString())).contains("org.apache.commons.compress.compressors.gzip");
        CliRunner.Result a = CliRunner.run("inspect", "--json", DEMO.toString());
        CliRunner.Result b = CliRunner.run("inspect", "--json", gz.toString());
        assertThat(b.exitCode()).isEqualTo(a.exitCode());
        assertThat(a.out()).contains("\"unwrapped_from\" : [ ]").contains("\"rdb_version\" : 10");
        assertThat(b.out()).contains("\"unwrapped_from\" : [ \"gz\" ]").contains("\"rdb_version\" : 10");
    }

    @Test
    void versionBuildsNoCommandAndACommandBuildsOnlyItself() throws Exception {
        String version = classesLoaded("--version");
        assertThat(version).doesNotContain("dev.salvor.cli.InspectCommand").doesNotContain("dev.salvor.cli.DiffCommand");
        String inspect = classesLoaded("inspect", DEMO.toString());
        assertThat(inspect).contains("dev.salvor.cli.InspectCommand ").doesNotContain("dev.salvor.cli.DiffCommand ")
                .doesNotContain("dev.salvor.cli.MemoryCommand ");
    }

    @Test
    void aBareVersionQuestionIsAnsweredWithoutPicocliAndSaysWhatPicocliSays() throws Exception {
        Path log = tmp.resolve("version.log");
        SalvorProcess.Result bare = SalvorProcess.run(tmp, List.of("-Xlog:class+load:file=" + log), Map.of(), 120, "--version");
        assertThat(bare.exitCode()).isZero();
        assertThat(Files.readString(log)).doesNotContain("picocli.CommandLine ");
        // with a root option beside it, picocli answers: the same lines
        SalvorProcess.Result viaPicocli = SalvorProcess.run(tmp, List.of(), Map.of(), 120, "--debug", "--version");
        assertThat(viaPicocli.exitCode()).isZero();
        assertThat(bare.out()).startsWith("salvor ").contains("Java ").isEqualTo(viaPicocli.out());
        assertThat(SalvorProcess.run(tmp, List.of(), Map.of(), 120, "-V").out()).isEqualTo(bare.out());
    }

    @Test
    void theCommandIsFoundPastTheRootOptionsAndTheirValues() {
        assertThat(SalvorCommand.commandLine(new String[] {"--max-string-size", "64m", "--debug", "check", "x.rdb"}).getSubcommands())
                .containsOnlyKeys("check");
        assertThat(SalvorCommand.commandLine(new String[] {"--max-elements=5", "export", "x.rdb"}).getSubcommands()).containsOnlyKeys("export");
        // No command, an unknown one or help: all of them, to list them.
        for (String[] args : new String[][] {{}, {"--help"}, {"inspekt", "x"}, {"help", "diff"}, {"--max-string-size", "inspect"}}) {
            assertThat(SalvorCommand.commandLine(args).getSubcommands().keySet()).containsExactlyElementsOf(SalvorCommand.COMMANDS);
        }
        // Each command built alone is the one its annotation names.
        for (String name : SalvorCommand.COMMANDS) {
            if (name.equals("help")) continue;
            var cl = SalvorCommand.commandLine(new String[] {name});
            assertThat(cl.getSubcommands()).containsOnlyKeys(name);
            assertThat(cl.getSubcommands().get(name).getCommandName()).isEqualTo(name);
        }
    }
}
