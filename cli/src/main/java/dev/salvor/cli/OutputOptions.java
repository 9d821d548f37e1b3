package dev.salvor.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Where a command writes its result, and whether an existing file may be replaced. */
public final class OutputOptions {
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE (atomically: temp file, fsync, rename).")
    Path output;

    @Option(names = "--force", description = "Replace an existing output file.")
    boolean force;
}
