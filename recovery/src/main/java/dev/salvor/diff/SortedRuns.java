package dev.salvor.diff;

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
 * Key fingerprints kept within a memory budget: records are buffered, and each time the buffer
 * passes the budget it is sorted by (db, key bytes) and written to a run file in a temporary
 * directory; reading merges the runs back in order. Lets two sides of any size be compared by a
 * merge join on one machine.
 */
final class SortedRuns implements Closeable {
    static final Comparator<KeyRecord> ORDER = (x, y) -> x.db() != y.db() ? Integer.compare(x.db(), y.db()) : Arrays.compareUnsigned(x.key(), y.key());

    private final Path dir;
    private final long budget;
    private final List<KeyRecord> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private long bytes;
    private long count;

    SortedRuns(Path dir, long budgetBytes) {
        this.dir = dir;
        this.budget = budgetBytes;
    }

    void add(KeyRecord r) throws IOException {
        buffer.add(r);
        bytes += r.key().length + 96;
        count++;
        if (bytes > budget) spill();
    }

    long count() {
        return count;
    }

    int runs() {
        return runs.size();
    }

    private void spill() throws IOException {
        buffer.sort(ORDER);
        Path run = Files.createTempFile(dir, "run-", ".bin");
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(run), 1 << 16))) {
            for (KeyRecord r : buffer) write(out, r);
        }
        runs.add(run);
        buffer.clear();
        bytes = 0;
    }

    private static void write(DataOutputStream out, KeyRecord r) throws IOException {
        out.writeInt(r.db());
        out.writeInt(r.key().length);
        out.write(r.key());
        out.writeLong(r.expireAtMs());
        out.writeByte(r.digest().type() == null ? -1 : r.digest().type().ordinal());
        out.writeLong(r.digest().h1());
        out.writeLong(r.digest().h2());
        out.writeLong(r.digest().elements());
        out.writeLong(r.locator());
    }

    private static KeyRecord read(DataInputStream in) throws IOException {
        int db;
        try {
            db = in.readInt();
        } catch (EOFException end) {
            return null;
        }
        byte[] key = new byte[in.readInt()];
        in.readFully(key);
        long exp = in.readLong();
        byte t = in.readByte();
        RedisType type = t < 0 ? null : RedisType.values()[t];
        ValueDigest d = new ValueDigest(type, in.readLong(), in.readLong(), in.readLong());
        return new KeyRecord(db, key, exp, d, in.readLong());
    }

    /** Pulls records in (db, key) order. */
    interface Cursor {
        KeyRecord next() throws IOException;
    }

    /** All records in order: the runs merged with the sorted remainder of the buffer. */
    Cursor sorted() throws IOException {
        buffer.sort(ORDER);
        List<Cursor> sources = new ArrayList<>();
        for (Path run : runs) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
            sources.add(() -> {
                KeyRecord r = read(in);
                if (r == null) in.close();
                return r;
            });
        }
        int[] pos = new int[1];
        sources.add(() -> pos[0] < buffer.size() ? buffer.get(pos[0]++) : null);
        PriorityQueue<Object[]> heap = new PriorityQueue<>((x, y) -> ORDER.compare((KeyRecord) x[0], (KeyRecord) y[0]));
        for (Cursor c : sources) {
            KeyRecord r = c.next();
            if (r != null) heap.add(new Object[] {r, c});
        }
        return () -> {
            Object[] top = heap.poll();
            if (top == null) return null;
            KeyRecord next = ((Cursor) top[1]).next();
            if (next != null) heap.add(new Object[] {next, top[1]});
            return (KeyRecord) top[0];
        };
    }

    @Override
    public void close() throws IOException {
        for (Path run : runs) Files.deleteIfExists(run);
    }
}
