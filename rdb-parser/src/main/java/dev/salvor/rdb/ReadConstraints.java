package dev.salvor.rdb;

/**
 * Every bound a reader checks before it allocates from a number read out of the input, in one
 * place (as Jackson's {@code StreamReadConstraints}): a hostile or damaged length fails as a
 * located format error instead of an OutOfMemoryError, and a user who expects larger values can
 * raise the bound.
 *
 * <p>Nothing is allocated from a declared length beyond what these bounds allow or what the bytes
 * actually present justify: a string longer than the input's remaining bytes fails before its
 * buffer exists, LZF output grows only as it is produced, and counts of fields or elements only
 * bound loops, never the size of an array made before the elements are read.
 */
public final class ReadConstraints {
    /** Redis's own proto-max-bulk-len default. */
    public static final int DEFAULT_MAX_STRING_SIZE = 512 << 20;
    /** Keys are strings too; Redis bounds them by the same setting. */
    public static final int DEFAULT_MAX_KEY_SIZE = 512 << 20;
    public static final long DEFAULT_MAX_ELEMENTS = Long.MAX_VALUE;
    /** A stream entry's fields (each takes at least four bytes of its node, so the node's size bounds it too). */
    public static final int DEFAULT_MAX_FIELDS = Integer.MAX_VALUE;
    public static final int DEFAULT_WINDOW_SIZE = 256 << 10;
    /** More arguments than this in one AOF command is not something Redis writes. */
    public static final int DEFAULT_MAX_ARGC = 1 << 24;

    /** The built-in bounds. */
    public static final ReadConstraints DEFAULT = builder().build();

    private static volatile ReadConstraints defaults = DEFAULT;

    private final int maxStringSize;
    private final int maxKeySize;
    private final long maxElements;
    private final int maxFields;
    private final int windowSize;
    private final int maxArgc;

    private ReadConstraints(Builder b) {
        this.maxStringSize = b.maxStringSize;
        this.maxKeySize = b.maxKeySize;
        this.maxElements = b.maxElements;
        this.maxFields = b.maxFields;
        this.windowSize = b.windowSize;
        this.maxArgc = b.maxArgc;
    }

    /**
     * The bounds readers use when none are given: {@link #DEFAULT} unless an application set
     * others with {@link #overrideDefaults} (as the command line does for its options).
     */
    public static ReadConstraints defaults() {
        return defaults;
    }

    /** Sets the bounds readers use when none are given; null restores {@link #DEFAULT}. */
    public static void overrideDefaults(ReadConstraints constraints) {
        defaults = constraints == null ? DEFAULT : constraints;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these values. */
    public Builder rebuild() {
        Builder b = new Builder();
        b.maxStringSize = maxStringSize;
        b.maxKeySize = maxKeySize;
        b.maxElements = maxElements;
        b.maxFields = maxFields;
        b.windowSize = windowSize;
        b.maxArgc = maxArgc;
        return b;
    }

    /** Longest string value, element, AUX value or AOF bulk argument, in bytes (after LZF decompression). */
    public int maxStringSize() {
        return maxStringSize;
    }

    /** Longest key name, AUX key, consumer group or consumer name, in bytes. */
    public int maxKeySize() {
        return maxKeySize;
    }

    /** Most elements (or nodes, pending entries, consumers, groups) one value may declare. */
    public long maxElements() {
        return maxElements;
    }

    /** Most fields one stream entry may declare. */
    public int maxFields() {
        return maxFields;
    }

    /**
     * Bytes the reader's window holds normally; string values longer than this come out in
     * chunks of about this size rather than growing the window.
     */
    public int windowSize() {
        return windowSize;
    }

    /** Most arguments one AOF command may declare. */
    public int maxArgc() {
        return maxArgc;
    }

    @Override
    public String toString() {
        return "ReadConstraints[maxStringSize=" + maxStringSize + ", maxKeySize=" + maxKeySize + ", maxElements=" + maxElements
                + ", maxFields=" + maxFields + ", windowSize=" + windowSize + ", maxArgc=" + maxArgc + "]";
    }

    public static final class Builder {
        private int maxStringSize = DEFAULT_MAX_STRING_SIZE;
        private int maxKeySize = DEFAULT_MAX_KEY_SIZE;
        private long maxElements = DEFAULT_MAX_ELEMENTS;
        private int maxFields = DEFAULT_MAX_FIELDS;
        private int windowSize = DEFAULT_WINDOW_SIZE;
        private int maxArgc = DEFAULT_MAX_ARGC;

        private Builder() {
        }

        public Builder maxStringSize(int bytes) {
            this.maxStringSize = positive(bytes, "maxStringSize");
            return this;
        }

        public Builder maxKeySize(int bytes) {
            this.maxKeySize = positive(bytes, "maxKeySize");
            return this;
        }

        public Builder maxElements(long n) {
            if (n <= 0) throw new IllegalArgumentException("maxElements must be positive, not " + n);
            this.maxElements = n;
            return this;
        }

        public Builder maxFields(int n) {
            this.maxFields = positive(n, "maxFields");
            return this;
        }

        public Builder windowSize(int bytes) {
            if (bytes < 4096) throw new IllegalArgumentException("the window must hold at least 4 KiB, not " + bytes);
            this.windowSize = bytes;
            return this;
        }

        public Builder maxArgc(int n) {
            this.maxArgc = positive(n, "maxArgc");
            return this;
        }

        private static int positive(int v, String name) {
            if (v <= 0) throw new IllegalArgumentException(name + " must be positive, not " + v);
            return v;
        }

        public ReadConstraints build() {
            return new ReadConstraints(this);
        }
    }
}
