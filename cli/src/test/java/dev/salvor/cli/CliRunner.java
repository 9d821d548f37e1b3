package dev.salvor.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code salvor} in-process and captures exit code, stdout and stderr. */
final class CliRunner {
    record Result(int exitCode, String out, String err) {
    }

    static Result run(java.io.InputStream stdin, String... args) {
        SalvorCommand root = new SalvorCommand();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        root.stdout = bytes;
        if (stdin != null) root.stdin = stdin;
        CommandLine cl = SalvorCommand.commandLine(root);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out + bytes.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString());
    }

    private CliRunner() {
    }

    static Result run(String... args) {
        return run(null, args);
    }
}
