package dev.salvor.cli.doc;

import dev.salvor.cli.SalvorCommand;
import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes what the release carries beside the jar, from the command model itself (run by the
 * build): {@code completion/salvor.bash}, picocli's completion script (bash, and zsh through
 * bashcompinit), and {@code man/man1/salvor*.1}, one manual page per command.
 */
public final class ReleaseDocs {
    private ReleaseDocs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: ReleaseDocs OUTPUT-DIRECTORY VERSION");
            System.exit(2);
        }
        write(Path.of(args[0]), args[1]);
    }

    /** Writes the completion script and the manual pages under {@code dir}. */
    public static void write(Path dir, String version) throws IOException {
        CommandLine salvor = SalvorCommand.commandLine();
        Path completion = Files.createDirectories(dir.resolve("completion"));
        Files.writeString(completion.resolve("salvor.bash"), AutoComplete.bash("salvor", salvor), StandardCharsets.UTF_8);
        Path man = Files.createDirectories(dir.resolve("man").resolve("man1"));
        writePages(salvor, man, version);
    }

    private static void writePages(CommandLine cl, Path man, String version) throws IOException {
        CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
        if (spec.usageMessage().hidden()) return;
        Files.writeString(man.resolve(ManPage.fileName(spec)), ManPage.render(spec, version), StandardCharsets.UTF_8);
        for (var e : cl.getSubcommands().entrySet()) {
            // A subcommand's aliases map to the same CommandLine: one page each.
            if (e.getKey().equals(e.getValue().getCommandName())) writePages(e.getValue(), man, version);
        }
    }
}
