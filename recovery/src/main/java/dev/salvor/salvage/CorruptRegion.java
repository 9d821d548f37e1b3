package dev.salvor.salvage;

/**
 * A byte range of an RDB file that could not be read as intact records.
 *
 * @param start         first damaged byte (the start of the record that failed)
 * @param end           first byte of the next intact record (or the file size)
 * @param reason        why the record at {@code start} failed (see RdbFormatException.Reason#text)
 * @param detail        what was expected versus found, and where
 * @param errorOffset   where the reader detected the problem
 * @param lastGoodKey   the last key read intact before the region, or null
 * @param firstGoodKey  the first key read intact after it, or null
 * @param lostKey       the key whose record the damage hit, when its name was readable, else null
 * @param db            the database in effect where the region begins, or -1 when not known
 * @param truncation    true when the region runs to the end of the file (a cut-off tail)
 */
public record CorruptRegion(long start, long end, String reason, String detail, long errorOffset,
                            byte[] lastGoodKey, byte[] firstGoodKey, byte[] lostKey, int db, boolean truncation) {
    public long length() {
        return end - start;
    }
}
