package dev.salvor.cli;

import dev.salvor.rdb.Producer;
import dev.salvor.rdb.ProducerAssumption;
import dev.salvor.io.Text;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbProducer;
import dev.salvor.rdb.ReadConstraints;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.util.List;

/** {@code salvor}: forensic recovery of Redis persistence files. */
@Command(name = "salvor",
        mixinStandardHelpOptions = true,
        versionProvider = SalvorCommand.Version.class,
        description = "Forensic recovery of Redis and Valkey RDB and AOF files.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:clean or identical", "1:damage or differences found", "2:usage or I/O error"})
public final class SalvorCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--debug", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    @Option(names = "--max-string-size", paramLabel = "SIZE", scope = CommandLine.ScopeType.INHERIT,
            description = "Refuse any string (value, element, key, AOF argument) longer than SIZE, e.g. 64m "
                    + "(default 512m, Redis's proto-max-bulk-len): a longer length read from a file fails at its offset "
                    + "before anything is allocated for it.")
    String maxStringSize;

    @Option(names = "--max-elements", paramLabel = "N", scope = CommandLine.ScopeType.INHERIT,
            description = "Refuse a value that declares more than N elements (default: no limit).")
    Long maxElements;

    @Option(names = "--producer", paramLabel = "NAME", scope = CommandLine.ScopeType.INHERIT,
            description = "Read RDB files as written by NAME (redis, valkey, dragonfly, keydb) whatever their header says: "
                    + "for a file whose header was damaged (default: decided from the magic, version and AUX fields).")
    String producer;

    @Option(names = "--assume-version", paramLabel = "N", scope = CommandLine.ScopeType.INHERIT,
            description = "Read RDB files as RDB version N whatever their header says: for a damaged header, or to try a version "
                    + "newer than Salvor knows as the newest it reads.")
    Integer assumeVersion;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where commands write bytes (exports); standard output unless a test sets another. */
    java.io.OutputStream stdout = System.out;
    /** Where {@code -} inputs come from. */
    java.io.InputStream stdin = System.in;

    /** Without a command: the usage, once, and the usage-error exit code. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.ERROR;
    }

    /** The commands, in the order {@code --help} lists them. */
    static final List<String> COMMANDS = List.of("inspect", "check", "export", "salvage", "repair", "diff", "audit", "memory", "help");

    /**
     * A new instance of the named command. Created by name so that a run builds the picocli model
     * of its own command only: building all of them is most of the start-up time of a short run.
     */
    private static Object command(String name) {
        return switch (name) {
            case "inspect" -> new InspectCommand();
            case "check" -> new CheckCommand();
            case "export" -> new ExportCommand();
            case "salvage" -> new SalvageCommand();
            case "repair" -> new RepairCommand();
            case "diff" -> new DiffCommand();
            case "audit" -> new AuditCommand();
            case "memory" -> new MemoryCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException(name);
        };
    }

    /** The launcher's stand-in for an argument it moved into the environment (a URL with a password). */
    static final String FROM_ENV = "salvor-env:";

    /** Puts back the arguments the launcher moved into the environment, so they never show in {@code ps}. */
    static String[] fromEnvironment(String[] args, java.util.Map<String, String> env) {
        String[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (!out[i].startsWith(FROM_ENV)) continue;
            String name = out[i].substring(FROM_ENV.length());
            if (name.matches("SALVOR_URL_\\d+") && env.get(name) != null) out[i] = env.get(name);
        }
        return out;
    }

    public static void main(String[] args) {
        String[] real = fromEnvironment(args, System.getenv());
        System.exit(commandLine(real).execute(real));
    }



    /** The configured command line with every command (also used by tests, in-process, and for the docs). */
    public static CommandLine commandLine() {
        return commandLine(new SalvorCommand());
    }

    static CommandLine commandLine(SalvorCommand root) {
        return commandLine(root, COMMANDS);
    }

    /**
     * The command line for running {@code args}: with only the command they name, or with all of
     * them when they name none (usage, {@code help}, a mistyped name: those list the commands).
     */
    static CommandLine commandLine(String[] args) {
        SalvorCommand root = new SalvorCommand();
        String named = commandNamed(new CommandLine(root).getCommandSpec(), args);
        if (named == null && (List.of(args).contains("--version") || List.of(args).contains("-V"))) return commandLine(root, List.of());
        return commandLine(root, named == null || named.equals("help") ? COMMANDS : List.of(named));
    }

    /** The first argument that is not an option of the root command or its value, if it names a command. */
    static String commandNamed(CommandLine.Model.CommandSpec rootSpec, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--")) return null;
            if (a.startsWith("-") && a.length() > 1) {
                CommandLine.Model.OptionSpec o = rootSpec.findOption(a);
                if (o != null && o.arity().max() > 0) i++;
                continue;
            }
            return COMMANDS.contains(a) ? a : null;
        }
        return null;
    }

    private static CommandLine commandLine(SalvorCommand root, List<String> commands) {
        CommandLine cl = new CommandLine(root);
        for (String name : commands) cl.addSubcommand(name, command(name));
        cl.setExecutionExceptionHandler(new ErrorHandler());
        // The read bounds hold for the one command run, whichever code reads the input.
        CommandLine.IExecutionStrategy run = new OutOfMemoryGuard(new CommandLine.RunLast());
        cl.setExecutionStrategy(parsed -> {
            ReadConstraints previous = ReadConstraints.defaults();
            ProducerAssumption previousAssumption = ProducerAssumption.defaults();
            ReadConstraints.overrideDefaults(root.constraints(parsed.commandSpec().commandLine(), previous));
            ProducerAssumption.overrideDefaults(root.assumption(parsed.commandSpec().commandLine()));
            try {
                return run.execute(parsed);
            } finally {
                ReadConstraints.overrideDefaults(previous);
                ProducerAssumption.overrideDefaults(previousAssumption);
            }
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("salvor: " + Text.message(ex.getMessage()));
            c.getErr().println("(see 'salvor " + (c.getCommandName().equals("salvor") ? "" : c.getCommandName() + " ") + "--help')");
            return ExitCodes.ERROR;
        });
        return cl;
    }

    /** What --producer and --assume-version ask readers to assume about each file's header. */
    private ProducerAssumption assumption(CommandLine cl) {
        if (producer == null && assumeVersion == null) return ProducerAssumption.NONE;
        RdbProducer p = null;
        if (producer != null) {
            p = RdbProducer.ofId(producer);
            if (p == null) throw new CommandLine.ParameterException(cl, "--producer takes redis, valkey, dragonfly or keydb, not '" + producer + "'");
        }
        int v = assumeVersion == null ? 0 : assumeVersion;
        if (assumeVersion != null && !Producer.supported(p == RdbProducer.VALKEY && v >= Producer.VALKEY_FIRST_VERSION, v)) {
            throw new CommandLine.ParameterException(cl, "--assume-version takes an RDB version Salvor reads (1 to " + Producer.REDIS_LATEST_VERSION
                    + ", or Valkey's " + Producer.VALKEY_FIRST_VERSION + " and " + Producer.VALKEY_LATEST_VERSION + "), not " + v);
        }
        return new ProducerAssumption(p, v);
    }

    /** The read bounds the options ask for, on top of {@code base}. */
    private ReadConstraints constraints(CommandLine cl, ReadConstraints base) {
        if (maxStringSize == null && maxElements == null) return base;
        ReadConstraints.Builder b = base.rebuild();
        if (maxStringSize != null) {
            long size;
            try {
                size = SizeConverter.parse(maxStringSize);
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(cl, "--max-string-size takes a size such as 64m or 1g, not '" + maxStringSize + "'");
            }
            if (size < 1 || size > Integer.MAX_VALUE - 8) {
                throw new CommandLine.ParameterException(cl, "--max-string-size must be between 1 and " + (Integer.MAX_VALUE - 8) + " bytes");
            }
            b.maxStringSize((int) size).maxKeySize((int) size);
        }
        if (maxElements != null) {
            if (maxElements < 1) throw new CommandLine.ParameterException(cl, "--max-elements must be at least 1");
            b.maxElements(maxElements);
        }
        return b.build();
    }

    /** A failure becomes one line on stderr and an exit code; stack traces only with --debug. */
    static final class ErrorHandler implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
            boolean debug = parsed.hasMatchedOption("--debug") || System.getenv("SALVOR_DEBUG") != null
                    || parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--debug");
            if (debug) printStackTrace(ex, cl);
            // Messages quote untrusted text (names from archives and manifests, server replies, URLs):
            // passwords are redacted and terminal controls escaped, so an error is always one safe line.
            if (ex instanceof RdbFormatException) {
                cl.getErr().println("salvor: " + Text.message(ex.getMessage()));
                return ExitCodes.FOUND;
            }
            if (ex instanceof CommandLine.TypeConversionException) {
                // A value checked after parsing: a usage error like any other.
                cl.getErr().println("salvor: " + Text.message(ex.getMessage()));
                return ExitCodes.ERROR;
            }
            if (ex instanceof java.io.UncheckedIOException u) ex = u.getCause();
            if (ex instanceof IOException) {
                cl.getErr().println("salvor: " + Text.message(ErrorMessages.describe((IOException) ex)));
                return ExitCodes.ERROR;
            }
            cl.getErr().println("salvor: internal error: " + Text.message(String.valueOf(ex)) + (debug ? "" : " (run with --debug for details)"));
            return ExitCodes.ERROR;
        }
    }

    /**
     * An OutOfMemoryError is an Error, so picocli passes it by the exception handler: caught here,
     * once the run's allocations are unreachable, it becomes one line and exit 2, never a stack
     * trace and exit 1 (which would read as "damage found").
     */
    static final class OutOfMemoryGuard implements CommandLine.IExecutionStrategy {
        private final CommandLine.IExecutionStrategy inner;

        OutOfMemoryGuard(CommandLine.IExecutionStrategy inner) {
            this.inner = inner;
        }

        @Override
        public int execute(ParseResult parsed) {
            try {
                return inner.execute(parsed);
            } catch (OutOfMemoryError e) {
                ParseResult last = parsed;
                while (last.subcommand() != null) last = last.subcommand();
                CommandLine cl = last.commandSpec().commandLine();
                boolean debug = System.getenv("SALVOR_DEBUG") != null || parsed.hasMatchedOption("--debug")
                        || last.hasMatchedOption("--debug");
                if (debug) printStackTrace(e, cl);
                cl.getErr().println("salvor: out of memory (" + e.getMessage() + ") in '" + cl.getCommandName() + "' with a Java heap of "
                        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB; give it more with JAVA_OPTS=-Xmx... (diff: --max-memory bounds what it keeps)");
                return ExitCodes.ERROR;
            }
        }
    }

    /** Salvor's version (from the jar manifest), or "(development build)". */
    static String version() {
        return Main.version();
    }

    /** A stack trace for --debug, with passwords redacted (line breaks kept, controls escaped per line). */
    static void printStackTrace(Throwable t, CommandLine cl) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        w.toString().lines().forEach(line -> cl.getErr().println(Text.message(line)));
    }

    /** The version from the jar manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return Main.versionLines();
        }
    }
}
