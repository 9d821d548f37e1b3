package dev.salvor.memory;

/**
 * One server's memory accounting: its family's structures, its allocator and its encoding
 * thresholds. Two sums come out of it for each key: what {@code MEMORY USAGE key SAMPLES 0} says
 * (the server's own per-key accounting), and what the key adds to {@code used_memory_dataset}
 * (real allocations, less the per-key constants the server books as overhead).
 */
public record MemoryModel(ServerFamily family, Allocator allocator, ServerConfig config) {
    /** Expected usable size of a skiplist node by level (levels are random, p = 1/4). */
    private static final double[] LEVEL_P = levelProbabilities();

    public MemoryModel {
        java.util.Objects.requireNonNull(family);
        java.util.Objects.requireNonNull(allocator);
        java.util.Objects.requireNonNull(config);
    }

    public static MemoryModel of(ServerFamily family, Allocator allocator) {
        return new MemoryModel(family, allocator, ServerConfig.DEFAULTS);
    }

    /** "redis-7.4 (jemalloc)". */
    public String describe() {
        return family.label() + " (" + allocator.label() + ")";
    }

    long u(long n) {
        return allocator.usable(n);
    }

    /** Usable size of an sds string of {@code len} bytes created by sdsnewlen. */
    long sds(long len) {
        return u(family.sdsHeader(len) + len + 1);
    }

    /** Usable size of a 7.4+ hash field (mstr), with TTL metadata or without. */
    long hashField(long len, boolean ttl) {
        return u((ttl ? ServerFamily.HFIELD_TTL_META : 0) + ServerFamily.mstrHeader(len) + len + 1);
    }

    /** Buckets of a dict presized for {@code n} entries (or grown to hold them). */
    static long buckets(long n) {
        if (n <= 0) return 0;
        long b = 4;
        while (b < n) b <<= 1;
        return b;
    }

    /** Expected non-empty buckets when {@code n} keys hash into {@code b} buckets. */
    static double occupied(long n, long b) {
        if (b == 0) return 0;
        return b * -Math.expm1(n * Math.log1p(-1.0 / b));
    }

    /** Expected usable size of one skiplist node (24 bytes plus 16 a level, levels random with p = 1/4). */
    double skiplistNode() {
        double e = 0;
        for (int l = 1; l <= ServerFamily.ZSKIPLIST_MAXLEVEL; l++) {
            e += LEVEL_P[l] * u(ServerFamily.ZSKIPLIST_NODE + (long) ServerFamily.ZSKIPLIST_LEVEL * l);
        }
        return e;
    }

    long skiplistHeader() {
        return u(ServerFamily.ZSKIPLIST_NODE + (long) ServerFamily.ZSKIPLIST_LEVEL * ServerFamily.ZSKIPLIST_MAXLEVEL);
    }

    private static double[] levelProbabilities() {
        double[] p = new double[ServerFamily.ZSKIPLIST_MAXLEVEL + 1];
        double rest = 1;
        for (int l = 1; l < ServerFamily.ZSKIPLIST_MAXLEVEL; l++) {
            p[l] = rest * 0.75;
            rest -= p[l];
        }
        p[ServerFamily.ZSKIPLIST_MAXLEVEL] = rest;
        return p;
    }
}
