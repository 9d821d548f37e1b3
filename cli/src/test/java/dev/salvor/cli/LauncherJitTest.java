package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/** The launcher's JIT choice by processor count (measured in the README's Performance section). */
class LauncherJitTest {
    @TempDir
    Path tmp;

    /** The JVM arguments the launcher of this checkout passes on a machine with {@code cpus} processors. */
    private List<String> jvmArgs(int cpus, String javaOpts) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("checkout-" + cpus));
        Path launcher = Files.copy(Path.of("..", "salvor").toAbsolutePath().normalize(), root.resolve("salvor"));
        Files.createDirectories(root.resolve("cli/target"));
        Files.createFile(root.resolve("cli/target/salvor.jar"));
        Files.createFile(root.resolve("cli/target/salvor.jsa"));
        Path bin = Files.createDirectories(tmp.resolve("bin-" + cpus));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\nprintf 'arg:%s\\n' \"$@\"\n");
        Path nproc = bin.resolve("nproc");
        Files.writeString(nproc, "#!/usr/bin/env bash\necho " + cpus + "\n");
        for (Path p : List.of(java, nproc, launcher)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder(launcher.toString(), "check", "a.rdb");
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        if (javaOpts != null) pb.environment().put("JAVA_OPTS", javaOpts);
        else pb.environment().remove("JAVA_OPTS");
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.lines().filter(l -> l.startsWith("arg:")).map(l -> l.substring(4)).toList();
    }

    @Test
    void aSmallMachineRunsOnTheFirstCompilerAlone() throws Exception {
        assertThat(jvmArgs(2, null)).contains("-XX:TieredStopAtLevel=1", "-XX:InlineSmallCode=500").endsWith("-jar",
                tmp.resolve("checkout-2/cli/target/salvor.jar").toString(), "check", "a.rdb");
        assertThat(jvmArgs(4, null)).contains("-XX:TieredStopAtLevel=1");
    }

    @Test
    void aLargerMachineKeepsBothCompilers() throws Exception {
        assertThat(jvmArgs(16, null)).contains("-XX:InlineSmallCode=500").doesNotContain("-XX:TieredStopAtLevel=1");
    }

    @Test
    void javaOptsComeLastAndCanOverride() throws Exception {
        List<String> args = jvmArgs(2, "-XX:TieredStopAtLevel=4 -Xmx256m");
        assertThat(args.indexOf("-XX:TieredStopAtLevel=4")).isGreaterThan(args.indexOf("-XX:TieredStopAtLevel=1"));
        assertThat(args).contains("-Xmx256m");
    }
}
