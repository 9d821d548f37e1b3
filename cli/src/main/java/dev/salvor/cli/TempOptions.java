package dev.salvor.cli;

import dev.salvor.io.Spool;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Where a command's temporary files go and how much disk they may take. */
public final class TempOptions {
    @Option(names = "--temp-dir", paramLabel = "DIR", description = "Where temporary files go: a compressed, archived or piped input that needs "
            + "random access is copied there, diff spills its runs there, memory its salvaged copy and --diff key runs "
            + "(default: the system temporary directory).")
    Path dir;

    @Option(names = "--temp-limit", paramLabel = "SIZE", converter = SizeConverter.class, description = "Temporary disk this run may use, e.g. 100g "
            + "(default: 32g); 1 GiB of the file system is always left free.")
    long limit = Spool.DEFAULT_LIMIT;

    /** The run's spool; what it copies where, and stale temporaries it removes, are said on stderr. */
    Spool spool(CommandSpec spec) {
        PrintWriter err = spec.commandLine().getErr();
        return new Spool(dir, limit, msg -> err.println("salvor: " + msg));
    }
}
