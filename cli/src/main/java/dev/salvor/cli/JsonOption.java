package dev.salvor.cli;

import picocli.CommandLine.Option;

/** {@code --json}: machine-readable output instead of text. */
public final class JsonOption {
    @Option(names = "--json", description = "Print machine-readable JSON instead of text.")
    boolean json;
}
