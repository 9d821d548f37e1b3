package dev.salvor.cli;

import dev.salvor.rdb.RdbFormatException;
import dev.salvor.report.EachFileJson;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A per-file command run over several files, as a nightly "are my backups readable" job wants it:
 * one line per file and a summary line, or with {@code --json} one JSON object per file and line
 * ({@link EachFileJson}). A file that cannot be read is reported in its line and the others are
 * still read; the exit code is the worst of all (0 all clean, 1 damage found, 2 a file could not be read).
 */
final class EachFile {
    /** What one file gave: its verdict, one line of text, and its report as the command writes it for one file. */
    record Outcome(boolean clean, String line, EachFileJson.Report json) {
    }

    @FunctionalInterface
    interface PerFile {
        Outcome run(String name) throws IOException;
    }

    private EachFile() {
    }

    static int run(List<String> names, PrintWriter out, boolean json, PerFile perFile) {
        EachFileJson run = new EachFileJson();
        int worst = ExitCodes.OK;
        for (String name : names) {
            String printed;
            int code;
            try {
                try {
                    Outcome o = perFile.run(name);
                    code = o.clean() ? ExitCodes.OK : ExitCodes.FOUND;
                    printed = json ? run.file(o.clean(), o.json()) : counted(run, o.clean(), o.line());
                } catch (RdbFormatException e) {
                    code = ExitCodes.FOUND;
                    printed = unreadable(run, name, e.getMessage(), json);
                } catch (UncheckedIOException e) {
                    code = ExitCodes.ERROR;
                    printed = unreadable(run, name, ErrorMessages.describe(e.getCause()), json);
                } catch (IOException e) {
                    code = ExitCodes.ERROR;
                    printed = unreadable(run, name, ErrorMessages.describe(e), json);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e); // an in-memory JSON line could not be written
            }
            worst = Math.max(worst, code);
            out.println(printed);
            out.flush();
        }
        if (!json) {
            out.printf("%,d files: %,d clean, %,d damaged, %,d could not be read%n", run.files(), run.clean(), run.damaged(), run.unreadable());
        }
        return worst;
    }

    private static String counted(EachFileJson run, boolean clean, String line) {
        run.count(clean ? EachFileJson.Verdict.CLEAN : EachFileJson.Verdict.DAMAGED);
        return line;
    }

    private static String unreadable(EachFileJson run, String name, String message, boolean json) throws IOException {
        if (json) return run.unreadable(name, message);
        run.count(EachFileJson.Verdict.UNREADABLE);
        String text = message.startsWith(name + ": ") ? message.substring(name.length() + 2) : message;
        return name + ": UNREADABLE: " + text;
    }
}
