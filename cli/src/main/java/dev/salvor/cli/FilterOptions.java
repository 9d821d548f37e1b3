package dev.salvor.cli;

import dev.salvor.io.KeyFilter;
import dev.salvor.rdb.RedisType;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code --db}, {@code --match}, {@code --type}: which keys a command looks at. */
public final class FilterOptions {
    @Option(names = "--db", paramLabel = "N", description = "Only database N (repeatable).", converter = DbConverter.class)
    List<Integer> dbs = new ArrayList<>();

    @Option(names = "--match", paramLabel = "GLOB", description = "Only keys matching the Redis glob (repeatable).")
    List<String> globs = new ArrayList<>();

    @Option(names = "--type", paramLabel = "TYPE", description = "Only keys of TYPE: string, list, set, zset, hash, stream, module (repeatable).",
            converter = TypeConverter.class)
    List<RedisType> types = new ArrayList<>();

    KeyFilter filter() {
        return new KeyFilter(dbs, globs, types);
    }

    /** The filter with the database a server URL names ({@code -1}: none) as the only one. */
    KeyFilter filter(int onlyDb) {
        return onlyDb < 0 ? filter() : new KeyFilter(List.of(onlyDb), globs, types);
    }

    /**
     * The database that the server URLs among {@code sources} name ({@code redis://host:port/5}),
     * or -1. Both sides of a comparison are then restricted to it: a file's keys of other
     * databases are not compared with a server that was not read there.
     */
    int urlDatabase(picocli.CommandLine cl, String... sources) {
        int only = -1;
        String from = null;
        for (String s : sources) {
            if (!dev.salvor.diff.ServerUrl.isServer(s)) continue;
            int db;
            try {
                db = dev.salvor.diff.ServerUrl.database(s);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(cl, e.getMessage());
            }
            if (db < 0) continue;
            if (only >= 0 && db != only) {
                throw new picocli.CommandLine.ParameterException(cl, "the URLs name different databases (" + only + " and " + db
                        + "); keys are compared within one database: name the same one, or none and use --db");
            }
            only = db;
            from = s;
        }
        if (only >= 0 && !dbs.isEmpty() && !dbs.contains(only)) {
            throw new picocli.CommandLine.ParameterException(cl, "--db " + dbs + " leaves out database " + only + ", the only one the URL names");
        }
        return only;
    }

    /** A database number: 0 or more. */
    public static final class DbConverter implements picocli.CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int db = Integer.parseInt(value.strip());
                if (db >= 0) return db;
            } catch (NumberFormatException e) {
                // said below
            }
            throw new picocli.CommandLine.TypeConversionException("--db takes a database number (0 or more), not '" + value + "'");
        }
    }

    /** Parses the lower-case type names Redis uses. */
    public static final class TypeConverter implements picocli.CommandLine.ITypeConverter<RedisType> {
        @Override
        public RedisType convert(String value) {
            RedisType t = RedisType.fromWireName(value.toLowerCase(Locale.ROOT));
            if (t == null) throw new picocli.CommandLine.TypeConversionException("unknown type '" + value + "' (expected string, list, set, zset, hash, stream or module)");
            return t;
        }
    }
}
