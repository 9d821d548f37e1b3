package dev.salvor.cli;

import dev.salvor.io.Spool;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

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

    /** 512m, 4g, 1t, 1048576: a size in bytes. */
    public static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            long unit = 1;
            if (!t.isEmpty()) {
                switch (t.charAt(t.length() - 1)) {
                    case 'k' -> unit = 1L << 10;
                    case 'm' -> unit = 1L << 20;
                    case 'g' -> unit = 1L << 30;
                    case 't' -> unit = 1L << 40;
                    default -> unit = 1;
                }
            }
            if (unit > 1) t = t.substring(0, t.length() - 1);
            try {
                long v = Long.parseLong(t);
                if (v <= 0 || v > Long.MAX_VALUE / unit) throw new NumberFormatException();
                return v * unit;
            } catch (NumberFormatException e) {
                throw new TypeConversionException("expected a size such as 512m or 4g, not '" + s + "'");
            }
        }
    }
}
