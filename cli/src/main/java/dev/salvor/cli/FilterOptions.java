package dev.salvor.cli;

import dev.salvor.io.KeyFilter;
import dev.salvor.rdb.RedisType;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/** {@code --db}, {@code --match}, {@code --type}: which keys a command looks at. */
public final class FilterOptions {
    @Option(names = "--db", paramLabel = "N", description = "Only database N (repeatable).")
    List<Integer> dbs = new ArrayList<>();

    @Option(names = "--match", paramLabel = "GLOB", description = "Only keys matching the Redis glob (repeatable).")
    List<String> globs = new ArrayList<>();

    @Option(names = "--type", paramLabel = "TYPE", description = "Only keys of TYPE: string, list, set, zset, hash, stream, module (repeatable).",
            converter = TypeConverter.class)
    List<RedisType> types = new ArrayList<>();

    KeyFilter filter() {
        return new KeyFilter(dbs, globs, types);
    }

    /** Parses the lower-case type names Redis uses. */
    public static final class TypeConverter implements picocli.CommandLine.ITypeConverter<RedisType> {
        @Override
        public RedisType convert(String value) {
            RedisType t = RedisType.fromWireName(value.toLowerCase());
            if (t == null) throw new picocli.CommandLine.TypeConversionException("unknown type '" + value + "' (expected string, list, set, zset, hash, stream or module)");
            return t;
        }
    }
}
