package dev.salvor.salvage;

import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbFlavor;

import java.util.List;

/**
 * What a salvage run found and kept.
 *
 * @param headerDamaged   the 9-byte header was unreadable; version and flavor were inferred
 * @param keysRecovered   keys read whole
 * @param keysPartial     keys cut by damage of which the intact leading elements were kept
 * @param keysLost        keys known to be lost (their name was readable, their value was not)
 * @param lostKeys        names of lost or partial keys, as far as readable (capped)
 * @param assumedDbs      stretches read after damage whose database is the one in effect before it:
 *                        a SELECTDB among the damaged bytes would put their keys in a later one
 * @param doubtfulKeys    names of readable records right after damage that were not trusted: bare
 *                        records that could as well be the elements of a collection whose header
 *                        the damage destroyed (their bytes are in the quarantine; capped)
 * @param unverifiedKeys  keys shortly before a region whose value ends in unchecked bytes: kept,
 *                        but a wrong length there may have taken bytes that were not their own
 * @param expiryUnknownKeys keys recovered right after a damaged region without an expiry of their
 *                        own: an expiry prefix may have been among the damaged bytes (capped)
 * @param checksum        the file's own CRC64 status (UNVERIFIABLE once a resynchronisation happened)
 */
public record SalvageReport(String source, long sizeBytes, int version, RdbFlavor flavor, boolean headerDamaged,
                            long keysRecovered, long keysPartial, long keysLost, List<byte[]> lostKeys,
                            List<byte[]> partialKeys, List<CorruptRegion> regions, ChecksumStatus checksum,
                            boolean reachedEof, List<byte[]> expiryUnknownKeys, List<AssumedDb> assumedDbs,
                            List<byte[]> doubtfulKeys, List<byte[]> unverifiedKeys) {
    /** Keys read from {@code from} to {@code to} were put in database {@code db} without a SELECTDB to say so. */
    public record AssumedDb(long from, long to, int db, long keys) {
    }

    /** Total bytes in damaged regions. */
    public long bytesDamaged() {
        return regions.stream().mapToLong(CorruptRegion::length).sum();
    }

    public boolean clean() {
        return regions.isEmpty() && checksum != ChecksumStatus.MISMATCH && reachedEof;
    }
}
