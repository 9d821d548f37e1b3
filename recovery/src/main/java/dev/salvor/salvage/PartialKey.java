package dev.salvor.salvage;

import dev.salvor.format.InputFile;
import dev.salvor.export.StreamEntry;
import dev.salvor.export.ValueElement;
import dev.salvor.rdb.ElementKind;
import dev.salvor.rdb.RdbEncoding;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RedisType;
import dev.salvor.rdb.StreamId;

import java.io.IOException;
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
 * is kept. Single-blob encodings (one listpack or ziplist) fail as a whole. Streams keep the
 * nodes before the damaged one (each node is a listpack checked as a whole). Strings and module
 * values are never partial.
 */
public record PartialKey(int db, byte[] key, RedisType type, long expireAtMs, List<ValueElement> elements, PartialStream stream) {
    /**
     * The intact nodes of a stream: the first {@code nodes} nodes, bytes [nodesStart, nodesEnd) of
     * the file (each node validates itself as a whole), their live entries, and the id of their
     * last entry, deleted ones included. Metadata and consumer groups come after the nodes in the
     * file, so a partial stream has none.
     */
    public record PartialStream(int rdbType, int encodingVersion, long nodesStart, long nodesEnd, int nodes, StreamId lastId,
                                List<StreamEntry> entries) {
    }

    /** Values larger than this are not collected (they stay in the quarantine). */
    static final long MAX_BYTES = 256L << 20;

    /** Reads the intact part of the key at {@code recordOffset}; null when nothing can be kept. */
    public static PartialKey read(InputFile file, long recordOffset, RdbReader.Context ctx, RdbFormatException.Reason reason)
            throws IOException {
        try (RdbReader r = RdbReader.resume(file, recordOffset, ctx)) {
            if (r.next() != RdbToken.KEY) return null;
            RedisType type = r.type();
            RdbEncoding enc = r.encoding();
            if (type == RedisType.STREAM) return readStream(r);
            if (type == RedisType.STRING || type == RedisType.MODULE) return null;
            boolean nodes = enc.family() == RdbEncoding.Family.QUICKLIST;
            boolean plain = enc.family() == RdbEncoding.Family.PLAIN;
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
            return kept.isEmpty() ? null : new PartialKey(db, key, type, expireAt, kept, null);
        }
    }

    /** Keeps the stream nodes read whole before the damage; the node it hit is not trusted. */
    private static PartialKey readStream(RdbReader r) throws IOException {
        byte[] key = r.key();
        int db = r.db();
        long expireAt = r.expireAtMs();
        int rdbType = r.encoding().rdbType();
        List<StreamEntry> entries = new ArrayList<>();
        // A node is complete once the reader has moved past it: the entries read by then are its.
        int completed = 0;
        int kept = 0;
        long bytes = 0;
        try {
            while (r.next() == RdbToken.ELEMENT) {
                if (r.streamCompletedNodes() > completed) {
                    completed = r.streamCompletedNodes();
                    kept = entries.size();
                }
                if (r.elementKind() != ElementKind.STREAM_ENTRY) continue;
                List<byte[]> fields = new ArrayList<>(r.streamFieldCount());
                List<byte[]> values = new ArrayList<>(r.streamFieldCount());
                for (int i = 0; i < r.streamFieldCount(); i++) {
                    fields.add(r.streamField(i).toBytes());
                    values.add(r.streamValue(i).toBytes());
                    bytes += fields.get(i).length + values.get(i).length + 32;
                }
                if (bytes > MAX_BYTES) return null;
                entries.add(new StreamEntry(r.streamId(), fields, values));
            }
        } catch (RdbFormatException expected) {
            // the damage again: what the completed nodes hold is kept
        }
        int nodes = r.streamCompletedNodes();
        if (nodes == 0) return null;
        // The call that failed (or ended the value) may have completed a node without a token.
        int live = nodes > completed ? entries.size() : kept;
        PartialStream stream = new PartialStream(rdbType, r.streamEncodingVersion(), r.streamNodesStart(), r.streamCompletedNodesEnd(), nodes,
                r.streamCompletedLastId(), List.copyOf(entries.subList(0, live)));
        return new PartialKey(db, key, RedisType.STREAM, expireAt, List.of(), stream);
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
