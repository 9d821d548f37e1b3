package dev.salvor.rdb;

import java.util.HashMap;
import java.util.Map;

/**
 * The hash templates a Redis 8.10+ file (RDB 15) declared so far with HASH_TEMPLATE records
 * (opcode 242): each id's field names, in their saved order. Hashes of the template-reference
 * types (30, 32) name only the id and hold the values. A reader resumed in the middle of a file
 * starts without the templates declared before it, so such a hash is then an error, never a hash
 * with invented field names.
 */
public final class HashTemplates {
    /** None declared (files before RDB 15, and readers that start at the top). */
    public static final HashTemplates NONE = new HashTemplates();

    private final Map<Long, byte[][]> byId = new HashMap<>();
    /** An unchanging copy for contexts, made again only after a change. */
    private HashTemplates snapshot;

    HashTemplates() {
    }

    /** How many templates are declared. */
    public int size() {
        return byId.size();
    }

    /** A copy that later declarations do not change, to hand to readers resumed on other threads. */
    HashTemplates snapshot() {
        if (byId.isEmpty()) return NONE;
        if (snapshot == null) {
            snapshot = new HashTemplates();
            snapshot.byId.putAll(byId);
        }
        return snapshot;
    }

    /** Adds the templates of {@code other} (a resumed reader starts with those declared before its start). */
    void addAll(HashTemplates other) {
        if (other.byId.isEmpty()) return;
        byId.putAll(other.byId);
        snapshot = null;
    }

    /** The fields of template {@code id}, or null when no record declared it. */
    byte[][] get(long id) {
        return byId.get(id);
    }

    boolean has(long id) {
        return byId.containsKey(id);
    }

    void put(long id, byte[][] fields) {
        byId.put(id, fields);
        snapshot = null;
    }

    /**
     * Whether {@code b} comes strictly after {@code a} in a template's order: shorter first, then
     * by bytes, unsigned (redis sdscmplen, as librdb's parser checks).
     */
    static boolean inOrder(byte[] a, byte[] b) {
        if (a.length != b.length) return a.length < b.length;
        return java.util.Arrays.compareUnsigned(a, b) < 0;
    }
}
