package dev.salvor.diff;

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
import java.util.function.ToLongFunction;

/**
 * Records kept within a memory budget: they are buffered, and each time the buffer passes the
 * budget it is sorted and written to a run file in a temporary directory (counted against the
 * run's temporary disk); reading merges the runs back in order. Lets two sides of any size be
 * compared by a merge join, and any number of differences be reported, on one machine.
 */
final class SortedRuns<T> implements Closeable {
    static final Comparator<KeyRecord> ORDER = (x, y) -> x.db() != y.db() ? Integer.compare(x.db(), y.db()) : Arrays.compareUnsigned(x.key(), y.key());

    /** How a record is written to and read from a run. */
    interface Codec<T> {
        void write(DataOutputStream out, T value) throws IOException;

        /** The next record, or null at the end of the run. */
        T read(DataInputStream in) throws IOException;
    }

    private final Spool spool;
    private final Path dir;
    private final long budget;
    private final Comparator<T> order;
    private final Codec<T> codec;
    private final ToLongFunction<T> sizeOf;
    private final List<T> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private long bytes;
    private long count;

    SortedRuns(Spool spool, Path dir, long budgetBytes, Comparator<T> order, Codec<T> codec, ToLongFunction<T> sizeOf) {
        this.spool = spool;
        this.dir = dir;
        this.budget = budgetBytes;
        this.order = order;
        this.codec = codec;
        this.sizeOf = sizeOf;
    }

    /** Key fingerprints in (db, key) order. */
    static SortedRuns<KeyRecord> keys(Spool spool, Path dir, long budgetBytes) {
        return new SortedRuns<>(spool, dir, budgetBytes, ORDER, KEYS, r -> r.key().length + 96L);
    }

    void add(T r) throws IOException {
        buffer.add(r);
        bytes += sizeOf.applyAsLong(r);
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
        buffer.sort(order);
        Path run = Files.createTempFile(dir, "run-", ".bin");
        runs.add(run);
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(spool.charged(Files.newOutputStream(run), "diff: sorted run " + run), 1 << 16))) {
            for (T r : buffer) codec.write(out, r);
        }
        buffer.clear();
        bytes = 0;
    }

    /** Pulls records in order. */
    interface Cursor<T> {
        T next() throws IOException;
    }

    /** All records in order: the runs merged with the sorted remainder of the buffer. */
    Cursor<T> sorted() throws IOException {
        buffer.sort(order);
        List<Cursor<T>> sources = new ArrayList<>();
        for (Path run : runs) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(run), 1 << 16));
            sources.add(() -> {
                T r = codec.read(in);
                if (r == null) in.close();
                return r;
            });
        }
        int[] pos = new int[1];
        sources.add(() -> pos[0] < buffer.size() ? buffer.get(pos[0]++) : null);
        PriorityQueue<Head<T>> heap = new PriorityQueue<>((x, y) -> order.compare(x.value, y.value));
        for (Cursor<T> c : sources) {
            T r = c.next();
            if (r != null) heap.add(new Head<>(r, c));
        }
        return () -> {
            Head<T> top = heap.poll();
            if (top == null) return null;
            T next = top.source.next();
            if (next != null) heap.add(new Head<>(next, top.source));
            return top.value;
        };
    }

    private record Head<T>(T value, Cursor<T> source) {
    }

    @Override
    public void close() throws IOException {
        for (Path run : runs) Files.deleteIfExists(run);
        buffer.clear();
    }

    static final Codec<KeyRecord> KEYS = new Codec<>() {
        @Override
        public void write(DataOutputStream out, KeyRecord r) throws IOException {
            writeKeyRecord(out, r);
        }

        @Override
        public KeyRecord read(DataInputStream in) throws IOException {
            int db;
            try {
                db = in.readInt();
            } catch (EOFException end) {
                return null;
            }
            return readKeyRecord(in, db);
        }
    };

    static void writeKeyRecord(DataOutputStream out, KeyRecord r) throws IOException {
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

    /** Redis's own cap on a key's length: a longer one in a run or checkpoint log means the file is damaged. */
    private static final int MAX_KEY = 512 << 20;
    private static final RedisType[] TYPES = RedisType.values();

    static KeyRecord readKeyRecord(DataInputStream in, int db) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_KEY) throw new IOException("a key record of length " + length + ": the file is damaged");
        byte[] key = new byte[length];
        in.readFully(key);
        long exp = in.readLong();
        byte t = in.readByte();
        if (t >= TYPES.length) throw new IOException("a key record of type " + t + ": the file is damaged");
        RedisType type = t < 0 ? null : TYPES[t];
        ValueDigest d = new ValueDigest(type, in.readLong(), in.readLong(), in.readLong());
        return new KeyRecord(db, key, exp, d, in.readLong());
    }
}
