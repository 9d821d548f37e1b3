package dev.salvor.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.rdb.RdbFormatException;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-file command run over several files, as a nightly "are my backups readable" job wants it:
 * one line per file and a summary line, or with {@code --json} one JSON object per file and line.
 * A file that cannot be read is reported in its line and the others are still read; the exit code
 * is the worst of all (0 all clean, 1 damage found, 2 a file could not be read).
 */
final class EachFile {
    private static final JsonFactory JSON = new JsonFactory();

    /** What one file gave: its verdict, exit code, one line of text, and its report as (pretty or compact) JSON. */
    record Outcome(Kind kind, int code, String line, String json) {
        static Outcome of(boolean clean, String line, String json) {
            return new Outcome(clean ? Kind.CLEAN : Kind.DAMAGED, clean ? ExitCodes.OK : ExitCodes.FOUND, line, json);
        }
    }

    enum Kind { CLEAN, DAMAGED, UNREADABLE }

    @FunctionalInterface
    interface PerFile {
        Outcome run(String name) throws IOException;
    }

    private EachFile() {
    }

    static int run(List<String> names, PrintWriter out, boolean json, PerFile perFile) {
        int worst = ExitCodes.OK;
        int clean = 0, damaged = 0, unreadable = 0;
        for (String name : names) {
            Outcome o;
            try {
                o = perFile.run(name);
            } catch (RdbFormatException e) {
                o = failed(name, e.getMessage(), ExitCodes.FOUND);
            } catch (UncheckedIOException e) {
                o = failed(name, ErrorMessages.describe(e.getCause()), ExitCodes.ERROR);
            } catch (IOException e) {
                o = failed(name, ErrorMessages.describe(e), ExitCodes.ERROR);
            }
            worst = Math.max(worst, o.code());
            switch (o.kind()) {
                case CLEAN -> clean++;
                case DAMAGED -> damaged++;
                default -> unreadable++;
            }
            out.println(json ? compact(o.json()) : o.line());
            out.flush();
        }
        if (!json) {
            out.printf("%,d files: %,d clean, %,d damaged, %,d could not be read%n", names.size(), clean, damaged, unreadable);
        }
        return worst;
    }

    private static Outcome failed(String name, String message, int code) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("file", name);
            g.writeStringField("error", message);
            g.writeBooleanField("clean", false);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String text = message.startsWith(name + ": ") ? message.substring(name.length() + 2) : message;
        return new Outcome(Kind.UNREADABLE, code, name + ": UNREADABLE: " + text, w.toString());
    }

    /** The same JSON on one line. */
    static String compact(String json) {
        StringWriter w = new StringWriter();
        try (JsonParser p = JSON.createParser(json); JsonGenerator g = JSON.createGenerator(w)) {
            if (p.nextToken() != null) g.copyCurrentStructure(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** The top-level numbers, strings and booleans of a JSON object, as text. */
    static Map<String, String> fields(String json) {
        Map<String, String> m = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return m;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v.isScalarValue()) m.put(name, p.getText());
                else p.skipChildren();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** What a printer writes to a PrintWriter, as a string. */
    static String captured(Printer printer) throws IOException {
        StringWriter w = new StringWriter();
        PrintWriter pw = new PrintWriter(w);
        printer.print(pw);
        pw.flush();
        return w.toString();
    }

    @FunctionalInterface
    interface Printer {
        void print(PrintWriter out) throws IOException;
    }
}
