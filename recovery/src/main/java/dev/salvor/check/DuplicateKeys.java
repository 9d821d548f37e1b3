package dev.salvor.check;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keys written twice in one database, which the server refuses to load ("Duplicated key found in
 * RDB file"), told from keys that only share a hash by their bytes, read again from the file.
 */
final class DuplicateKeys {
    /** Suspects compared at most; more are counted (a file where thousands of keys repeat is damaged anyway). */
    static final int MAX_SUSPECTS = 10_000;

    /** A key read again from the file: its database, its bytes, where its record starts, its 64-bit hash. */
    record Occurrence(int db, byte[] key, long offset, long hash) {
    }

    private DuplicateKeys() {
    }

    /**
     * The problems among {@code found}: the keys read again, in file order, with every key of the
     * file that shares a hash with one of them. A key whose hash was read before is a suspect (the
     * first {@link #MAX_SUSPECTS} are compared); a suspect whose database and bytes equal an
     * earlier key's is reported at each later copy, with the offset of the first.
     * {@code moreSuspects}: more keys repeat than {@code found} holds (it was cut short).
     */
    static List<Problem> problems(List<Occurrence> found, boolean moreSuspects) {
        List<Occurrence> suspects = new ArrayList<>();
        Set<Long> hashes = new HashSet<>();
        boolean omitted = moreSuspects;
        for (Occurrence o : found) {
            if (hashes.add(o.hash())) continue;
            if (suspects.size() < MAX_SUSPECTS) suspects.add(o);
            else omitted = true;
        }
        Set<Long> suspectHashes = new HashSet<>();
        for (Occurrence s : suspects) suspectHashes.add(s.hash());
        Map<String, List<Long>> occurrences = new HashMap<>();
        for (Occurrence o : found) {
            if (suspectHashes.contains(o.hash())) occurrences.computeIfAbsent(id(o.db(), o.key()), k -> new ArrayList<>()).add(o.offset());
        }
        List<Problem> out = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        for (Occurrence s : suspects) {
            String id = id(s.db(), s.key());
            List<Long> at = occurrences.get(id);
            if (at == null || at.size() < 2 || !reported.add(id)) continue;
            for (int i = 1; i < at.size(); i++) {
                out.add(new Problem(at.get(i), s.db(), s.key(), "duplicate key",
                        "the key was already written at offset " + at.get(0) + " in this database"
                                + (at.size() > 2 ? " (" + at.size() + " copies)" : "") + "; the server refuses to load a file with a key twice"));
            }
        }
        if (omitted) {
            out.add(new Problem(0, -1, null, "duplicate key", "more than " + MAX_SUSPECTS + " keys repeat; only the first were compared"));
        }
        return out;
    }

    private static String id(int db, byte[] key) {
        return db + ":" + new String(key, StandardCharsets.ISO_8859_1);
    }
}
