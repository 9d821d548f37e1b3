package dev.salvor.salvage;

/**
 * The keys already read from a file, as 64-bit hashes in an open-addressing table (8 bytes a
 * key), so resynchronisation can refuse a candidate that would repeat a key. A hash collision can
 * only make a candidate look like a repeat: it costs recall, never precision.
 */
public final class KeyLedger {
    /** A key of one database. */
    public record KeyId(long hash) {
        public static KeyId of(int db, byte[] key) {
            return new KeyId(KeyLedger.hash(db, key));
        }
    }

    private long[] slots = new long[1 << 12];
    private int size;

    /** The 64-bit hash of a key of one database (never 0), as the ledger keeps it. */
    public static long hash(int db, byte[] key) {
        // The database goes in as four bytes of its own: XORed into the first key byte's place,
        // (0, "a") and (3, "b") hashed alike and read as one key written twice.
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < 4; i++) {
            h ^= (db >>> (8 * i)) & 0xff;
            h *= 0x100000001b3L;
        }
        for (byte b : key) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == 0 ? 1 : h; // 0 marks an empty slot
    }

    /** Records a key; false when it (or a key of the same hash) was recorded before. */
    public boolean add(KeyId id) {
        return add(id.hash());
    }

    /** As {@link #add(KeyId)}, without an object per key (a check notes millions). */
    public boolean add(int db, byte[] key) {
        return add(hash(db, key));
    }

    private boolean add(long h) {
        if (size * 2 >= slots.length) grow();
        return insert(slots, h);
    }

    private boolean insert(long[] table, long h) {
        int mask = table.length - 1;
        int i = (int) h & mask;
        while (table[i] != 0) {
            if (table[i] == h) return false;
            i = (i + 1) & mask;
        }
        table[i] = h;
        if (table == slots) size++;
        return true;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        for (long h : old) {
            if (h != 0) insert(slots, h);
        }
    }

    boolean contains(KeyId id) {
        long h = id.hash();
        int mask = slots.length - 1;
        int i = (int) h & mask;
        while (slots[i] != 0) {
            if (slots[i] == h) return true;
            i = (i + 1) & mask;
        }
        return false;
    }

    /** Forgets a key (one that was read, then found to be damage). */
    void remove(KeyId id) {
        long h = id.hash();
        int mask = slots.length - 1;
        int i = (int) h & mask;
        while (slots[i] != h) {
            if (slots[i] == 0) return;
            i = (i + 1) & mask;
        }
        // Backward-shift deletion keeps every other key reachable from its home slot.
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (slots[j] == 0) break;
            int home = (int) slots[j] & mask;
            boolean stays = i <= j ? i < home && home <= j : i < home || home <= j;
            if (stays) continue;
            slots[i] = slots[j];
            i = j;
        }
        slots[i] = 0;
        size--;
    }

    int size() {
        return size;
    }
}
