package dev.salvor.cli;

import dev.salvor.check.AofChecker;
import dev.salvor.report.AofRepairJson;
import dev.salvor.aof.AofLayout;
import dev.salvor.io.OutputPlan;
import dev.salvor.repair.AofRepairReport;
import dev.salvor.repair.AofRepairer;
import dev.salvor.repair.RepairOutputs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code salvor repair AOF|DIR -o OUT}: every intact command, including those after the damage. */
@Command(name = "repair", mixinStandardHelpOptions = true,
        description = "Repair a damaged AOF (single file or appendonlydir): keep every intact command, in order, once, "
                + "including all commands after the damage (redis-check-aof --fix throws those away). Writes OUT in the "
                + "same layout (a file, or a directory with a valid manifest), OUT.report.json and a quarantine file (OUT.quarantine) "
                + "with the raw bytes of every skipped range.")
public final class RepairCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    SalvorCommand root;

    @Parameters(paramLabel = "AOF", description = "AOF file, appendonlydir or its manifest.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "Repaired AOF file, or directory for an appendonlydir.")
    Path output;

    @Option(names = "--keep-partial-transactions", description = "Keep the intact commands of a transaction that lost a part (default: drop it whole).")
    boolean keepPartial;

    @Option(names = "--until", paramLabel = "TIME", description = "Point in time: stop at the first #TS annotation after TIME (Unix seconds, or ISO-8601 with a zone: 2026-11-22T22:15:58Z).")
    String until;

    @Option(names = "--drop", paramLabel = "CMD", split = ",", description = "Leave out these commands, e.g. FLUSHALL,FLUSHDB to undo an accidental flush.")
    List<String> drop = List.of();

    @Option(names = "--report", paramLabel = "FILE", description = "Repair report (default: OUT.report.json).")
    Path reportFile;

    @Option(names = "--force", description = "Replace existing outputs.")
    boolean force;

    @Mixin
    JsonOption json;

    @Mixin
    ProgressOptions progress;

    @Override
    public Integer call() throws Exception {
        for (String name : drop) {
            String refusal = AofRepairer.dropRefusal(name);
            if (refusal != null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--drop " + name + ": " + refusal);
        }
        long untilMs = until == null ? -1 : parseTime(until);
        AofLayout layout = AofLayout.of(input);
        Path report = reportFile != null ? reportFile : Path.of(output + ".report.json");
        Path quarantine = Path.of(output + ".quarantine");
        AofRepairReport r;
        try (OutputPlan plan = OutputOptions.plans(spec, force)) {
            plan.input(input).inputs(layout.files());
            OutputPlan.DirectoryOutput dir = layout.multiPart() ? plan.directory(output, "output", RepairOutputs::notRepairedDirectory) : null;
            OutputPlan.FileOutput file = layout.multiPart() ? null : plan.file(output, "output");
            OutputPlan.FileOutput q = plan.file(quarantine, "quarantine");
            OutputPlan.FileOutput rep = plan.file(report, "report");
            plan.open();
            try (ProgressBar bar = progress.bar(spec.commandLine().getErr())) {
                AofChecker.phase(bar, "repairing", layout);
                AofRepairer.Outputs outputs = dir != null ? RepairOutputs.directory(dir.path()) : RepairOutputs.stream(file.stream());
                r = new AofRepairer(layout, outputs, keepPartial, untilMs, new HashSet<>(drop)).progress(bar).run();
                // A cut that cannot do what was asked is a usage error, and nothing is written.
                String refusal = r.untilRefusal();
                if (refusal != null) throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--until " + until + ": " + refusal);
                if (dir != null) RepairOutputs.manifest(layout, dir.path());
            }
            RepairOutputs.quarantine(layout, r, q.stream());
            AofRepairJson.write(rep.stream(), r);
            plan.commit();
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json.json) {
            AofRepairJson.write(out, r);
            out.println();
        } else {
            AofCommands.printCheck(out, r, false);
            AofCommands.printRepair(out, r);
            out.printf("wrote %s, %s, %s%n", output, report, quarantine);
        }
        return r.clean() ? ExitCodes.OK : ExitCodes.FOUND;
    }

    static long parseTime(String s) {
        return PointInTime.millis("--until", s);
    }
}
