package dev.salvor.cli;

import dev.salvor.io.OutputPlan;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where a command writes its result, and whether an existing file may be replaced. */
public final class OutputOptions {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE (atomically: temp file, fsync, rename; - for standard output).")
    Path output;

    @Option(names = "--force", description = "Replace an existing output file (never an input).")
    boolean force;

    boolean toStdout() {
        return output == null || output.toString().equals("-");
    }

    /** The run's output plan: notices (stale temporaries removed) go to stderr. */
    OutputPlan plan(CommandSpec spec) {
        return plans(spec, force);
    }

    static OutputPlan plans(CommandSpec spec, boolean force) {
        java.io.PrintWriter err = spec.commandLine().getErr();
        return new OutputPlan(force, msg -> err.println("salvor: " + msg));
    }
}
