package dev.salvor.memory;

import dev.salvor.io.Spool;
import dev.salvor.rdb.RedisType;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * (db, key, type, bytes) of every key of one snapshot, in (db, key) order, within a memory
 * budget: records are buffered, and each time the buffer passes the budget it is sorted and
 * written to a run file; reading merges the runs. Two snapshots of any size are then compared by
 * a merge join.
 */
final class KeySizeRuns implements Closeable, MemoryAnalyzer.KeySink {
    record Entry(int db, byte[] key, RedisType type, long bytes) {
    }

    static final Comparator<Entry> ORDER = (x, y) -> x.db != y.db ? Integer.compare(x.db, y.db) : Arrays.compareUnsigned(x.key, y.key);

    private final Spool spool;
    private final long budget;
    private final List<Entry> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private long buffered;

    /** Runs go to {@code spool}'s directory and count against its limit. */
    KeySizeRuns(Spool spool, long budgetBytes) {
        this.spool = spool;
        this.budget = budgetBytes;
    }

    @Override
    public void key(KeyMemory k) throws IOException {
        buffer.add(new Entry(k.db(), k.key(), k.type(), k.bytes()));
        buffered += k.key().length + 80;
        if (buffered > budget) spill();
    }

    private void spill() throws IOException {
        buffer.sort(ORDER);
        Path run = spool.newFile("memory-run-", ".bin");
        runs.add(run);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(
                spool.charged(Files.newOutputStream(run), "memory --diff: key run " + run), 1 << 16))) {
            for (Entry e : buffer) {
                out.writeInt(e.db);
                out.writeInt(e.key.length);
                out.write(e.key);
                out.writeByte(e.type.ordinal());
                out.writeLong(e.bytes);
            }
        }
        buffer.clear();
        buffered = 0;
    }

    int runs() {
        return runs.size();
    }

    /** Pulls entries in (db, key) order; null at the end. */
    interface Cursor {
        Entry next() throws IOException;
    }

    Cursor sorted() throws IOException {
        buffer.sort(ORDER);
        List<Cursor> sources = new ArrayList<>();
        for (Path run : runs) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
            sources.add(() -> {
                int db;
                try {
                    db = in.readInt();
                } catch (EOFException end) {
                    in.close();
                    return null;
                }
                byte[] key = new byte[in.readInt()];
                in.readFully(key);
                RedisType type = RedisType.values()[in.readByte()];
                return new Entry(db, key, type, in.readLong());
            });
        }
        int[] pos = new int[1];
        sources.add(() -> pos[0] < buffer.size() ? buffer.get(pos[0]++) : null);
        PriorityQueue<Object[]> heap = new PriorityQueue<>((x, y) -> ORDER.compare((Entry) x[0], (Entry) y[0]));
        for (Cursor c : sources) {
            Entry e = c.next();
            if (e != null) heap.add(new Object[] {e, c});
        }
        return () -> {
            Object[] top = heap.poll();
            if (top == null) return null;
            Entry next = ((Cursor) top[1]).next();
            if (next != null) heap.add(new Object[] {next, top[1]});
            return (Entry) top[0];
        };
    }

    @Override
    public void close() throws IOException {
        for (Path run : runs) spool.delete(run);
    }
}
