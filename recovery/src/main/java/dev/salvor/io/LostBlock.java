package dev.salvor.io;

/**
 * A damaged block of a compressed input that salvage read past: its compressed bytes were not
 * decompressed, so the decompressed stream lacks what it held, at one point.
 *
 * @param decompressedAt  where in the decompressed stream the block's bytes are missing (a cut:
 *                        the bytes before it and after it are each intact, but not contiguous)
 * @param compressedStart the block's first byte, counted in the compressed stream (the file itself
 *                        when the compression is the outermost layer)
 * @param compressedEnd   where the next intact block starts, or the end of the stream when none does
 * @param bytes           the damaged compressed bytes, as read, for the quarantine: the first 64 MiB of them at
 *                        most (so that a file damaged from early on cannot exhaust the heap)
 * @param toEnd           no intact block follows: the stream's tail is lost
 * @param why             what was wrong with the block (checksum mismatch, impossible size ...)
 */
public record LostBlock(long decompressedAt, long compressedStart, long compressedEnd, byte[] bytes, boolean toEnd, String why) {
}
