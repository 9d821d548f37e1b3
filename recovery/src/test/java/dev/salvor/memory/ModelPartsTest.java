package dev.salvor.memory;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.rdb.RdbEncoding;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The pieces of the model, each against an independent truth. */
class ModelPartsTest {
    @Test
    void jemallocSizeClasses() {
        // jemalloc 5's classes on 64-bit with 4 KiB pages: 8, 16, then steps of 16 to 128, then 4 per doubling
        long[][] cases = {{1, 8}, {8, 8}, {9, 16}, {17, 32}, {24, 32}, {33, 48}, {129, 160}, {160, 160}, {161, 192}, {257, 320},
            {513, 640}, {4097, 5120}, {14337, 16384}, {16385, 20480}, {1 << 20, 1 << 20}, {(1 << 20) + 1, 1310720}};
        for (long[] c : cases) assertThat(Allocator.JEMALLOC.usable(c[0])).as("jemalloc %d", c[0]).isEqualTo(c[1]);
    }

    @Test
    void glibcUsableSizes() {
        // chunks are request + 8 rounded up to 16, at least 32; usable is the chunk less its 8-byte header
        long[][] cases = {{1, 24}, {24, 24}, {25, 40}, {40, 40}, {41, 56}, {64, 72}, {100, 104}};
        for (long[] c : cases) assertThat(Allocator.LIBC.usable(c[0])).as("libc %d", c[0]).isEqualTo(c[1]);
    }

    /** Every listpack a server wrote, re-measured from its elements, has the size the server gave it. */
    @Test
    void listpackSizesFromElementsMatchServerWrittenListpacks() throws Exception {
        int checked = 0;
        for (String server : List.of("redis-7.0", "redis-7.2", "redis-7.4", "valkey-8.0")) {
            Path rdb = Fixtures.resolve("rdb/" + server + "/dataset.rdb");
            try (RdbReader r = RdbReader.open(rdb)) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t != RdbToken.KEY) continue;
                    RdbEncoding enc = r.encoding();
                    boolean single = enc == RdbEncoding.HASH_LISTPACK || enc == RdbEncoding.SET_LISTPACK;
                    boolean nodes = enc == RdbEncoding.LIST_QUICKLIST_2;
                    if (!single && !nodes) {
                        r.skipValue();
                        continue;
                    }
                    long size = Listpacks.OVERHEAD;
                    int container = r.containersOpened();
                    int blob = r.containerLength();
                    boolean plainNode = false;
                    while (r.next() == RdbToken.ELEMENT) {
                        if (nodes && r.containersOpened() != container) {
                            if (container > 0 && !plainNode) {
                                assertThat(size).as(server + " " + new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(blob);
                                checked++;
                            }
                            container = r.containersOpened();
                            blob = r.containerLength();
                            size = Listpacks.OVERHEAD;
                            plainNode = !r.item().isInteger() && r.item().length() == blob;
                        }
                        size += Listpacks.entry(r.item());
                        if (enc == RdbEncoding.HASH_LISTPACK) size += Listpacks.entry(r.hashValue());
                    }
                    if (!plainNode) {
                        assertThat(size).as(server + " " + new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(blob);
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(500);
    }

    @Test
    void decimalLengthsAreThoseOfTheText() {
        Random rnd = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            long v = switch (i % 4) {
                case 0 -> rnd.nextLong();
                case 1 -> rnd.nextInt();
                case 2 -> rnd.nextInt(100_000) - 50_000;
                default -> (long) Math.pow(10, rnd.nextInt(19)) - rnd.nextInt(2);
            };
            assertThat(Listpacks.decimalLength(v)).as("%d", v).isEqualTo(Long.toString(v).length());
        }
        for (long v : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 9, 10, 99_999, 100_000}) {
            assertThat(Listpacks.decimalLength(v)).as("%d", v).isEqualTo(Long.toString(v).length());
        }
    }

    @Test
    void canonicalIntegersAreTheOnesRedisStoresAsIntegers() {
        long[] v = new long[1];
        for (String s : List.of("0", "7", "-1", "9223372036854775807", "-9223372036854775808", "123456")) {
            assertThat(Listpacks.parseCanonical(s.getBytes(StandardCharsets.US_ASCII), 0, s.length(), v)).as(s).isTrue();
            assertThat(v[0]).isEqualTo(Long.parseLong(s));
        }
        for (String s : List.of("", "-", "-0", "007", "+1", "1e5", "9223372036854775808", "-9223372036854775809", " 1", "1.0")) {
            assertThat(Listpacks.parseCanonical(s.getBytes(StandardCharsets.US_ASCII), 0, s.length(), v)).as(s).isFalse();
        }
    }

    /** The rax node count against a plain trie built key by key, on random sets of stream ids. */
    @Test
    void raxNodeCountMatchesABruteForceTrie() {
        Random rnd = new Random(16);
        for (int round = 0; round < 200; round++) {
            TreeSet<String> keys = new TreeSet<>();
            int n = 1 + rnd.nextInt(300);
            long base = rnd.nextLong() & 0x0000ffffffffffffL;
            for (int i = 0; i < n; i++) {
                long ms = base + (rnd.nextInt(4) == 0 ? rnd.nextInt(1 << 20) : rnd.nextInt(50));
                long seq = rnd.nextInt(3) == 0 ? rnd.nextInt(1000) : 0;
                keys.add(String.format("%016x%016x", ms, seq));
            }
            RaxCounter rax = new RaxCounter(16, Allocator.JEMALLOC);
            List<byte[]> bytes = new ArrayList<>();
            for (String k : keys) bytes.add(java.util.HexFormat.of().parseHex(k));
            for (byte[] k : bytes) rax.add(k);
            assertThat(rax.elements()).isEqualTo(bytes.size());
            assertThat(rax.nodes()).as("round %d, %d keys", round, bytes.size()).isEqualTo(bruteForceNodes(bytes));
        }
    }

    /**
     * Nodes of the compressed trie, counted on the plain trie: the root, every position with two
     * children or more, every position whose parent has two children or more, every leaf.
     */
    private static long bruteForceNodes(List<byte[]> keys) {
        if (keys.isEmpty()) return 1;
        Set<String> positions = new HashSet<>();
        java.util.Map<String, Set<Integer>> children = new java.util.HashMap<>();
        for (byte[] k : keys) {
            for (int d = 0; d <= k.length; d++) {
                String prefix = java.util.HexFormat.of().formatHex(k, 0, d);
                positions.add(prefix);
                if (d < k.length) children.computeIfAbsent(prefix, x -> new HashSet<>()).add(k[d] & 0xff);
            }
        }
        long nodes = 0;
        for (String p : positions) {
            boolean root = p.isEmpty();
            boolean leaf = p.length() == 32;
            boolean branch = children.getOrDefault(p, Set.of()).size() >= 2;
            boolean parentBranches = !root && children.getOrDefault(p.substring(0, p.length() - 2), Set.of()).size() >= 2;
            if (root || leaf || branch || parentBranches) nodes++;
        }
        return nodes;
    }

    @Test
    void prefixTreeCountsEveryKeyInEachOfItsPrefixes() {
        PrefixTree t = new PrefixTree(":".getBytes(StandardCharsets.UTF_8), 8, 1000);
        t.add(b("user:1:cart"), 100);
        t.add(b("user:1:profile"), 50);
        t.add(b("user:2:cart"), 10);
        t.add(b("session:abc"), 7);
        t.add(b("plain"), 3);
        t.add(b("trailing:"), 1);
        assertThat(t.root().keys()).isEqualTo(6);
        assertThat(t.root().bytes()).isEqualTo(171);
        List<PrefixTree.Node> top = t.top(10);
        assertThat(top.get(0).prefix()).isEqualTo(b("user:"));
        assertThat(top.get(0).bytes()).isEqualTo(160);
        assertThat(top.get(0).keys()).isEqualTo(3);
        assertThat(top.get(1).prefix()).isEqualTo(b("user:1:"));
        assertThat(top.get(1).bytes()).isEqualTo(150);
        assertThat(top).extracting(n -> new String(n.prefix(), StandardCharsets.UTF_8)).containsExactly("user:", "user:1:", "user:2:", "session:");
    }

    @Test
    void prefixTreeStaysWithinItsLimitAndMarksWhatMayBeShort() {
        PrefixTree t = new PrefixTree(":".getBytes(StandardCharsets.UTF_8), 8, 100);
        for (int i = 0; i < 10_000; i++) t.add(b("big:" + (i % 10) + ":item"), 1000);
        for (int i = 0; i < 10_000; i++) t.add(b("tiny:" + i + ":x"), 1);
        assertThat(t.nodes()).isLessThanOrEqualTo(101);
        assertThat(t.foldedPrefixes()).isPositive();
        List<PrefixTree.Node> top = t.top(3);
        assertThat(new String(top.get(0).prefix(), StandardCharsets.UTF_8)).isEqualTo("big:");
        assertThat(top.get(0).bytes()).isEqualTo(10_000_000L);
        assertThat(top.get(0).exact()).isTrue();
        PrefixTree.Node tiny = t.root().children().stream().filter(n -> new String(n.prefix(), StandardCharsets.UTF_8).equals("tiny:")).findFirst().orElseThrow();
        assertThat(tiny.keys()).as("a parent's totals stay exact when its children are folded").isEqualTo(10_000);
        assertThat(tiny.foldedKeys()).isPositive();
        // children created after their siblings were folded may have missed keys
        assertThat(tiny.children()).allMatch(c -> !c.exact());
    }

    @Test
    void dictGrowthLeavesTheLastDoublingInProgress() {
        DictSim d = new DictSim();
        d.add(600);
        // 600 adds: the 512 -> 1024 doubling started at the 513th and needs ~324 more steps
        assertThat(d.buckets()).isEqualTo(512 + 1024);
        DictSim e = new DictSim();
        e.add(1000);
        assertThat(e.buckets()).isEqualTo(1024);
        DictSim presized = new DictSim();
        presized.expand(600);
        presized.add(600);
        assertThat(presized.buckets()).isEqualTo(1024);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
