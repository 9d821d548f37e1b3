package dev.salvor.rdb;

import java.util.Locale;

/** The server families that write RDB files, as {@link Producer} names them. */
public enum RdbProducer {
    REDIS("Redis"),
    VALKEY("Valkey"),
    DRAGONFLY("Dragonfly"),
    KEYDB("KeyDB");

    private final String displayName;

    RdbProducer(String displayName) {
        this.displayName = displayName;
    }

    /** "Redis", "Valkey", "Dragonfly", "KeyDB". */
    public String displayName() {
        return displayName;
    }

    /** The lower-case name used on the command line and in JSON ("redis", "keydb"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The producer named {@code id} (case-insensitive), or null. */
    public static RdbProducer ofId(String id) {
        for (RdbProducer p : values()) if (p.id().equalsIgnoreCase(id)) return p;
        return null;
    }

    /**
     * The numbering a file by this producer at RDB {@code version} follows: Valkey's own only from
     * version 80 (Valkey 8 and older write Redis's RDB 11).
     */
    public RdbFlavor flavorAt(int version) {
        switch (this) {
            case VALKEY: return version >= Producer.VALKEY_FIRST_VERSION ? RdbFlavor.VALKEY : RdbFlavor.REDIS;
            case DRAGONFLY: return RdbFlavor.DRAGONFLY;
            case KEYDB: return RdbFlavor.KEYDB;
            default: return version >= Producer.VALKEY_FIRST_VERSION ? RdbFlavor.VALKEY : RdbFlavor.REDIS;
        }
    }
}
