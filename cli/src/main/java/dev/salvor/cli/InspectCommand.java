package dev.salvor.cli;

import dev.salvor.report.HumanTime;
import dev.salvor.inspect.AofInspection;
import dev.salvor.inspect.AofInspector;
import dev.salvor.inspect.Inspection;
import dev.salvor.report.AofInspectJson;
import dev.salvor.io.Text;
import dev.salvor.report.InspectJson;
import dev.salvor.inspect.RdbInspector;
import dev.salvor.inspect.SalvagedInspection;
import dev.salvor.salvage.CorruptRegion;
import dev.salvor.salvage.SalvageReport;
import dev.salvor.salvage.SalvageSummary;
import dev.salvor.input.InputSource;
import dev.salvor.rdb.RdbReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/** {@code salvor inspect FILE}: what the file is and what it holds. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Describe an RDB file: version, aux fields, functions, modules, keys per db, type and encoding, expiries, checksum.")
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @picocli.CommandLine.ParentCommand
    SalvorCommand root;

    @Mixin
    InputFiles input;

    @Mixin
    JsonOption json;

    @Mixin
    ProgressOptions progress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (input.names.size() > 1) return EachFile.run(input.names, out, json.json, this::outcome);
        Inspected r = inspect(input.names.get(0));
        if (r.aof() != null) {
            // The report is printed once the progress line is gone.
            AofCommands.printInspect(out, r.aof(), json.json);
            return r.aof().clean() ? ExitCodes.OK : ExitCodes.FOUND;
        }
        if (json.json) printJson(out, r.inspection(), r.wrappers(), r.salvaged());
        else printText(out, r.inspection(), r.wrappers(), r.salvaged());
        return r.clean() ? ExitCodes.OK : ExitCodes.FOUND;
    }

    /**
     * What inspect found: an RDB's inspection (for a damaged plain file, the counts of its intact
     * records: salvaged is not null), or an AOF's.
     */
    private record Inspected(Inspection inspection, java.util.List<String> wrappers, SalvagedInspection salvaged, AofInspection aof) {
        boolean clean() {
            return aof != null ? aof.clean() : inspection.clean() && salvaged == null;
        }
    }

    private Inspected inspect(String name) throws java.io.IOException {
        if (InputFile.isAof(name)) return inspectAof(java.nio.file.Path.of(name), name);
        Inspection in;
        SalvagedInspection salvaged = null;
        java.util.List<String> wrappers;
        java.util.List<java.nio.file.Path> cleanup = new java.util.ArrayList<>();
        try (InputSource src = InputSource.open(name, root.stdin)) {
            // An AOF piped in, or compressed: inspected from a temporary copy.
            java.nio.file.Path aof = Inputs.spooledAof(src, cleanup);
            if (aof != null) return inspectAof(aof, src.name());
            try (ProgressBar bar = progress.bar(spec.commandLine().getErr(), src.size())) {
                wrappers = src.wrappers();
                java.nio.file.Path file = src.file();
                try (RdbReader reader = src.rdbReader()) {
                    RdbInspector.Inspected found = RdbInspector.inspect(reader, file, bar);
                    in = found.counts();
                    salvaged = found.salvaged();
                }
            }
        } finally {
            for (java.nio.file.Path p : cleanup) java.nio.file.Files.deleteIfExists(p);
        }
        return new Inspected(in, wrappers, salvaged, null);
    }

    private Inspected inspectAof(java.nio.file.Path path, String shown) throws java.io.IOException {
        try (ProgressBar bar = progress.bar(spec.commandLine().getErr())) {
            return new Inspected(null, null, null, AofInspector.inspect(path, shown, bar));
        }
    }

    /** One file of several: a line, and its JSON report. */
    private EachFile.Outcome outcome(String name) throws java.io.IOException {
        Inspected r = inspect(name);
        if (r.aof() != null) {
            AofInspection a = r.aof();
            String line = String.format("%s: %s AOF, %d commands, %s", name, a.multiPart() ? "multi-part" : "single-file",
                    a.commands(), a.clean() ? "clean" : "DAMAGED: " + a.regions().size() + " damaged region(s)");
            return new EachFile.Outcome(a.clean(), line, w -> AofInspectJson.write(w, a));
        }
        Inspection in = r.inspection();
        String line = String.format("%s: RDB version %d (%s), %,d keys in %d database%s, %s, checksum %s, %s", Text.safe(name), in.version(), Text.safe(writtenBy(in)),
                in.keys(), in.databases().size(), in.databases().size() == 1 ? "" : "s",
                in.sizeBytes() >= 0 ? String.format("%,d bytes", in.sizeBytes()) : "size unknown", checksumText(in, r.salvaged()),
                r.clean() ? "clean" : "DAMAGED" + damage(r));
        return new EachFile.Outcome(r.clean(), line, w -> InspectJson.write(w, in, r.wrappers(), r.salvaged()));
    }

    /** What the line of a damaged file says of its damage: the first region and the least lost, or the error. */
    private static String damage(Inspected r) {
        if (r.salvaged() != null) {
            SalvageReport s = r.salvaged().salvage();
            String first = s.regions().isEmpty() ? "" : String.format(": damage at byte offset %d", s.regions().get(0).start());
            return String.format("%s, %d damaged region%s, at least %,d keys lost (%,d keys counted are the intact ones)", first, s.regions().size(),
                    s.regions().size() == 1 ? "" : "s", s.losses().atLeast(), r.inspection().keys());
        }
        return r.inspection().error() != null ? ": " + Text.message(r.inspection().error().getMessage()) : "";
    }

    /** Which server wrote the file ("Valkey 8.0.1", "Redis 8.8", "Dragonfly 1.27.1"): see {@link dev.salvor.rdb.Producer}. */
    static String writtenBy(Inspection in) {
        return in.producer().label();
    }

    private static void printText(PrintWriter out, Inspection in, java.util.List<String> wrappers, SalvagedInspection salvaged) {
        out.printf("file:       %s (%s)%s%n", Text.safe(in.source()), in.sizeBytes() >= 0 ? String.format("%,d bytes", in.sizeBytes()) : "size unknown",
                wrappers.isEmpty() ? "" : ", unwrapped from " + String.join(" + ", wrappers));
        out.printf("format:     RDB version %d (%s, written by %s)%n", in.version(), in.magic(), Text.safe(writtenBy(in)));
        for (Map.Entry<String, String> aux : in.auxFields()) {
            String when = aux.getKey().equals("ctime") ? HumanTime.seconds(aux.getValue()) : null;
            out.printf("aux:        %s = %s%s%n", Text.safe(aux.getKey()), Text.safe(aux.getValue()), when != null ? " (" + when + ")" : "");
        }
        if (!in.functions().isEmpty()) out.printf("functions:  %s%n", Text.safe(String.join(", ", in.functions())));
        if (!in.modules().isEmpty()) {
            StringJoiner j = new StringJoiner(", ");
            in.modules().forEach((m, n) -> j.add(m + " (" + n + " keys)"));
            out.printf("modules:    %s%n", Text.safe(j.toString()));
        }
        out.printf("keys:       %,d (%,d with expiry)%n", in.keys(), in.expiringKeys());
        in.databases().forEach((db, s) -> out.printf("  db%-3d     %,d keys, %,d expiring%n", db, s.keys(), s.expiringKeys()));
        StringJoiner types = new StringJoiner(", ");
        in.keysByType().forEach((t, n) -> types.add(t + " " + n));
        out.printf("types:      %s%n", types);
        StringJoiner enc = new StringJoiner(", ");
        in.keysByEncoding().forEach((t, n) -> enc.add(t + " " + n));
        out.printf("encodings:  %s%n", enc);
        if (in.slotInfoRecords() > 0) out.printf("slot info:  %d records (cluster mode)%n", in.slotInfoRecords());
        out.printf("checksum:   %s%n", checksumText(in, salvaged));
        if (salvaged != null) {
            SalvageReport r = salvaged.salvage();
            out.printf("DAMAGED:    %d damaged region%s; the counts above are of the intact records only, read past the damage as salvage does%s%n",
                    r.regions().size(), r.regions().size() == 1 ? "" : "s",
                    r.keysPartial() > 0 ? String.format(" (%,d more key%s kept only in part are not counted)", r.keysPartial(), r.keysPartial() == 1 ? "" : "s") : "");
            for (CorruptRegion c : r.regions()) {
                out.printf("  [offset %d] %s: %s; damaged region [%d, %d)%s%n", c.errorOffset(), c.reason(), Text.safe(c.detail()), c.start(), c.end(),
                        c.truncation() ? ", runs to the end of the file (truncated tail)" : "");
            }
            if (r.regions().isEmpty()) out.printf("  no damaged region found, but the checksum does not match%n");
            for (String line : SalvageSummary.lossLines(r)) out.printf("  %s%n", line);
            return;
        }
        if (in.error() != null) out.printf("DAMAGED:    %s; the counts above are of what was read before it%n", Text.message(in.error().getMessage()));
        else if (in.trailingData()) out.printf("DAMAGED:    bytes follow the checksum at offset %d%n", in.bytesRead());
        else out.printf("status:     %s%n", in.clean() ? "clean" : "damaged");
    }

    private static String checksumText(Inspection in, SalvagedInspection salvaged) {
        if (salvaged != null && salvaged.salvage().losses().truncated() && in.checksum() == dev.salvor.rdb.ChecksumStatus.NOT_REACHED) {
            return String.format("not reached: the file ends at offset %d, before its end record and checksum", salvaged.salvage().losses().fileEndsAt());
        }
        return switch (in.checksum()) {
            case UNVERIFIABLE -> "unverifiable (damaged bytes were skipped)";
            case OK -> String.format("ok (crc64 %016x)", in.storedChecksum());
            case MISMATCH -> String.format("MISMATCH: stored %016x, computed %016x", in.storedChecksum(), in.computedChecksum());
            case DISABLED -> "not written (rdbchecksum no)";
            case ABSENT -> "none (RDB version before 5)";
            default -> in.error() != null ? "not reached: the read stopped at the damage before the end of the file" : "not reached";
        };
    }

    private static void printJson(PrintWriter out, Inspection in, java.util.List<String> wrappers, SalvagedInspection salvaged) throws java.io.IOException {
        InspectJson.write(out, in, wrappers, salvaged);
        out.println();
    }
}
