package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_HEADER;
import static dev.salvor.rdb.RdbFormatException.Reason.CHECKSUM_MISMATCH;
import static dev.salvor.rdb.RdbFormatException.Reason.TRUNCATED;

/**
 * The 10-byte footer of a DUMP payload: the RDB version the payload claims (2 bytes, little
 * endian) and the CRC64 of everything before the checksum. Verified as the servers verify it,
 * and as strictly as the producers write it:
 *
 * <ul>
 * <li>the CRC64 must match. Every producer of DUMP payloads (Redis since 2.6, Valkey, KeyDB,
 * Dragonfly) writes one and every one refuses a payload whose checksum differs, so an all-zero
 * checksum (which in an RDB file means "checksum disabled") is no exception here;</li>
 * <li>the version must be one a producer writes DUMP payloads with: Redis 6 (2.6, when DUMP
 * appeared) to 15 (8.10), Valkey 80 and 81;</li>
 * <li>the value's type must exist in that version: a payload that claims RDB 11 cannot hold a
 * hash with field TTLs (type 24, RDB 12), and a server of version 11 refuses it.</li>
 * </ul>
 */
public final class DumpFooter {
    public static final int SIZE = 10;
    /** The first RDB version a server wrote DUMP payloads with (Redis 2.6). */
    static final int FIRST_DUMP_VERSION = 6;
    /** The newest Redis RDB version known (Redis 8.10). */
    static final int LAST_REDIS_VERSION = 15;

    private final int version;
    private final long storedChecksum;
    private final long computedChecksum;

    private DumpFooter(int version, long stored, long computed) {
        this.version = version;
        this.storedChecksum = stored;
        this.computedChecksum = computed;
    }

    /**
     * Completes a DUMP payload: {@code body} holds the type byte and value in its first
     * {@code length} bytes; returns exactly those bytes followed by the RDB version (2 bytes, little
     * endian) and the CRC64 of everything before the checksum, as a server's DUMP writes them.
     */
    public static byte[] seal(byte[] body, int length, int version) {
        byte[] payload = body.length == length + SIZE ? body : java.util.Arrays.copyOf(body, length + SIZE);
        payload[length] = (byte) version;
        payload[length + 1] = (byte) (version >>> 8);
        long crc = Crc64.of(payload, 0, length + 2);
        for (int i = 0; i < 8; i++) payload[length + 2 + i] = (byte) (crc >>> (8 * i));
        return payload;
    }

    /** Reads and verifies the footer of {@code payload}. */
    public static DumpFooter of(byte[] payload, String source) throws RdbFormatException {
        if (payload.length < SIZE + 1) {
            throw new RdbFormatException(TRUNCATED, source, 0, -1, null,
                    "DUMP payload of " + payload.length + " bytes is shorter than a type byte and the 10-byte footer");
        }
        int end = payload.length - SIZE;
        int ver = (payload[end] & 0xff) | (payload[end + 1] & 0xff) << 8;
        long stored = 0;
        for (int i = 7; i >= 0; i--) stored = stored << 8 | (payload[end + 2 + i] & 0xffL);
        long computed = Crc64.of(payload, 0, payload.length - 8);
        if (stored != computed) {
            String why = stored == 0
                    ? "DUMP payload has no CRC64 (all zero bytes, computed " + Long.toHexString(computed)
                            + "): every producer writes one and every server refuses a payload without it"
                    : "DUMP payload CRC64 is " + Long.toHexString(stored) + ", computed " + Long.toHexString(computed);
            throw new RdbFormatException(CHECKSUM_MISMATCH, source, payload.length - 8, -1, null, why + " (" + claim(ver) + ")");
        }
        if (producers(ver) == null) {
            throw new RdbFormatException(BAD_HEADER, source, end, -1, null,
                    "DUMP payload claims RDB version " + ver + ", which no server writes DUMP payloads with (Redis "
                            + FIRST_DUMP_VERSION + " to " + LAST_REDIS_VERSION + ", Valkey 80 and 81)");
        }
        int type = payload[0] & 0xff;
        RdbEncoding enc = RdbEncoding.of(type, RdbFlavor.ofDumpVersion(ver));
        if (enc != null && !carries(enc, ver)) {
            throw new RdbFormatException(BAD_HEADER, source, 0, -1, null, "value type " + type + " (" + enc.type().wireName() + " "
                    + enc.label() + ") does not exist in the RDB version the payload claims (" + claim(ver) + ")");
        }
        return new DumpFooter(ver, stored, computed);
    }

    /** The RDB version the payload claims. */
    public int version() {
        return version;
    }

    public long storedChecksum() {
        return storedChecksum;
    }

    public long computedChecksum() {
        return computedChecksum;
    }

    /** Which servers write DUMP payloads of this version, e.g. "Redis 7.4 to 8.4"; null when none do. */
    public static String producers(int version) {
        return switch (version) {
            case 6 -> "Redis 2.6 to 3.0";
            case 7 -> "Redis 3.2";
            case 8 -> "Redis 4.0";
            case 9 -> "Redis 5.0 to 6.2, KeyDB 6";
            case 10 -> "Redis 7.0";
            case 11 -> "Redis 7.2, Valkey 7.2 to 8.1";
            case 12 -> "Redis 7.4 to 8.4";
            case 13 -> "Redis 8.6";
            case 14 -> "Redis 8.8";
            case 15 -> "Redis 8.10";
            case 80 -> "Valkey 9.0";
            case 81 -> "Valkey 9.2";
            default -> null;
        };
    }

    /** "RDB version 12 (Redis 7.4 to 8.4)": which version a payload claims, and whose it is. */
    public static String claim(int version) {
        String p = producers(version);
        return "RDB version " + version + (p == null ? ", which no server writes" : " (" + p + ")");
    }

    /** Whether a payload of RDB {@code version} can hold a value of this encoding (the type existed by then). */
    static boolean carries(RdbEncoding enc, int version) {
        // Valkey 9 numbering: its own hash with field TTLs, and the types Redis and Valkey share (up to 21).
        if (version >= 80) return enc == RdbEncoding.HASH_2 || enc.rdbType() <= 21;
        int since = switch (enc.rdbType()) {
            case 5, 6, 7 -> 8;
            case 14 -> 7;
            case 15 -> 9;
            case 16, 17, 18, 19 -> 10;
            case 20, 21 -> 11;
            case 22, 23, 24, 25 -> 12;
            default -> 1;
        };
        return version >= since;
    }
}
