package dev.salvor.memory;

/**
 * What an allocator really hands out for a request: Redis counts memory with the allocator's own
 * usable size ({@code zmalloc_size}), so every estimate goes through one of these.
 */
public enum Allocator {
    /**
     * jemalloc 5 (Redis's default build on Linux, and Debian's redis-server): size classes of
     * 8 and 16, then multiples of 16 up to 128, then four classes per doubling.
     */
    JEMALLOC("jemalloc") {
        @Override
        public long usable(long request) {
            if (request <= 8) return 8;
            if (request <= 128) return (request + 15) & ~15L;
            int lg = 63 - Long.numberOfLeadingZeros(request - 1); // 2^lg < request <= 2^(lg+1)
            long delta = 1L << (lg - 2);
            return (request + delta - 1) & -delta;
        }
    },
    /**
     * glibc malloc ({@code make MALLOC=libc}, as the servers in ../shared/servers were built):
     * 16-byte chunks with an 8-byte header, at least 32 bytes a chunk; requests from the mmap
     * threshold (128 KiB) up get whole pages with a 16-byte header.
     */
    LIBC("libc") {
        private static final long MMAP_THRESHOLD = 128 * 1024;
        private static final long PAGE = 4096;

        @Override
        public long usable(long request) {
            long chunk = Math.max(32, (request + 8 + 15) & ~15L);
            if (request >= MMAP_THRESHOLD) {
                long mapped = (chunk + 8 + PAGE - 1) & -PAGE;
                return mapped - 16;
            }
            return chunk - 8;
        }
    };

    private final String label;

    Allocator(String label) {
        this.label = label;
    }

    /** Bytes the allocator reserves for a request of {@code request} bytes (its usable size). */
    public abstract long usable(long request);

    /** As Redis's INFO names it ({@code mem_allocator}), without the version. */
    public String label() {
        return label;
    }

    /** jemalloc or libc (as {@code mem_allocator} names them, a version suffix is ignored). */
    public static Allocator of(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        if (n.startsWith("jemalloc")) return JEMALLOC;
        if (n.startsWith("libc") || n.equals("glibc")) return LIBC;
        throw new IllegalArgumentException("unknown allocator '" + name + "' (expected jemalloc or libc)");
    }
}
