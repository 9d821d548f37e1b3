package dev.salvor.cli.doc;

import dev.salvor.cli.SalvorCommand;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * Runs the short commands people start most ({@code --version}, {@code --help}, and inspect,
 * check and export of one small RDB) in one JVM, output discarded, so that the build can record
 * the classes they load in a class-data-sharing archive ({@code -XX:ArchiveClassesAtExit}).
 */
public final class CdsTraining {
    private CdsTraining() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: CdsTraining SMALL.rdb");
            System.exit(2);
        }
        String rdb = args[0];
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            String[][] runs = {{"--version"}, {"--help"}, {"inspect", rdb}, {"check", rdb}, {"export", rdb}, {"inspect", "--json", rdb}};
            for (String[] run : runs) {
                var cl = SalvorCommand.commandLine();
                cl.setOut(new PrintWriter(OutputStream.nullOutputStream()));
                cl.setErr(new PrintWriter(OutputStream.nullOutputStream()));
                cl.execute(run);
            }
        } finally {
            System.setOut(stdout);
        }
    }
}
