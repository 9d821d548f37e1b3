package dev.salvor.rdb;

/** Outcome of the CRC64 trailer check. */
public enum ChecksumStatus {
    /** Stored and computed checksums agree. */
    OK,
    /** They differ: the file was damaged somewhere (the parse still went on). */
    MISMATCH,
    /** The writer had rdbchecksum off (stored value 0). */
    DISABLED,
    /** RDB version 4 and older carry no checksum. */
    ABSENT,
    /** The reader did not reach the trailer. */
    NOT_REACHED,
    /** The reader started in the middle of the file (salvage), so the checksum cannot be compared. */
    UNVERIFIABLE;

    /** The verdict on a trailer: {@code stored} as read after the EOF opcode, {@code computed} over every byte before it. */
    public static ChecksumStatus of(int version, long stored, long computed) {
        if (version < 5) return ABSENT;
        if (stored == 0) return DISABLED;
        return stored == computed ? OK : MISMATCH;
    }
}
