package dev.salvor.cli;

import dev.salvor.io.Deadline;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/** {@code --timeout}: when a run that reads live servers must have finished. */
public final class TimeoutOption {
    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up with exit 2 when the run has not finished within DURATION, e.g. 90s, 30m, 2h (default: no limit; "
                    + "a SCAN that stops progressing ends the run anyway).")
    Duration timeout;

    /** The run's deadline, counted from now. */
    Deadline deadline() {
        return timeout == null ? Deadline.NONE : Deadline.after(timeout, "--timeout " + text(timeout));
    }

    static String text(Duration d) {
        long s = d.toSeconds();
        if (d.toMillis() % 1000 != 0) return d.toMillis() + "ms";
        if (s % 3600 == 0) return s / 3600 + "h";
        if (s % 60 == 0) return s / 60 + "m";
        return s + "s";
    }

    /** 90s, 15m, 2h, 1d, 500ms, or plain seconds. */
    public static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return Deadline.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
