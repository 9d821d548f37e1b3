package dev.salvor.memory;

/**
 * The bucket count of a dict as the load path leaves it: presized for a known length, or grown
 * by doubling while entries are added, in which case the last doubling may still be in progress
 * (both tables allocated and counted) when the value is measured. A rehash moves one non-empty
 * bucket per add, so it ends after about as many adds as the old table had non-empty buckets;
 * that count is taken at its expected value, the hash function being seeded at random.
 */
final class DictSim {
    private long size0;
    private long size1;
    private long used;
    private double bucketsLeft;

    /** dictExpand/dictTryExpand: on an empty dict sets the size, on a filled one starts a rehash. */
    void expand(long n) {
        long target = MemoryModel.buckets(Math.max(n, 1));
        if (size1 > 0 || used > n) return;
        if (size0 == 0 || used == 0) {
            size0 = target;
            return;
        }
        if (target == size0) return;
        size1 = target;
        bucketsLeft = MemoryModel.occupied(used, size0);
    }

    /** dictAdd: a rehash step if one is in progress, then growth when full. */
    void add() {
        if (size1 > 0) {
            bucketsLeft -= 1;
            if (bucketsLeft <= 0) {
                size0 = size1;
                size1 = 0;
            }
        } else if (size0 == 0) {
            size0 = 4;
        } else if (used >= size0) {
            size1 = MemoryModel.buckets(used + 1);
            bucketsLeft = MemoryModel.occupied(used, size0);
        }
        used++;
    }

    void add(long n) {
        // Adds past the point where the table holds them all without a rehash are skipped in bulk.
        for (long i = 0; i < n; i++) {
            if (size1 == 0 && size0 > 0 && used + (n - i) <= size0) {
                used += n - i;
                return;
            }
            add();
        }
    }

    /** Buckets counted by dictSlots/dictBuckets: both tables while rehashing. */
    long buckets() {
        return size0 + size1;
    }
}
