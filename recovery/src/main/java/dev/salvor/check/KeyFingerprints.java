package dev.salvor.check;

import dev.salvor.format.InputFile;
import dev.salvor.io.Spool;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.walk.ParallelRanges;
import dev.salvor.salvage.KeyLedger;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Every key of a file as one 64-bit word, to find a key written twice without a serial table:
 * the high bits of the key's (database, key) hash, and in the low bits the index of the range of
 * the file it was read in. The workers that decode the ranges add their keys' words; the words
 * are kept in partitions by their top bits within a memory budget (past it, the partitions spill
 * to one temporary file), and each partition is sorted and scanned for repeats on its own thread.
 *
 * <p>A repeated fingerprint is only a suspect: the ranges that hold it are read again by their
 * framing and the keys compared byte for byte ({@link DuplicateKeys}), so a hash collision never
 * shows as a duplicate, and a real one is reported with both offsets.
 */
final class KeyFingerprints implements Closeable {
    /** How a key is hashed (a test gives a weak one, to make different keys collide). */
    @FunctionalInterface
    interface KeyHash {
        long of(int db, byte[] key);
    }

    static final KeyHash KEY_HASH = KeyLedger::hash;
    /** Partitions: 2^8, so 10 M keys make partitions of about 300 KiB each. */
    static final int PARTITION_BITS = 8;
    private static final int PARTITIONS = 1 << PARTITION_BITS;
    private static final int FIRST_CAPACITY = 64;

    /** Words kept in memory by default: 1/8 of the heap, at most 64 MiB (8 M keys), before spilling. */
    static long defaultBudgetWords() {
        return Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8) / 8;
    }

    private final KeyHash hash;
    private final long rangeMask;
    private final long budgetWords;
    private final long[][] parts = new long[PARTITIONS][];
    private final int[] fill = new int[PARTITIONS];
    private long allocated;
    // Per partition, its spilled chunks as (file position, word count) pairs.
    private final long[][] chunks = new long[PARTITIONS][];
    private final int[] chunkFill = new int[PARTITIONS];
    private Spool spool;
    private FileChannel spill;
    private long spillEnd;
    private final ByteBuffer writeBuffer = ByteBuffer.allocate(1 << 16);

    /**
     * @param maxRanges   more than the largest range index that will be added
     * @param budgetWords words kept in memory before the partitions spill
     */
    KeyFingerprints(long maxRanges, long budgetWords, KeyHash hash) {
        int rangeBits = Math.max(1, Math.min(48, 64 - Long.numberOfLeadingZeros(maxRanges)));
        this.rangeMask = (1L << rangeBits) - 1;
        this.budgetWords = budgetWords;
        this.hash = hash;
    }

    /** The most range indexes words can carry. */
    long maxRanges() {
        return rangeMask + 1;
    }

    /** A key's word: its hash's high bits, the index of the range it was read in. */
    long word(int db, byte[] key, int range) {
        return (hash.of(db, key) & ~rangeMask) | range;
    }

    /** Adds a range's words (from any thread). */
    synchronized void add(long[] words, int n) throws IOException {
        for (int i = 0; i < n; i++) {
            long w = words[i];
            int p = (int) (w >>> (64 - PARTITION_BITS));
            long[] part = parts[p];
            if (part == null) {
                part = parts[p] = new long[FIRST_CAPACITY];
                allocated += FIRST_CAPACITY;
            } else if (fill[p] == part.length) {
                if (allocated + part.length > budgetWords) {
                    spillAll();
                } else {
                    parts[p] = part = Arrays.copyOf(part, part.length * 2);
                    allocated += part.length / 2;
                }
            }
            part[fill[p]++] = w;
        }
    }

    /** Writes every partition's words to the spill file and empties them (their arrays are kept). */
    private void spillAll() throws IOException {
        if (spill == null) {
            spool = Spool.defaults();
            Path file = spool.newFile("check-", ".bin");
            spill = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        }
        for (int p = 0; p < PARTITIONS; p++) {
            int n = fill[p];
            if (n == 0) continue;
            spool.charge(8L * n, "check: key fingerprints");
            long at = spillEnd;
            long[] part = parts[p];
            int i = 0;
            while (i < n) {
                writeBuffer.clear();
                int m = Math.min(n - i, writeBuffer.capacity() / 8);
                writeBuffer.asLongBuffer().put(part, i, m);
                writeBuffer.limit(m * 8);
                while (writeBuffer.hasRemaining()) spillEnd += spill.write(writeBuffer, spillEnd);
                i += m;
            }
            long[] c = chunks[p];
            if (c == null) c = chunks[p] = new long[8];
            else if (chunkFill[p] + 2 > c.length) c = chunks[p] = Arrays.copyOf(c, c.length * 2);
            c[chunkFill[p]++] = at;
            c[chunkFill[p]++] = n;
            fill[p] = 0;
        }
    }

    /** A partition's words, sorted: the array and how many of its words count. */
    private record Sorted(long[] words, int n) {
    }

    /** Partition {@code p} read back whole (its spilled chunks and what is in memory) and sorted; after every add. */
    private Sorted sorted(int p) throws IOException {
        int inMemory = fill[p];
        if (chunkFill[p] == 0) {
            if (inMemory == 0) return new Sorted(new long[0], 0);
            Arrays.sort(parts[p], 0, inMemory);
            return new Sorted(parts[p], inMemory);
        }
        long total = inMemory;
        for (int i = 1; i < chunkFill[p]; i += 2) total += chunks[p][i];
        if (total > Integer.MAX_VALUE - 8) throw new IOException("check: more than 2^31 keys in one fingerprint partition");
        long[] all = new long[(int) total];
        int at = 0;
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        for (int i = 0; i < chunkFill[p]; i += 2) {
            long pos = chunks[p][i];
            long left = chunks[p][i + 1];
            while (left > 0) {
                buf.clear().limit((int) Math.min(buf.capacity(), left * 8));
                while (buf.hasRemaining()) {
                    int r = spill.read(buf, pos + buf.position());
                    if (r < 0) throw new EOFException("check: the key fingerprints' temporary file ends early");
                }
                buf.flip();
                int m = buf.remaining() / 8;
                buf.asLongBuffer().get(all, at, m);
                at += m;
                pos += 8L * m;
                left -= m;
            }
        }
        if (inMemory > 0) System.arraycopy(parts[p], 0, all, at, inMemory);
        Arrays.sort(all);
        return new Sorted(all, all.length);
    }

    /**
     * The keys written twice, as problems, once every range's words are added: {@code ranges}
     * are the file's ranges by index (read again where a fingerprint repeats), {@code pool} the
     * threads that scan the partitions and read the ranges.
     */
    List<Problem> duplicates(InputFile file, List<ParallelCheck.Range> ranges, ExecutorService pool) throws IOException {
        int rangeCount = ranges.size();
        // First pass: how many suspects (later words of a repeated fingerprint) each range holds.
        long[] suspectsPerRange = new long[rangeCount];
        List<Callable<Void>> count = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            int part = p;
            count.add(() -> {
                Sorted s = sorted(part);
                long[] local = null;
                long[] a = s.words();
                for (int i = 0, j; i < s.n(); i = j) {
                    long f = a[i] & ~rangeMask;
                    for (j = i + 1; j < s.n() && (a[j] & ~rangeMask) == f; j++) {
                        if (local == null) local = new long[rangeCount];
                        local[(int) (a[j] & rangeMask)]++;
                    }
                }
                if (local != null) {
                    synchronized (suspectsPerRange) {
                        for (int r = 0; r < rangeCount; r++) suspectsPerRange[r] += local[r];
                    }
                }
                return null;
            });
        }
        runAll(pool, count);
        long suspects = 0;
        for (long n : suspectsPerRange) suspects += n;
        if (suspects == 0) return List.of();
        // Second pass: the fingerprints with a suspect among the first ones in file order (those
        // in the ranges up to the one where the count passes the cap), and every range that holds
        // one of them (their first copies too).
        int upTo = 0;
        for (long seen = suspectsPerRange[0]; seen <= DuplicateKeys.MAX_SUSPECTS && upTo < rangeCount - 1; seen += suspectsPerRange[upTo]) upTo++;
        int lastWanted = upTo;
        Set<Long> wanted = new HashSet<>();
        BitSet toRead = new BitSet(rangeCount);
        List<Callable<Void>> gather = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            int part = p;
            gather.add(() -> {
                Sorted s = sorted(part);
                long[] a = s.words();
                Set<Long> f = new HashSet<>();
                BitSet rs = new BitSet();
                for (int i = 0, j; i < s.n(); i = j) {
                    long fp = a[i] & ~rangeMask;
                    j = i + 1;
                    while (j < s.n() && (a[j] & ~rangeMask) == fp) j++;
                    if (j - i < 2 || (a[i + 1] & rangeMask) > lastWanted) continue;
                    f.add(fp);
                    for (int k = i; k < j; k++) rs.set((int) (a[k] & rangeMask));
                }
                synchronized (wanted) {
                    wanted.addAll(f);
                    toRead.or(rs);
                }
                return null;
            });
        }
        runAll(pool, gather);
        // The keys of those fingerprints, read again from their ranges, in file order.
        List<Callable<List<DuplicateKeys.Occurrence>>> reads = new ArrayList<>();
        for (int r = toRead.nextSetBit(0); r >= 0; r = toRead.nextSetBit(r + 1)) {
            ParallelCheck.Range range = ranges.get(r);
            reads.add(() -> reread(file, range, wanted));
        }
        List<DuplicateKeys.Occurrence> found = new ArrayList<>();
        for (List<DuplicateKeys.Occurrence> part : runAll(pool, reads)) found.addAll(part);
        return DuplicateKeys.problems(found, suspects > DuplicateKeys.MAX_SUSPECTS);
    }

    /** The keys of {@code range} whose fingerprint is wanted, read by the framing the planner found sound. */
    private List<DuplicateKeys.Occurrence> reread(InputFile file, ParallelCheck.Range range, Set<Long> wanted) throws IOException {
        List<DuplicateKeys.Occurrence> out = new ArrayList<>();
        try (RdbReader r = RdbReader.resume(file, range.start(), range.context())) {
            while (r.offset() < range.end() || r.inValue()) {
                RdbToken t = r.next();
                if (t == RdbToken.END || t == RdbToken.EOF) break;
                if (t != RdbToken.KEY) continue;
                long h = hash.of(r.db(), r.key());
                if (wanted.contains(h & ~rangeMask)) out.add(new DuplicateKeys.Occurrence(r.db(), r.key(), r.tokenOffset(), h));
                r.skipValue(RdbReader.Skip.FRAMING);
            }
        } catch (RdbFormatException e) {
            // The framing breaks here, where the planner stopped too: the keys before it were read.
        }
        return out;
    }

    private static <V> List<V> runAll(ExecutorService pool, List<Callable<V>> tasks) throws IOException {
        List<Future<V>> futures = new ArrayList<>();
        for (Callable<V> t : tasks) futures.add(pool.submit(t));
        List<V> out = new ArrayList<>();
        try {
            for (Future<V> f : futures) out.add(f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("check interrupted");
        } catch (ExecutionException e) {
            throw ParallelRanges.rethrow(e.getCause());
        } finally {
            for (Future<V> f : futures) f.cancel(true);
        }
        return out;
    }

    /** Whether the words went to a temporary file (the budget was passed). */
    boolean spilled() {
        return spill != null;
    }

    /** Removes the temporary file. */
    @Override
    public void close() throws IOException {
        if (spill == null) return;
        try {
            spill.close();
        } finally {
            spool.close();
        }
    }
}
