package dev.salvor.diff;

import java.util.Locale;

/**
 * A sample of the keys chosen by a hash of database and whole key name, so both sides of an audit
 * pick the same keys. The hash is a well-mixed 64-bit one (MurmurHash3's block mixing and
 * finaliser, a published construction), so that names made of similar parts ({@code key:1},
 * {@code key:2}, ...) are sampled at the asked share, as independent draws would be.
 */
public final class KeySample {
    private static final long C1 = 0x87c37b91114253d5L;
    private static final long C2 = 0x4cf5ad432745937fL;

    private final double fraction;
    /** A key is in the sample when its hash, read as an unsigned 64-bit number, is below this. */
    private final long threshold;

    public KeySample(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("a sample fraction must be in (0, 1], not " + fraction);
        this.fraction = fraction;
        // fraction * 2^64, as an unsigned number (1.0 takes every key).
        this.threshold = fraction >= 1 ? -1L : (long) (fraction * 0x1p63) << 1;
    }

    public double fraction() {
        return fraction;
    }

    public boolean contains(int db, byte[] key) {
        return fraction >= 1 || Long.compareUnsigned(hash(db, key), threshold) < 0;
    }

    /** A 64-bit hash of the database number and every byte of the key. */
    static long hash(int db, byte[] key) {
        long h = 0x9e3779b97f4a7c15L ^ db;
        int i = 0;
        for (; i + 8 <= key.length; i += 8) {
            long k = 0;
            for (int b = 7; b >= 0; b--) k = k << 8 | (key[i + b] & 0xffL);
            h ^= mixK(k);
            h = Long.rotateLeft(h, 27) * 5 + 0x52dce729;
        }
        long k = 0;
        for (int b = key.length - 1; b >= i; b--) k = k << 8 | (key[b] & 0xffL);
        h ^= mixK(k);
        h ^= key.length;
        return fmix(h);
    }

    private static long mixK(long k) {
        k *= C1;
        k = Long.rotateLeft(k, 31);
        return k * C2;
    }

    private static long fmix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    /**
     * The smallest share of differing keys that a sample of {@code sampled} keys would have shown
     * with 99% probability: a share p goes unseen with probability (1 - p)^n.
     */
    public static double detectableShare(long sampled) {
        return sampled <= 0 ? 1 : 1 - Math.pow(0.01, 1.0 / sampled);
    }

    /** What a sample proves, from the counts actually seen (never from the fraction asked for). */
    public static String statement(long sampled, long total) {
        double share = total == 0 ? 0 : 100.0 * sampled / total;
        return String.format(Locale.ROOT, "sampled %,d of %,d backup keys (%.1f%%): a difference affecting more than %.3f%% of keys would have shown with 99%% probability",
                sampled, total, share, detectableShare(sampled) * 100);
    }
}
