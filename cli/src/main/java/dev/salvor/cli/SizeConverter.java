package dev.salvor.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/** A size option's value: 512m, 4g, 1t, 1048576 (k, m, g and t are powers of 1024); the one parser of every size option. */
public class SizeConverter implements ITypeConverter<Long> {
    @Override
    public Long convert(String s) {
        try {
            return parse(s);
        } catch (NumberFormatException e) {
            throw new TypeConversionException(message(s));
        }
    }

    /** What a bad value is told; an option that names itself overrides it. */
    protected String message(String s) {
        return "expected a size such as 512m or 4g, not '" + s + "'";
    }

    /**
     * The size in bytes.
     *
     * @throws NumberFormatException when {@code s} is no positive whole number with at most one unit, or overflows a long
     */
    static long parse(String s) {
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
        long v = Long.parseLong(t);
        if (v <= 0 || v > Long.MAX_VALUE / unit) throw new NumberFormatException(s);
        return v * unit;
    }
}
