package dev.salvor.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code salvor} in a JVM of its own: for what an in-process run cannot show (a small heap,
 * signals, the environment, what other processes see).
 */
final class SalvorProcess {
    record Result(int exitCode, String out, String err) {
    }

    private SalvorProcess() {
    }

    static ProcessBuilder builder(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("SALVOR_DEBUG");
        return pb;
    }

    /** Runs to the end (at most {@code timeoutSeconds}); stdout and stderr go through files, so nothing blocks. */
    static Result run(Path workDir, List<String> jvmOptions, Map<String, String> env, long timeoutSeconds, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder pb = builder(jvmOptions, args);
        pb.environment().putAll(env);
        Path out = Files.createTempFile(workDir, "out-", ".txt");
        Path err = Files.createTempFile(workDir, "err-", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("salvor " + String.join(" ", args) + " did not end within " + timeoutSeconds + " s; stderr: "
                    + Files.readString(err, StandardCharsets.UTF_8));
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
    }
}
