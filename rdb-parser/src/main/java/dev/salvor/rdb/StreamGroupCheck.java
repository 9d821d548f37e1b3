package dev.salvor.rdb;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The server's rules for a stream's nodes and consumer groups, checked as they stream past: node
 * master ids are unique; group names are
 * unique in the stream, consumer names in their group; a group's pending list holds an id once;
 * each id a consumer holds is pending in its group, and held by that consumer once; and (with deep
 * sanitisation) every pending id is held by some consumer. Servers write all of these in order,
 * but only uniqueness is their rule, so only uniqueness is checked.
 */
final class StreamGroupCheck {
    /** Why an id a consumer holds was refused. */
    enum ConsumerId { OK, NOT_PENDING, REPEATED }

    private final Set<String> groups = new HashSet<>();
    private final Set<String> consumers = new HashSet<>();
    private final IdSet groupPel = new IdSet();
    private final IdSet consumerPel = new IdSet();
    private final IdSet nodes = new IdSet();

    /** A new stream begins. */
    void stream() {
        groups.clear();
        nodes.clear();
    }

    /** A node's master id; false when another node of the stream has it (the server's radix tree holds each once). */
    boolean node(StreamId masterId) {
        return nodes.add(masterId.ms(), masterId.seq());
    }

    /** A group begins; false when the stream already has a group of that name. */
    boolean group(StringRef name) {
        consumers.clear();
        groupPel.clear();
        return groups.add(latin1(name));
    }

    /** An id of the group's pending list; false when the list holds it already. */
    boolean pending(StreamId id) {
        return groupPel.add(id.ms(), id.seq());
    }

    /** A consumer of the current group begins; false when the group has one of that name. */
    boolean consumer(StringRef name) {
        consumerPel.clear();
        return consumers.add(latin1(name));
    }

    /** An id the current consumer holds. */
    ConsumerId consumerPending(StreamId id) {
        int slot = groupPel.find(id.ms(), id.seq());
        if (slot < 0) return ConsumerId.NOT_PENDING;
        if (!consumerPel.add(id.ms(), id.seq())) return ConsumerId.REPEATED;
        groupPel.own(slot);
        return ConsumerId.OK;
    }

    /**
     * An id nacked back to the group (Redis 8.8 streams v5): a pending entry that no consumer
     * holds until it is delivered again (librdb parser.c: the nacked ids are among those of the
     * group's pending list), so it counts as held.
     */
    void nacked(StreamId id) {
        int slot = groupPel.find(id.ms(), id.seq());
        if (slot >= 0) groupPel.own(slot);
    }

    /** After the group's consumers: a pending id no consumer holds, or null when every one is held. */
    StreamId unowned() {
        return groupPel.firstUnowned();
    }

    private static String latin1(StringRef name) {
        // an integer-encoded name is its decimal text, as the server reads it
        return name.isInteger() ? Long.toString(name.integer()) : new String(name.array(), name.offset(), name.length(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Stream ids in an open-addressing table, each with an "owned" mark. */
    private static final class IdSet {
        private long[] ms = new long[16];
        private long[] seq = new long[16];
        private byte[] state = new byte[16]; // 0 empty, 1 present, 2 present and owned
        private int size;

        void clear() {
            if (size == 0) return;
            if (state.length > 1024) {
                ms = new long[16];
                seq = new long[16];
                state = new byte[16];
            } else {
                Arrays.fill(state, (byte) 0);
            }
            size = 0;
        }

        private static int home(long ms, long seq, int mask) {
            long h = ms * 0x9e3779b97f4a7c15L + seq;
            h ^= h >>> 29;
            h *= 0xbf58476d1ce4e5b9L;
            return (int) (h ^ (h >>> 32)) & mask;
        }

        int find(long m, long s) {
            int mask = state.length - 1;
            for (int i = home(m, s, mask); state[i] != 0; i = (i + 1) & mask) {
                if (ms[i] == m && seq[i] == s) return i;
            }
            return -1;
        }

        boolean add(long m, long s) {
            if (find(m, s) >= 0) return false;
            if (2 * (size + 1) > state.length) grow();
            int mask = state.length - 1;
            int i = home(m, s, mask);
            while (state[i] != 0) i = (i + 1) & mask;
            ms[i] = m;
            seq[i] = s;
            state[i] = 1;
            size++;
            return true;
        }

        void own(int slot) {
            state[slot] = 2;
        }

        StreamId firstUnowned() {
            StreamId first = null;
            for (int i = 0; i < state.length; i++) {
                if (state[i] == 1) {
                    StreamId id = new StreamId(ms[i], seq[i]);
                    if (first == null || id.compareTo(first) < 0) first = id;
                }
            }
            return first;
        }

        private void grow() {
            long[] om = ms, os = seq;
            byte[] ost = state;
            ms = new long[om.length * 2];
            seq = new long[om.length * 2];
            state = new byte[om.length * 2];
            int mask = state.length - 1;
            for (int j = 0; j < ost.length; j++) {
                if (ost[j] == 0) continue;
                int i = home(om[j], os[j], mask);
                while (state[i] != 0) i = (i + 1) & mask;
                ms[i] = om[j];
                seq[i] = os[j];
                state[i] = ost[j];
            }
        }
    }
}
