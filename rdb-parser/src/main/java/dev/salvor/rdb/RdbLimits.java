package dev.salvor.rdb;

/**
 * Bounds checked before anything is allocated from a length read out of the file, so a hostile
 * or damaged length fails as a {@link RdbFormatException} instead of an OutOfMemoryError.
 */
public record RdbLimits(int maxStringLength, int maxKeyLength, int windowSize) {
    /** Redis's own proto-max-bulk-len default is 512 MB; keys are rarely more than a few KB. */
    public static final RdbLimits DEFAULT = new RdbLimits(512 << 20, 512 << 20, 256 << 10);

    public RdbLimits {
        if (maxStringLength <= 0 || maxKeyLength <= 0 || windowSize < 4096) throw new IllegalArgumentException("limits must be positive and the window at least 4 KiB");
    }
}
