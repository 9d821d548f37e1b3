package dev.salvor.rdb;

/**
 * What to assume about a file's producer and RDB version instead of what its header says: for a
 * file whose header was damaged, or one newer than the versions Salvor knows, a user can name them
 * and read it anyway (as {@link ReadConstraints} are set, once for a run).
 *
 * @param producer the family to assume, or null to detect it
 * @param version  the RDB version to assume, or 0 to take the header's
 */
public record ProducerAssumption(RdbProducer producer, int version) {
    /** Assume nothing: decide from the header. */
    public static final ProducerAssumption NONE = new ProducerAssumption(null, 0);

    private static volatile ProducerAssumption defaults = NONE;

    public ProducerAssumption {
        if (version < 0) throw new IllegalArgumentException("an RDB version is positive, not " + version);
    }

    /** The assumption readers make when none is given: {@link #NONE} unless overridden for a run. */
    public static ProducerAssumption defaults() {
        return defaults;
    }

    /** Sets the assumption readers make; null restores {@link #NONE}. */
    public static void overrideDefaults(ProducerAssumption assumption) {
        defaults = assumption == null ? NONE : assumption;
    }

    public boolean any() {
        return producer != null || version > 0;
    }

    /** The version to read a file as when its header gives none: the assumed one, else the producer's newest. */
    int versionWithoutHeader() {
        if (version > 0) return version;
        if (producer == RdbProducer.VALKEY) return Producer.VALKEY_LATEST_VERSION;
        if (producer == RdbProducer.KEYDB) return 9;
        return Producer.REDIS_LATEST_VERSION;
    }
}
