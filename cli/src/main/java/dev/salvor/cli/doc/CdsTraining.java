package dev.salvor.cli.doc;

import dev.salvor.cli.SalvorCommand;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;

/**
 * Runs the short commands people start most ({@code --version}, {@code --help}, and inspect,
 * check, export, salvage and diff of one small RDB) in one JVM, output discarded, so that the build can record
 * the classes they load ({@code -XX:DumpLoadedClassList}) for a static class-data-sharing archive.
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
        java.nio.file.Path out = null;
        try {
            out = java.nio.file.Files.createTempDirectory("salvor-cds-training");
            String salvaged = out.resolve("salvaged.rdb").toString();
            String[][] runs = {{"--version"}, {"--help"}, {"inspect", rdb}, {"check", rdb}, {"export", rdb}, {"inspect", "--json", rdb},
                    {"salvage", rdb, "-o", salvaged}, {"diff", rdb, salvaged}};
            for (String[] run : runs) {
                var cl = SalvorCommand.commandLine();
                cl.setOut(new PrintWriter(OutputStream.nullOutputStream()));
                cl.setErr(new PrintWriter(OutputStream.nullOutputStream()));
                cl.execute(run);
            }
        } catch (java.io.IOException e) {
            System.err.println("CdsTraining: " + e);
            System.exit(2);
        } finally {
            System.setOut(stdout);
            if (out != null) deleteTree(out);
        }
    }

    private static void deleteTree(java.nio.file.Path dir) {
        try (var files = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) java.nio.file.Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            System.err.println("CdsTraining: could not remove " + dir + ": " + e);
        }
    }
}
