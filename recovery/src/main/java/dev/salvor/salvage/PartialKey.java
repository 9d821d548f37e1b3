package dev.salvor.salvage;

import dev.salvor.export.ValueElement;
import dev.salvor.rdb.ElementKind;
import dev.salvor.rdb.RdbEncoding;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RedisType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The trustworthy part of a key whose value was cut by damage, read again from the key's start.
 *
 * <p>What counts as intact depends on the encoding. Node-based lists (quicklists) validate each
 * node as a unit, so the elements of every node before the damaged one are kept. Plain encodings
 * (sequences of strings) carry no internal check: after a truncation the elements before the cut
 * are intact, but after any other damage a misaligned read can look valid for a while, so nothing
 * is kept. Single-blob encodings (one listpack or ziplist) fail as a whole. Strings, streams and
 * module values are never partial.
 */
public record PartialKey(int db, byte[] key, RedisType type, long expireAtMs, List<ValueElement> elements) {
    /** Values larger than this are not collected (they stay in the quarantine). */
    static final long MAX_BYTES = 256L << 20;

    /** Reads the intact part of the key at {@code recordOffset}; null when nothing can be kept. */
    public static PartialKey read(Path file, long recordOffset, RdbReader.Context ctx, RdbFormatException.Reason reason)
            throws IOException {
        try (RdbReader r = RdbReader.resume(file, recordOffset, ctx)) {
            if (r.next() != RdbToken.KEY) return null;
            RedisType type = r.type();
            RdbEncoding enc = r.encoding();
            if (type == RedisType.STRING || type == RedisType.STREAM || type == RedisType.MODULE) return null;
            boolean nodes = enc == RdbEncoding.LIST_QUICKLIST || enc == RdbEncoding.LIST_QUICKLIST_2;
            boolean plain = switch (enc) {
                case LIST_LINKED, SET_PLAIN, ZSET_TEXT_SCORES, ZSET_2, HASH_PLAIN, HASH_2, HASH_METADATA, HASH_METADATA_PRE_GA -> true;
                default -> false;
            };
            if (!nodes && !(plain && reason == RdbFormatException.Reason.TRUNCATED)) return null;
            byte[] key = r.key();
            int db = r.db();
            long expireAt = r.expireAtMs();
            List<ValueElement> kept = new ArrayList<>();
            List<ValueElement> currentNode = new ArrayList<>();
            int node = 0;
            long bytes = 0;
            try {
                while (r.next() == RdbToken.ELEMENT) {
                    if (nodes && r.containersOpened() != node) {
                        kept.addAll(currentNode);
                        currentNode.clear();
                        node = r.containersOpened();
                    }
                    byte[] a = r.item().toBytes();
                    byte[] b = r.elementKind() == ElementKind.HASH_ENTRY ? r.hashValue().toBytes() : null;
                    bytes += a.length + (b == null ? 0 : b.length) + 48;
                    if (bytes > MAX_BYTES) return null;
                    (nodes ? currentNode : kept).add(new ValueElement(a, b, r.score(), r.fieldExpireAtMs()));
                }
                // The value read to its end this time: the damage was elsewhere; keep it all.
                kept.addAll(currentNode);
            } catch (RdbFormatException expected) {
                // the damage again: the current node is not trusted
            }
            if (type == RedisType.SET || type == RedisType.HASH || type == RedisType.ZSET) kept = unique(kept);
            return kept.isEmpty() ? null : new PartialKey(db, key, type, expireAt, kept);
        }
    }

    /** Drops repeated members or fields (a value never holds them twice). */
    private static List<ValueElement> unique(List<ValueElement> in) {
        Set<String> seen = new HashSet<>();
        List<ValueElement> out = new ArrayList<>(in.size());
        for (ValueElement e : in) {
            if (seen.add(Arrays.toString(e.item()))) out.add(e);
        }
        return out;
    }
}
