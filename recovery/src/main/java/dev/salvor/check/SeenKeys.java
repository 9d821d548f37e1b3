package dev.salvor.check;

import dev.salvor.salvage.KeyLedger;

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
    static final int MAX_SUSPECTS = DuplicateKeys.MAX_SUSPECTS;

    private final KeyLedger fingerprints = new KeyLedger();
    private final List<Suspect> suspects = new ArrayList<>();
    private long suspectsOmitted;

    /** Records a key read at {@code offset}; a repeated fingerprint makes it a suspect. */
    void add(int db, byte[] key, long offset) {
        if (fingerprints.add(db, key)) return;
        if (suspects.size() < MAX_SUSPECTS) suspects.add(new Suspect(db, key, offset));
        else suspectsOmitted++;
    }

    List<Suspect> suspects() {
        return suspects;
    }

    long suspectsOmitted() {
        return suspectsOmitted;
    }
}
