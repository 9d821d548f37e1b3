package dev.salvor.salvage;

import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbReader;

import java.io.IOException;

/**
 * What a full check of the same input (every value decoded with every rule, on several threads)
 * proved, so that a salvage run after it does not decode again what was proven.
 *
 * @param clean           the whole file is proven: its framing holds up to the EOF record with
 *                        nothing after the checksum, every value is valid, no key's fingerprint
 *                        repeats and the checksum does not mismatch
 * @param validBefore     every record that ends at or before this offset decoded without error
 *                        and repeats no key read before it ({@link Long#MAX_VALUE} when no problem
 *                        that stops a salvage read was found)
 * @param checksum        the check's verdict on the trailer ({@link ChecksumStatus#NOT_REACHED}
 *                        when its walk stopped before it)
 * @param trailerMatches  the file ends with the EOF record and a stored CRC64 that matches every
 *                        byte before it
 */
public record CheckProof(boolean clean, long validBefore, ChecksumStatus checksum, boolean trailerMatches) {
    /** Nothing proven: salvage reads and decodes every record itself. */
    public static final CheckProof NONE = new CheckProof(false, -1, ChecksumStatus.NOT_REACHED, false);

    /**
     * Proves the records from an offset to the end as a full check does: where a salvage scan
     * reads on after a damaged region, so that what follows the damage is not decoded again
     * either. Its {@link CheckProof#validBefore()} counts for the records read from {@code offset}.
     */
    @FunctionalInterface
    public interface Prover {
        /** Nothing is proven: every record after damage is decoded by the scan. */
        Prover NONE = (offset, context) -> CheckProof.NONE;

        CheckProof proveFrom(long offset, RdbReader.Context context) throws IOException;
    }
}
