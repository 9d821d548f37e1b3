package dev.salvor.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;

/**
 * A per-file command run over several files ({@code salvor check --json backups/*.rdb}): one JSON
 * object per file and line, in the order the files were given. Each file's object is the report
 * the command writes for one file, on one line; a file that could not be read gets an object
 * naming it and the error. The verdicts are counted for the run's summary.
 */
public final class EachFileJson {
    private static final JsonFactory JSON = new JsonFactory();

    /** What one file gave. */
    public enum Verdict { CLEAN, DAMAGED, UNREADABLE }

    /** A one-file report writer ({@code w -> CheckJson.write(w, report)}): it may pretty-print. */
    @FunctionalInterface
    public interface Report {
        void write(Writer out) throws IOException;
    }

    private long clean;
    private long damaged;
    private long unreadable;

    /** Counts a file that was read, and gives its report as one line (no line break). */
    public String file(boolean isClean, Report report) throws IOException {
        String line = line(report);
        count(isClean ? Verdict.CLEAN : Verdict.DAMAGED);
        return line;
    }

    /** Counts a file that could not be read, and gives its line: {@code {"file":...,"error":...,"clean":false}}. */
    public String unreadable(String file, String error) throws IOException {
        count(Verdict.UNREADABLE);
        return line(w -> {
            try (JsonGenerator g = JSON.createGenerator(w).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
                g.writeStartObject();
                g.writeStringField("file", file);
                g.writeStringField("error", error);
                g.writeBooleanField("clean", false);
                g.writeEndObject();
            }
        });
    }

    /** Counts a verdict whose line is written elsewhere (a text run). */
    public void count(Verdict v) {
        switch (v) {
            case CLEAN -> clean++;
            case DAMAGED -> damaged++;
            default -> unreadable++;
        }
    }

    public long files() {
        return clean + damaged + unreadable;
    }

    public long clean() {
        return clean;
    }

    public long damaged() {
        return damaged;
    }

    public long unreadable() {
        return unreadable;
    }

    /** What {@code report} writes, on one line: the same tokens without the pretty printer's spaces and breaks. */
    public static String line(Report report) throws IOException {
        StringWriter pretty = new StringWriter();
        report.write(pretty);
        StringWriter w = new StringWriter();
        try (JsonParser p = JSON.createParser(pretty.toString()); JsonGenerator g = JSON.createGenerator(w)) {
            if (p.nextToken() != null) g.copyCurrentStructure(p);
        }
        return w.toString();
    }
}
