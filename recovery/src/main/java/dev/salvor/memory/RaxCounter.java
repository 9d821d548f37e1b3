package dev.salvor.memory;

import java.util.Arrays;

/**
 * Follows the shape of a radix tree (Redis's rax) built from keys of one fixed length inserted in
 * ascending order, as stream ids are. Its nodes are the root, every branching point, the first
 * node of every chain that leaves a branching point (a compressed node), and every leaf. Only the
 * path of the last key is kept: a node off that path can no longer change, so it is sized when it
 * leaves the path and memory does not grow with the number of keys.
 */
final class RaxCounter {
    private final int keyLength;
    private final Allocator allocator;
    private final byte[] last;
    /** Whether the node at depth d of the last key's path is a rax node. */
    private final boolean[] isNode;
    /** Children of the node at depth d of the last key's path. */
    private final int[] children;
    private long elements;
    private long nodes;
    /** Usable bytes of the nodes that left the path. */
    private long finished;

    RaxCounter(int keyLength, Allocator allocator) {
        this.keyLength = keyLength;
        this.allocator = allocator;
        this.last = new byte[keyLength];
        this.isNode = new boolean[keyLength + 1];
        this.children = new int[keyLength + 1];
        reset();
    }

    /** Empties the tree (only the root remains). */
    void reset() {
        elements = 0;
        nodes = 1;
        finished = 0;
        Arrays.fill(isNode, false);
        Arrays.fill(children, 0);
        isNode[0] = true;
    }

    /** Adds the next key (greater than the previous one). */
    void add(byte[] key) {
        if (elements == 0) {
            System.arraycopy(key, 0, last, 0, keyLength);
            nodes++; // the root holds the whole key as one compressed chain down to the leaf
            children[0] = 1;
            isNode[keyLength] = true;
            elements = 1;
            return;
        }
        int p = 0;
        while (p < keyLength && key[p] == last[p]) p++;
        if (p == keyLength) return; // repeated key: not inserted
        if (!isNode[p]) {
            isNode[p] = true;
            nodes++;
        }
        if (!isNode[p + 1]) {
            // the old child now hangs off a branching point: it starts a chain of its own
            isNode[p + 1] = true;
            nodes++;
        }
        children[p]++;
        // Everything of the old path below depth p is final.
        for (int d = p + 1; d <= keyLength; d++) {
            if (isNode[d]) finished += nodeBytes(d);
        }
        nodes++; // the new child at depth p + 1
        if (p + 1 < keyLength) nodes++; // and its leaf
        for (int d = p + 1; d <= keyLength; d++) {
            isNode[d] = d == p + 1 || d == keyLength;
            children[d] = d == keyLength ? 0 : (isNode[d] ? 1 : 0);
        }
        System.arraycopy(key, 0, last, 0, keyLength);
        elements++;
    }

    /** Usable bytes of the node at depth d of the current path. */
    private long nodeBytes(int d) {
        int chars;
        int pointers;
        boolean value = d == keyLength && elements > 0;
        if (d == keyLength || children[d] == 0) {
            chars = 0;
            pointers = 0;
        } else if (children[d] >= 2) {
            chars = children[d];
            pointers = children[d];
        } else {
            int next = d + 1;
            while (next < keyLength && !isNode[next]) next++;
            chars = next - d;
            pointers = 1;
        }
        int padding = (8 - ((chars + 4) % 8)) & 7;
        return allocator.usable(4 + chars + padding + 8L * pointers + (value ? 8 : 0));
    }

    long elements() {
        return elements;
    }

    long nodes() {
        return nodes;
    }

    /** What Redis's streamRadixTreeMemoryUsage says for this tree: 16 bytes an id, 4 + 30 words a node. */
    long streamUsage() {
        return elements * 16 + nodes * (4 + 8 * 30);
    }

    /** What the tree really allocates: its header and every node. */
    long allocated() {
        long total = allocator.usable(24) + finished;
        for (int d = 0; d <= keyLength; d++) {
            if (isNode[d]) total += nodeBytes(d);
        }
        return total;
    }
}
