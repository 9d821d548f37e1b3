package dev.salvor.memory;

import java.util.Locale;

/**
 * The encoding thresholds of the server that loads the file (its {@code *-max-listpack-*},
 * {@code set-max-intset-entries} and {@code list-max-listpack-size} settings): they decide which
 * encoding a value takes when it is loaded. Defaults are the servers' built-in ones.
 */
public record ServerConfig(int hashMaxListpackEntries, int hashMaxListpackValue, int setMaxIntsetEntries,
                           int setMaxListpackEntries, int setMaxListpackValue, int zsetMaxListpackEntries,
                           int zsetMaxListpackValue, int listMaxListpackSize) {
    public static final ServerConfig DEFAULTS = new ServerConfig(512, 64, 512, 128, 64, 128, 64, -2);

    /** This config with one setting changed ({@code name value}, as in redis.conf; ziplist names are accepted). */
    public ServerConfig with(String name, String value) {
        int v;
        try {
            v = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("server setting " + name + ": '" + value + "' is not a number");
        }
        String n = name.toLowerCase(Locale.ROOT).trim().replace("ziplist", "listpack");
        return switch (n) {
            case "hash-max-listpack-entries" -> new ServerConfig(v, hashMaxListpackValue, setMaxIntsetEntries, setMaxListpackEntries, setMaxListpackValue, zsetMaxListpackEntries, zsetMaxListpackValue, listMaxListpackSize);
            case "hash-max-listpack-value" -> new ServerConfig(hashMaxListpackEntries, v, setMaxIntsetEntries, setMaxListpackEntries, setMaxListpackValue, zsetMaxListpackEntries, zsetMaxListpackValue, listMaxListpackSize);
            case "set-max-intset-entries" -> new ServerConfig(hashMaxListpackEntries, hashMaxListpackValue, v, setMaxListpackEntries, setMaxListpackValue, zsetMaxListpackEntries, zsetMaxListpackValue, listMaxListpackSize);
            case "set-max-listpack-entries" -> new ServerConfig(hashMaxListpackEntries, hashMaxListpackValue, setMaxIntsetEntries, v, setMaxListpackValue, zsetMaxListpackEntries, zsetMaxListpackValue, listMaxListpackSize);
            case "set-max-listpack-value" -> new ServerConfig(hashMaxListpackEntries, hashMaxListpackValue, setMaxIntsetEntries, setMaxListpackEntries, v, zsetMaxListpackEntries, zsetMaxListpackValue, listMaxListpackSize);
            case "zset-max-listpack-entries" -> new ServerConfig(hashMaxListpackEntries, hashMaxListpackValue, setMaxIntsetEntries, setMaxListpackEntries, setMaxListpackValue, v, zsetMaxListpackValue, listMaxListpackSize);
            case "zset-max-listpack-value" -> new ServerConfig(hashMaxListpackEntries, hashMaxListpackValue, setMaxIntsetEntries, setMaxListpackEntries, setMaxListpackValue, zsetMaxListpackEntries, v, listMaxListpackSize);
            case "list-max-listpack-size" -> new ServerConfig(hashMaxListpackEntries, hashMaxListpackValue, setMaxIntsetEntries, setMaxListpackEntries, setMaxListpackValue, zsetMaxListpackEntries, zsetMaxListpackValue, v);
            default -> throw new IllegalArgumentException("unknown server setting '" + name + "' (known: hash-max-listpack-entries, hash-max-listpack-value, "
                    + "set-max-intset-entries, set-max-listpack-entries, set-max-listpack-value, zset-max-listpack-entries, zset-max-listpack-value, list-max-listpack-size)");
        };
    }

    /** Bytes a quicklist node may hold (list-max-listpack-size -1..-5), or -1 when the limit is a count. */
    long listNodeBytes() {
        if (listMaxListpackSize >= 0) return -1;
        int level = Math.min(-listMaxListpackSize, 5) - 1;
        return 4096L << level;
    }

    /** Entries a quicklist node may hold when the limit is a count. */
    long listNodeCount() {
        return listMaxListpackSize >= 0 ? Math.max(1, listMaxListpackSize) : Long.MAX_VALUE;
    }
}
