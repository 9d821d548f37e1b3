package dev.salvor.cli;

import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

/** The FILE operands of the commands that take several files ({@code salvor check backups/*.rdb}). */
public final class InputFiles {
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "RDB files (may be compressed or archived: archive!member), - for stdin, "
            + "or AOF files, appendonlydirs or manifests. With several, one line each and a summary (--json: one object per line).")
    List<String> names = new ArrayList<>();
}
