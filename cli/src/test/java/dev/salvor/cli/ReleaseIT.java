package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The built release as a user gets it (run after {@code package}): the tar.gz unpacked, its
 * launcher reached through links on PATH, its completion script in bash and zsh, its manual
 * pages through groff, and the class-data-sharing archive the launcher maps.
 */
class ReleaseIT {
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path REPO = TARGET.getParent().getParent();
    private static final Path DEMO = REPO.resolve("fixtures/demo/damaged.rdb");

    private static Path tarball;
    private static String version;

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    @BeforeAll
    static void findRelease() throws IOException {
        try (Stream<Path> s = Files.list(TARGET)) {
            tarball = s.filter(p -> p.getFileName().toString().matches("salvor-.+\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new AssertionError("no salvor-VERSION.tar.gz in " + TARGET + ": run mvn package first"));
        }
        String name = tarball.getFileName().toString();
        version = name.substring("salvor-".length(), name.length() - ".tar.gz".length());
    }

    private static Run run(Path dir, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("SALVOR_NO_CDS");
        pb.environment().putAll(env);
        Path out = Files.createTempFile("out", ".txt");
        Path err = Files.createTempFile("err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", cmd) + " did not end within 120 s");
        }
        Run r = new Run(p.exitValue(), Files.readString(out), Files.readString(err));
        Files.delete(out);
        Files.delete(err);
        return r;
    }

    /** The release unpacked into {@code tmp/rel}; its top folder. */
    private Path unpack() throws Exception {
        Path rel = Files.createDirectories(tmp.resolve("rel"));
        Run r = run(rel, Map.of(), "tar", "xzf", tarball.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        return rel.resolve("salvor-" + version);
    }

    @Test
    void releaseHoldsLauncherJarCompletionAndAManPagePerCommand() throws Exception {
        Path top = unpack();
        assertThat(top.resolve("salvor")).isExecutable();
        assertThat(top.resolve("lib/salvor.jar")).isRegularFile();
        assertThat(top.resolve("completion/salvor.bash")).isRegularFile();
        assertThat(top.resolve("man/man1/salvor.1")).isRegularFile();
        for (String command : SalvorCommand.COMMANDS) assertThat(top.resolve("man/man1/salvor-" + command + ".1")).isRegularFile();
    }

    @Test
    void launcherRunsThroughLinksOnPath() throws Exception {
        Path top = unpack();
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path other = Files.createDirectories(tmp.resolve("other"));
        // A relative link to a link, as `ln -s` in ~/bin and a package manager's alternatives make.
        Files.createSymbolicLink(other.resolve("salvor-current"), top.resolve("salvor"));
        Files.createSymbolicLink(bin.resolve("salvor"), Path.of("../other/salvor-current"));
        Files.createSymbolicLink(bin.resolve("salvor-dev"), REPO.resolve("salvor"));
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"));

        Run release = run(tmp, env, "sh", "-c", "salvor --version");
        assertThat(release.exit()).as(release.err()).isZero();
        assertThat(release.out()).startsWith("salvor " + version);
        assertThat(release.err()).isEmpty();

        Run checkout;
        try {
            checkout = run(tmp, env, "sh", "-c", "salvor-dev inspect --json '" + DEMO + "'");
        } finally {
            // A link out of the temporary folder: removed here, so JUnit's clean-up has no warning to print.
            Files.delete(bin.resolve("salvor-dev"));
        }
        assertThat(checkout.err()).doesNotContain("missing").doesNotContain("build it");
        assertThat(checkout.out()).contains("\"rdb_version\" : 10");
    }

    /** Words bash offers after {@code line} (the cursor at its end), through the release's completion script. */
    private List<String> bashCompletes(Path script, String line) throws Exception {
        String words = line.endsWith(" ") ? line + "''" : line;
        String prog = "source '" + script + "'\n"
                + "COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(" + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
                + "_complete_salvor salvor\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Run r = run(tmp, Map.of(), "bash", "--norc", "--noprofile", "-c", prog);
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    @Test
    void bashCompletesCommandsAndTheirOptions() throws Exception {
        Path script = unpack().resolve("completion/salvor.bash");
        assertThat(bashCompletes(script, "salvor ch")).containsExactly("check");
        assertThat(bashCompletes(script, "salvor ")).contains("inspect", "check", "export", "salvage", "repair", "diff", "audit", "memory");
        assertThat(bashCompletes(script, "salvor inspect --js")).containsExactly("--json");
        assertThat(bashCompletes(script, "salvor diff --ma")).contains("--match", "--max-memory");
    }

    @Test
    void zshCompletesThroughBashcompinit() throws Exception {
        boolean zsh = run(tmp, Map.of(), "sh", "-c", "command -v zsh").exit() == 0;
        if (!zsh && "true".equalsIgnoreCase(System.getenv("CI"))) throw new AssertionError("zsh is missing (CI=true: .ci/run installs it)");
        Assumptions.assumeTrue(zsh, "zsh is not installed: the zsh completion is not tried");
        Path script = unpack().resolve("completion/salvor.bash");
        // What zsh's bashcompinit does when Tab is pressed: bash's array rules, COMP_* from the line.
        String prog = "autoload -U +X compinit && compinit -u -D\n"
                + "source '" + script + "'\n"
                + "print -r -- \"registered: ${_comps[salvor]}\"\n"
                + "emulate -L sh; setopt kshglob noshglob braceexpand\n"
                + "COMP_LINE='salvor inspect --js'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(salvor inspect --js); COMP_CWORD=2\n"
                + "_complete_salvor salvor\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Run r = run(tmp, Map.of("HOME", tmp.toString()), "zsh", "-f", "-c", prog);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("registered: _bash_complete").contains("_complete_salvor");
        assertThat(r.out().lines().map(String::strip)).contains("--json");
    }

    @Test
    void everyManPageRendersCleanlyAndNamesEveryOptionOfItsCommand() throws Exception {
        Path man = unpack().resolve("man/man1");
        var salvor = SalvorCommand.commandLine();
        List<picocli.CommandLine.Model.CommandSpec> specs = new ArrayList<>();
        specs.add(salvor.getCommandSpec());
        for (String c : SalvorCommand.COMMANDS) specs.add(salvor.getSubcommands().get(c).getCommandSpec());
        for (var spec : specs) {
            Path page = man.resolve(spec.qualifiedName("-") + ".1");
            Run r = run(tmp, Map.of(), "groff", "-man", "-Tutf8", "-ww", "-rHY=0", "-rLL=300n", "-P-cbou", page.toString());
            assertThat(r.err()).as(page + " renders without a warning").isEmpty();
            assertThat(r.exit()).isZero();
            String text = r.out().replace('\u2010', '-').replace('\u2212', '-');
            assertThat(text).as(page.toString()).contains(spec.qualifiedName("-") + " - ").contains("SYNOPSIS");
            for (var o : spec.options()) {
                if (o.hidden()) continue;
                for (String n : o.names()) assertThat(text).as(page + " names " + n).contains(n);
            }
            if (spec.parent() != null) assertThat(text).as(page.toString()).contains("EXIT STATUS").contains("damage or differences found");
        }
    }

    @Test
    void launcherMapsTheBuildsClassArchive() throws Exception {
        assertThat(TARGET.resolve("salvor.jsa")).as("the build writes the archive beside the jar").isRegularFile();
        Path log = tmp.resolve("classes.log");
        Run r = run(tmp, Map.of("JAVA_OPTS", "-Xlog:class+load:file=" + log), REPO.resolve("salvor").toString(), "--help");
        assertThat(r.exit()).as(r.err()).isZero();
        // Static, not dynamic: only a static dump keeps picocli's Java 5 class files in the archive.
        // (--help: a bare --version is answered before picocli loads)
        assertThat(Files.readString(log)).contains("dev.salvor.cli.Main source: shared objects file")
                .contains("dev.salvor.cli.SalvorCommand source: shared objects file")
                .contains("picocli.CommandLine source: shared objects file");
    }

    @Test
    void launcherWithoutAnArchiveRunsWritesOneAndThenMapsIt() throws Exception {
        Path top = unpack();
        Path jsa = top.resolve("lib/salvor.jsa");
        assertThat(jsa).as("a release carries no archive: the JVM binds one to the jar's path").doesNotExist();

        Run first = run(tmp, Map.of(), top.resolve("salvor").toString(), "inspect", DEMO.toString());
        Run plain = run(tmp, Map.of(), "java", "-jar", top.resolve("lib/salvor.jar").toString(), "inspect", DEMO.toString());
        assertThat(first.out()).isEqualTo(plain.out());
        assertThat(first.err()).isEqualTo(plain.err());
        assertThat(first.exit()).isEqualTo(plain.exit());
        assertThat(jsa).isRegularFile();
        try (Stream<Path> s = Files.list(top.resolve("lib"))) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("salvor.jar", "salvor.classlist", "salvor.jsa");
        }

        Path log = tmp.resolve("classes.log");
        Run second = run(tmp, Map.of("JAVA_OPTS", "-Xlog:class+load:file=" + log), top.resolve("salvor").toString(), "--help");
        assertThat(second.exit()).isZero();
        assertThat(second.err()).isEmpty();
        // (--help: a bare --version is answered before picocli loads)
        assertThat(Files.readString(log)).contains("dev.salvor.cli.Main source: shared objects file")
                .contains("dev.salvor.cli.SalvorCommand source: shared objects file")
                .contains("picocli.CommandLine source: shared objects file");

        // An archive that no longer matches its jar (a jar replaced in place) is ignored without a word.
        Files.setLastModifiedTime(top.resolve("lib/salvor.jar"), FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        Run stale = run(tmp, Map.of(), top.resolve("salvor").toString(), "--version");
        assertThat(stale.exit()).isZero();
        assertThat(stale.out()).startsWith("salvor " + version);
        assertThat(stale.err()).isEmpty();

        // And without any archive (SALVOR_NO_CDS: none written either) the launcher runs the same.
        Files.delete(jsa);
        Run none = run(tmp, Map.of("SALVOR_NO_CDS", "1"), top.resolve("salvor").toString(), "--version");
        assertThat(none.exit()).isZero();
        assertThat(none.out()).isEqualTo(stale.out());
        assertThat(jsa).doesNotExist();
    }
}
