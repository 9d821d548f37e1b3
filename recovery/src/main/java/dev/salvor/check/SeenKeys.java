package dev.salvor.check;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys of a file as 64-bit fingerprints of (database, key), 8 bytes a key, to find a key
 * written twice in one database, which the server refuses to load ("Duplicated key found in RDB
 * file"). A fingerprint seen before makes the key a suspect; suspects are confirmed byte for byte
 * by {@link RdbChecker} where the file can be read again, so a fingerprint collision never shows
 * as a duplicate there.
 */
final class SeenKeys {
    /** A key whose fingerprint was seen before, where it was read. */
    record Suspect(int db, byte[] key, long offset) {
    }

    /** Suspects kept at most; more are counted (a file where thousands of keys repeat is damaged anyway). */
    static final int MAX_SUSPECTS = 10_000;

    private long[] slots = new long[1 << 12];
    private int size;
    private final List<Suspect> suspects = new ArrayList<>();
    private long suspectsOmitted;

    static long fingerprint(int db, byte[] key) {
        long h = 0x9e3779b97f4a7c15L ^ db;
        for (byte b : key) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h; // 0 marks an empty slot
    }

    /** Records a key read at {@code offset}; a repeated fingerprint makes it a suspect. */
    void add(int db, byte[] key, long offset) {
        long h = fingerprint(db, key);
        if (2 * (size + 1) > slots.length) grow();
        int mask = slots.length - 1;
        int i = (int) (h ^ (h >>> 32)) & mask;
        while (slots[i] != 0) {
            if (slots[i] == h) {
                if (suspects.size() < MAX_SUSPECTS) suspects.add(new Suspect(db, key, offset));
                else suspectsOmitted++;
                return;
            }
            i = (i + 1) & mask;
        }
        slots[i] = h;
        size++;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        int mask = slots.length - 1;
        for (long h : old) {
            if (h == 0) continue;
            int i = (int) (h ^ (h >>> 32)) & mask;
            while (slots[i] != 0) i = (i + 1) & mask;
            slots[i] = h;
        }
    }

    List<Suspect> suspects() {
        return suspects;
    }

    long suspectsOmitted() {
        return suspectsOmitted;
    }
}
