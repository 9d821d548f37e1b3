package dev.salvor.memory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keys and bytes per key-name prefix, a prefix being the name up to and including a separator
 * ({@code user:} and {@code user:42:} for {@code user:42:cart}). Each key is counted in every
 * prefix of its name, so a prefix's totals cover everything below it.
 *
 * <p>Memory is bounded: past {@code maxNodes} prefixes the smallest leaves are folded into their
 * parents (whose totals already hold them). A prefix created under a parent that lost children
 * this way may have missed keys seen before it was created: it is marked as a lower bound.
 */
public final class PrefixTree {
    private final boolean[] separator = new boolean[256];
    private final int maxDepth;
    private final int maxNodes;
    private final Node root = new Node(null, new byte[0], 0, true);
    private int nodes;
    private long folded;

    public PrefixTree(byte[] separators, int maxDepth, int maxNodes) {
        for (byte b : separators) separator[b & 0xff] = true;
        this.maxDepth = maxDepth;
        this.maxNodes = Math.max(16, maxNodes);
    }

    /** One prefix and what is stored under it. */
    public static final class Node {
        final Node parent;
        final byte[] prefix;
        final int depth;
        final boolean exact;
        Map<Slice, Node> children;
        long keys;
        long bytes;
        long foldedKeys;
        boolean childrenFolded;

        Node(Node parent, byte[] prefix, int depth, boolean exact) {
            this.parent = parent;
            this.prefix = prefix;
            this.depth = depth;
            this.exact = exact;
        }

        public byte[] prefix() {
            return prefix;
        }

        public int depth() {
            return depth;
        }

        public long keys() {
            return keys;
        }

        public long bytes() {
            return bytes;
        }

        /** False when keys under this prefix may have been counted in its parent only (see the class comment). */
        public boolean exact() {
            return exact;
        }

        /** Children, largest first. */
        public List<Node> children() {
            if (children == null) return List.of();
            List<Node> list = new ArrayList<>(children.values());
            list.sort(BY_BYTES);
            return list;
        }

        /** Keys counted here whose longer prefixes were folded into this one. */
        public long foldedKeys() {
            return foldedKeys;
        }
    }

    static final Comparator<Node> BY_BYTES = Comparator.comparingLong((Node n) -> -n.bytes).thenComparing(n -> n.prefix, Arrays::compareUnsigned);

    /** A key-name slice used as a map key. */
    private record Slice(byte[] a, int hash) {
        static Slice of(byte[] a, int len) {
            byte[] b = Arrays.copyOf(a, len);
            return new Slice(b, Arrays.hashCode(b));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Slice s && s.hash == hash && Arrays.equals(s.a, a);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    public void add(byte[] key, long bytes) {
        root.keys++;
        root.bytes += bytes;
        Node at = root;
        if (key == null) return;
        for (int i = 0; i < key.length && at.depth < maxDepth; i++) {
            if (!isSeparator(key[i])) continue;
            if (i == key.length - 1) break; // a name ending in a separator is not a prefix of itself
            Slice s = Slice.of(key, i + 1);
            if (at.children == null) at.children = new HashMap<>();
            Node next = at.children.get(s);
            if (next == null) {
                next = new Node(at, s.a, at.depth + 1, at.exact && at.foldedKeys == 0 && !at.childrenFolded);
                at.children.put(s, next);
                nodes++;
            }
            next.keys++;
            next.bytes += bytes;
            at = next;
        }
        if (nodes > maxNodes) fold();
    }

    private boolean isSeparator(byte b) {
        return separator[b & 0xff];
    }

    /** Folds the smallest half of the leaves into their parents. */
    private void fold() {
        List<Node> leaves = new ArrayList<>();
        collectLeaves(root, leaves);
        leaves.sort(Comparator.comparingLong((Node n) -> n.bytes));
        int drop = Math.max(1, Math.min(leaves.size(), nodes - maxNodes * 3 / 4));
        for (int i = 0; i < drop; i++) {
            Node n = leaves.get(i);
            n.parent.children.remove(Slice.of(n.prefix, n.prefix.length));
            n.parent.childrenFolded = true;
            n.parent.foldedKeys += n.keys;
            folded++;
            nodes--;
        }
    }

    private static void collectLeaves(Node n, List<Node> out) {
        if (n.children == null || n.children.isEmpty()) {
            if (n.parent != null) out.add(n);
            return;
        }
        for (Node c : n.children.values()) collectLeaves(c, out);
    }

    public Node root() {
        return root;
    }

    /** Prefixes folded away to stay within the node limit. */
    public long foldedPrefixes() {
        return folded;
    }

    public int nodes() {
        return nodes;
    }

    /** The {@code n} largest prefixes at any depth, largest first. */
    public List<Node> top(int n) {
        java.util.PriorityQueue<Node> heap = new java.util.PriorityQueue<>(BY_BYTES.reversed());
        collectTop(root, heap, n);
        List<Node> out = new ArrayList<>(heap);
        out.sort(BY_BYTES);
        return out;
    }

    private static void collectTop(Node at, java.util.PriorityQueue<Node> heap, int n) {
        if (at.children == null) return;
        for (Node c : at.children.values()) {
            heap.add(c);
            if (heap.size() > n) heap.poll();
            collectTop(c, heap, n);
        }
    }
}
