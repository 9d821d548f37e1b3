package dev.salvor.rdb;

import java.util.Map;

/**
 * Which server wrote an RDB file, and which version of it, as far as the file says: "Redis 8.8",
 * "Valkey 9.2", "Dragonfly 1.27.1", "KeyDB 6.3.4".
 *
 * <p>Decided from the magic and RDB version first, then refined by the header's AUX fields, all of
 * which come before the first key, so the reader knows the numbering ({@link RdbFlavor}) before it
 * meets a type or opcode byte whose meaning depends on it:
 * <ul>
 * <li>{@code VALKEY0nn}: Valkey's own numbering (valkey {@code src/rdb.h}: {@code RDB_VERSION_MAP}
 * 80 = 9.0, 81 = 9.2, magic written as {@code VALKEY%03d}).</li>
 * <li>{@code REDIS0nnn} with AUX {@code valkey-ver}: Valkey 7.2 to 8.x, which write Redis's RDB 11.</li>
 * <li>AUX {@code df-ver}: Dragonfly (dragonfly {@code src/server/rdb_save.cc}, {@code SaveAux}), whose
 * {@code redis-ver} only names the Redis version it imitates.</li>
 * <li>AUX {@code mvcc-tstamp}, {@code keydb-subexpire-key} or {@code keydb-subexpire-when}: KeyDB
 * (KeyDB {@code src/rdb.cpp}), whose {@code redis-ver} holds KeyDB's own version; so does a
 * {@code redis-ver} of 6.3.x in an RDB 9 file, a version Redis never released (it went from 6.2 to
 * 7.0) and KeyDB did.</li>
 * <li>Otherwise Redis: the {@code redis-ver} AUX field when present, else the releases that write
 * that RDB version (redis/librdb {@code src/redisver.h}: 12 = 7.4 to 8.4, 13 = 8.6, 14 = 8.8,
 * 15 = 8.10).</li>
 * </ul>
 *
 * @param kind      the server family
 * @param version   its version as the file states it or its RDB version implies; null when unknown
 * @param decidedBy what decided the family: "magic", "aux valkey-ver", "aux df-ver", ..., or "assumed"
 */
public record Producer(RdbProducer kind, String version, String decidedBy) {
    /** First RDB version of Valkey's own numbering (VALKEY080). */
    public static final int VALKEY_FIRST_VERSION = 80;
    /** Newest Redis RDB version Salvor reads (Redis 8.10). */
    public static final int REDIS_LATEST_VERSION = 15;
    /** Newest Valkey RDB version Salvor reads (Valkey 9.2). */
    public static final int VALKEY_LATEST_VERSION = 81;

    /** "Redis 8.8", or the family alone when its version is unknown. */
    public String label() {
        return version == null ? kind.displayName() : kind.displayName() + " " + version;
    }

    @Override
    public String toString() {
        return label();
    }

    /**
     * Whether Salvor reads RDB {@code version} under the given magic: Redis's 1 to 15, Valkey's
     * own 80 and 81 (under either magic, as Valkey's loader takes both). Anything newer has
     * layouts Salvor cannot know.
     */
    public static boolean supported(boolean valkeyMagic, int version) {
        if (version < 1) return false;
        if (version >= VALKEY_FIRST_VERSION) return version <= VALKEY_LATEST_VERSION;
        return version <= REDIS_LATEST_VERSION && !(valkeyMagic && version > 11);
    }

    /** The releases of Redis that write RDB {@code version}, or null when none does. */
    static String redisReleases(int version) {
        switch (version) {
            case 1: case 2: case 3: case 4: case 5: return "before 2.8";
            case 6: return "2.8-3.0";
            case 7: return "3.2";
            case 8: return "4.0";
            case 9: return "5.0-6.2";
            case 10: return "7.0";
            case 11: return "7.2";
            case 12: return "7.4-8.4";
            case 13: return "8.6";
            case 14: return "8.8";
            case 15: return "8.10";
            default: return null;
        }
    }

    /** The Valkey release of RDB {@code version} (80 and up), or null. */
    static String valkeyRelease(int version) {
        switch (version) {
            case 80: return "9.0";
            case 81: return "9.2";
            default: return null;
        }
    }

    /**
     * The producer of a file with this magic (null for a DUMP payload or a damaged header), RDB
     * version and AUX fields, with the run's {@link ProducerAssumption} applied: what the reader
     * decides while it reads the header.
     */
    public static Producer identify(String magic, int version, Iterable<Map.Entry<String, String>> auxFields) {
        Detector d = new Detector(magic != null && magic.startsWith("VALKEY"), version, ProducerAssumption.defaults());
        for (Map.Entry<String, String> e : auxFields) d.aux(e.getKey(), e.getValue());
        return d.producer();
    }

    /** The decision as it stands while a header's AUX fields arrive one by one. */
    static final class Detector {
        private final int version;
        private final RdbProducer assumed;
        private RdbProducer kind;
        private String decidedBy;
        private String redisVer;
        private String valkeyVer;
        private String dfVer;

        Detector(boolean valkeyMagic, int version, ProducerAssumption assumption) {
            this.version = version;
            this.assumed = assumption.producer();
            if (assumed != null) {
                kind = assumed;
                decidedBy = "assumed";
            } else {
                kind = valkeyMagic || version >= VALKEY_FIRST_VERSION ? RdbProducer.VALKEY : RdbProducer.REDIS;
                decidedBy = "magic";
            }
        }

        /** Whether an AUX field of this name can tell the producer (others need not be decoded). */
        static boolean identifies(String key) {
            switch (key) {
                case "redis-ver": case "valkey-ver": case "df-ver": case "mvcc-tstamp": case "keydb-subexpire-key": case "keydb-subexpire-when":
                    return true;
                default:
                    return false;
            }
        }

        /** Takes one AUX field into account; true when it changed the family. */
        boolean aux(String key, String value) {
            RdbProducer before = kind;
            switch (key) {
                case "redis-ver":
                    redisVer = value;
                    if (kind == RdbProducer.REDIS && assumed == null && version == 9 && value.startsWith("6.3.")) decide(RdbProducer.KEYDB, "aux redis-ver 6.3");
                    break;
                case "valkey-ver":
                    valkeyVer = value;
                    decide(RdbProducer.VALKEY, "aux valkey-ver");
                    break;
                case "df-ver":
                    dfVer = value;
                    decide(RdbProducer.DRAGONFLY, "aux df-ver");
                    break;
                case "mvcc-tstamp":
                case "keydb-subexpire-key":
                case "keydb-subexpire-when":
                    decide(RdbProducer.KEYDB, "aux " + key);
                    break;
                default:
                    break;
            }
            return kind != before;
        }

        private void decide(RdbProducer k, String why) {
            if (assumed != null || kind == k) return;
            // Dragonfly's own field outranks the Redis-compatible ones it also writes.
            if (kind == RdbProducer.DRAGONFLY) return;
            kind = k;
            decidedBy = why;
        }

        RdbProducer kind() {
            return kind;
        }

        Producer producer() {
            String v;
            switch (kind) {
                case VALKEY: v = valkeyVer != null ? valkeyVer : valkeyRelease(version); break;
                case DRAGONFLY: v = dfVer; break;
                case KEYDB: v = redisVer != null ? redisVer : "6"; break;
                default: v = redisVer != null ? redisVer : redisReleases(version); break;
            }
            return new Producer(kind, v, decidedBy);
        }
    }
}
