package dev.salvor.salvage;

import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbFlavor;

import java.util.List;

/**
 * What a salvage run found and kept.
 *
 * @param headerDamaged   the 9-byte header was unreadable; version and flavor were inferred
 * @param keysRecovered   keys read whole (partial keys are not among them)
 * @param keysPartial     keys cut by damage of which the intact leading elements were kept
 * @param keysLost        keys known lost by name (their name was readable, their value was not);
 *                        {@link Losses#atLeast()} is the lower bound of all losses
 * @param lostKeys        names of the keys known lost, as far as readable (capped)
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
 * @param losses          every bound on what was lost that the file supports
 */
public record SalvageReport(String source, long sizeBytes, int version, RdbFlavor flavor, boolean headerDamaged,
                            long keysRecovered, long keysPartial, long keysLost, List<byte[]> lostKeys,
                            List<byte[]> partialKeys, List<CorruptRegion> regions, ChecksumStatus checksum,
                            boolean reachedEof, List<byte[]> expiryUnknownKeys, List<AssumedDb> assumedDbs,
                            List<byte[]> doubtfulKeys, List<byte[]> unverifiedKeys, Losses losses) {
    /** Keys read from {@code from} to {@code to} were put in database {@code db} without a SELECTDB to say so. */
    public record AssumedDb(long from, long to, int db, long keys) {
    }

    /**
     * What is known of the losses.
     *
     * @param named          keys known lost by name (= {@link SalvageReport#keysLost()})
     * @param atLeast        the fewest keys that can have been lost entirely: the named ones, or
     *                       more where a database's own key count (RESIZEDB) says so; partial keys
     *                       are not counted here
     * @param databases      per database seen: its announced counts against what was recovered
     * @param fileEndsAt     the size of a file that ends before its EOF record (nothing is known of
     *                       what followed), or -1 when the EOF record was read
     * @param seenInDamage   key names still readable inside skipped bytes, not recovered: probably
     *                       lost keys, but not proof (a misaligned read or a collection's elements
     *                       can look like a key); capped
     * @param seenLimited    a region was too large to be looked through whole for names
     * @param aux            aux fields: names recovered, and names readable in damaged bytes
     * @param functions      function libraries: names recovered, and names readable in damaged bytes
     * @param startLostTo    the end of a damaged region at the start of the file, where aux fields
     *                       and functions are written, when none of them could be read; else -1
     */
    public record Losses(long named, long atLeast, List<DbCount> databases, long fileEndsAt, List<SeenKey> seenInDamage,
                         boolean seenLimited, Names aux, Names functions, long startLostTo) {
        /** Keys lost beyond the named ones, at least. */
        public long unnamedAtLeast() {
            return atLeast - named;
        }

        /** True when the file was cut before its end record: losses past it cannot be bounded. */
        public boolean truncated() {
            return fileEndsAt >= 0;
        }

        /** Databases whose losses the file cannot bound (their RESIZEDB was not read). */
        public List<Integer> unannounced() {
            return databases.stream().filter(d -> !d.announced()).map(DbCount::db).toList();
        }
    }

    /**
     * One database's counts.
     *
     * @param announcedKeys      keys its RESIZEDB announced (-1 when none was read)
     * @param announcedExpires   expiring keys its RESIZEDB announced (-1 when none was read)
     * @param recovered          keys recovered whole in it
     * @param recoveredExpiring  of those, keys with an expiry
     * @param partial            keys kept partially in it
     * @param namedLost          keys known lost by name in it
     * @param expiryUnknown      keys recovered in it whose expiry may have been lost
     * @param lostAtLeast        keys lost entirely in it, at least (announced minus recovered and
     *                           partial, or the named ones if more)
     * @param expiringLostAtLeast expiring keys lost, at least, or -1 where the file cannot say (no
     *                           RESIZEDB, or RDB 7, whose servers skipped expired keys when saving)
     * @param onlyNonExpiring    the bound counts keys without expiry only (RDB 7: a Redis 3.2 server
     *                           left out keys that had expired, so its expiring count is an upper one)
     */
    public record DbCount(int db, long announcedKeys, long announcedExpires, long recovered, long recoveredExpiring,
                          long partial, long namedLost, long expiryUnknown, long lostAtLeast, long expiringLostAtLeast,
                          boolean onlyNonExpiring) {
        public boolean announced() {
            return announcedKeys >= 0;
        }
    }

    /** A key name read inside damaged bytes (database as in effect there; offset of its record). */
    public record SeenKey(int db, byte[] key, long offset) {
    }

    /** Names of records of one kind: read intact, and readable inside damaged bytes. */
    public record Names(List<String> recovered, List<String> seenInDamage) {
    }

    /** Total bytes in damaged regions. */
    public long bytesDamaged() {
        return regions.stream().mapToLong(CorruptRegion::length).sum();
    }

    /** Not one record was read: no key, aux field or function (a salvaged file would be empty). */
    public boolean foundNothing() {
        return keysRecovered == 0 && keysPartial == 0 && losses.aux().recovered().isEmpty() && losses.functions().recovered().isEmpty()
                && !reachedEof;
    }

    public boolean clean() {
        return regions.isEmpty() && checksum != ChecksumStatus.MISMATCH && reachedEof;
    }
}
