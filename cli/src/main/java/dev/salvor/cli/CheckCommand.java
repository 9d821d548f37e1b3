package dev.salvor.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.check.CheckReport;
import dev.salvor.check.Problem;
import dev.salvor.check.RdbChecker;
import dev.salvor.export.RedisStrings;
import dev.salvor.io.InputSource;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.StringRef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.Locale;

/** {@code salvor check FILE}: full validation; every problem with its byte offset and key. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a file completely: framing, encodings, LZF, ziplists/listpacks/intsets, checksum. "
                + "Exit 0 when clean, 1 when damaged.")
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    SalvorCommand root;

    @Mixin
    InputFile input;

    @Mixin
    JsonOption json;

    @Mixin
    ProgressOptions progress;

    @Override
    public Integer call() throws Exception {
        if (input.isAof()) {
            dev.salvor.repair.AofRepairReport r = AofCommands.check(input.path());
            AofCommands.printCheck(spec.commandLine().getOut(), r, json.json);
            return r.clean() ? ExitCodes.OK : ExitCodes.FOUND;
        }
        CheckReport report;
        try (InputSource src = InputSource.open(input.name, root.stdin);
             ProgressBar bar = progress.bar(spec.commandLine().getErr(), src.size())) {
            Path file = src.file();
            if (file != null) {
                // A plain file can be read twice: a fast framing+checksum pass, a full decode only if needed.
                report = RdbChecker.checkFile(file, bar);
            } else {
                try (RdbReader reader = Inputs.rdb(src)) {
                    report = RdbChecker.check(reader, bar);
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.json) printJson(out, report);
        else printText(out, report);
        return report.clean() ? ExitCodes.OK : ExitCodes.FOUND;
    }

    private static void printText(PrintWriter out, CheckReport r) {
        out.printf("%s: RDB version %d, %,d keys read, checksum %s%n", r.source(), r.version(), r.keys(), r.checksum().name().toLowerCase(Locale.ROOT));
        for (Problem p : r.problems()) {
            out.printf("[offset %d] %s: %s%s%n", p.offset(), p.reason(), p.detail(),
                    p.key() == null ? "" : " (" + (p.db() >= 0 ? "db " + p.db() + ", " : "") + "key " + StringRef.printable(p.key(), 0, p.key().length, 80) + ")");
        }
        out.println(r.clean() ? "clean" : r.problems().size() + " problem" + (r.problems().size() == 1 ? "" : "s") + " found"
                + (r.complete() ? "" : "; the file could not be read past the first one (salvor salvage reads on)"));
    }

    private static void printJson(PrintWriter out, CheckReport r) throws java.io.IOException {
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeStringField("file", r.source());
        g.writeStringField("kind", "rdb");
        g.writeNumberField("size_bytes", r.sizeBytes());
        g.writeNumberField("rdb_version", r.version());
        g.writeNumberField("keys", r.keys());
        g.writeStringField("checksum", r.checksum().name().toLowerCase(Locale.ROOT));
        g.writeBooleanField("complete", r.complete());
        g.writeBooleanField("clean", r.clean());
        g.writeArrayFieldStart("problems");
        for (Problem p : r.problems()) {
            g.writeStartObject();
            g.writeNumberField("offset", p.offset());
            g.writeStringField("reason", p.reason());
            g.writeStringField("detail", p.detail());
            if (p.key() != null) {
                g.writeNumberField("db", p.db());
                g.writeFieldName("key");
                RedisStrings.write(g, p.key());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
        out.println();
    }
}
