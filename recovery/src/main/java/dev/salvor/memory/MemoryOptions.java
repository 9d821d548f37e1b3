package dev.salvor.memory;

import java.nio.charset.StandardCharsets;

/**
 * How {@code salvor memory} estimates and groups.
 *
 * @param family       the server line to model, or null to take the one that wrote the file
 * @param allocator    the allocator of that server's build
 * @param config       its encoding thresholds
 * @param topN         how many of the largest keys to keep
 * @param separators   bytes that end a key-name prefix
 * @param prefixDepth  how many separators deep prefixes go
 * @param prefixNodes  how many prefixes are kept at most (smaller ones are folded into their parent)
 */
public record MemoryOptions(ServerFamily family, Allocator allocator, ServerConfig config, int topN, byte[] separators,
                            int prefixDepth, int prefixNodes) {
    public static MemoryOptions defaults() {
        return new MemoryOptions(null, Allocator.JEMALLOC, ServerConfig.DEFAULTS, 20, ":".getBytes(StandardCharsets.UTF_8), 8, 100_000);
    }

    public MemoryOptions withFamily(ServerFamily f) {
        return new MemoryOptions(f, allocator, config, topN, separators, prefixDepth, prefixNodes);
    }

    public MemoryOptions withAllocator(Allocator a) {
        return new MemoryOptions(family, a, config, topN, separators, prefixDepth, prefixNodes);
    }

    public MemoryOptions withConfig(ServerConfig c) {
        return new MemoryOptions(family, allocator, c, topN, separators, prefixDepth, prefixNodes);
    }

    public MemoryOptions withTop(int n) {
        return new MemoryOptions(family, allocator, config, n, separators, prefixDepth, prefixNodes);
    }

    public MemoryOptions withSeparators(byte[] s) {
        return new MemoryOptions(family, allocator, config, topN, s, prefixDepth, prefixNodes);
    }

    public MemoryOptions withPrefixes(int depth, int nodes) {
        return new MemoryOptions(family, allocator, config, topN, separators, depth, nodes);
    }
}
