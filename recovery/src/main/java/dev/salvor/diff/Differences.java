package dev.salvor.diff;

import dev.salvor.io.Spool;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The differences of one comparison, in (db, key) order: held in memory while they fit a budget,
 * then written to a temporary file and read back as a stream, so any number of differences (an
 * endless "only in B" side included) is reported in a fixed heap. Counts are kept as they come.
 */
public final class Differences implements Iterable<Difference> {
    private final List<Difference> memory;
    private final Path file;
    private final long size;
    private final Map<String, Long> byKind;
    private final Map<String, Long> byDbAndType;

    private Differences(List<Difference> memory, Path file, long size, Map<String, Long> byKind, Map<String, Long> byDbAndType) {
        this.memory = memory;
        this.file = file;
        this.size = size;
        this.byKind = byKind;
        this.byDbAndType = byDbAndType;
    }

    /** Differences already in memory (small results, tests). */
    public static Differences of(List<Difference> list) {
        Writer w = new Writer(null, Long.MAX_VALUE, false);
        try {
            for (Difference d : list) w.add(d);
            return w.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Whether they were written to disk. */
    public boolean spilled() {
        return file != null;
    }

    /** Counts by kind (lower-case names). */
    public Map<String, Long> countsByKind() {
        return byKind;
    }

    /** Counts by "db&lt;N&gt;/&lt;type&gt;", changes during the read left out. */
    public Map<String, Long> countsByDbAndType() {
        return byDbAndType;
    }

    /** The first {@code n}, in order. */
    public List<Difference> first(int n) {
        List<Difference> out = new ArrayList<>();
        for (Difference d : this) {
            if (out.size() >= n) break;
            out.add(d);
        }
        return out;
    }

    /** All of them in a list: only for results known to be small. */
    public List<Difference> list() {
        return first(Integer.MAX_VALUE);
    }

    public Stream<Difference> stream() {
        return StreamSupport.stream(Spliterators.spliterator(iterator(), size, 0), false);
    }

    @Override
    public Iterator<Difference> iterator() {
        if (file == null) return memory.iterator();
        try {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            return new Iterator<>() {
                private Difference next = read(in);

                @Override
                public boolean hasNext() {
                    return next != null;
                }

                @Override
                public Difference next() {
                    if (next == null) throw new NoSuchElementException();
                    Difference d = next;
                    next = read(in);
                    return d;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return size + " differences" + (file != null ? " in " + file : ": " + memory);
    }

    private static Difference read(DataInputStream in) {
        try {
            int kind;
            try {
                kind = in.readByte();
            } catch (EOFException end) {
                in.close();
                return null;
            }
            int db = in.readInt();
            byte[] key = new byte[in.readInt()];
            in.readFully(key);
            String typeA = readString(in), typeB = readString(in);
            long expA = in.readLong(), expB = in.readLong();
            int n = in.readInt();
            List<String> details = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) details.add(readString(in));
            return new Difference(Difference.Kind.values()[kind], db, key, typeA, typeB, expA, expB, List.copyOf(details));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    /** Collects differences given in order; past the budget, they go to a file of the spool. */
    static final class Writer {
        private final Spool spool;
        private final long budget;
        private List<Difference> memory = new ArrayList<>();
        private long bytes;
        private long size;
        private Path file;
        private DataOutputStream out;
        private final Map<String, Long> byKind = new TreeMap<>();
        private final Map<String, Long> byDbType = new TreeMap<>();

        private final boolean strict;

        /** {@code strict}: keys dropped on load count in the totals by database and type too. */
        Writer(Spool spool, long budgetBytes, boolean strict) {
            this.spool = spool;
            this.budget = budgetBytes;
            this.strict = strict;
        }

        void add(Difference d) throws IOException {
            size++;
            byKind.merge(d.kind().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
            if (DiffEngine.counts(d, strict)) {
                byDbType.merge("db" + d.db() + "/" + (d.typeA() != null ? d.typeA() : d.typeB()), 1L, Long::sum);
            }
            if (out != null) {
                write(d);
                return;
            }
            memory.add(d);
            bytes += 128 + 2L * d.key().length;
            for (String s : d.details()) bytes += 48 + 2L * s.length();
            if (bytes > budget) {
                file = spool.newFile("diff-", ".bin");
                out = new DataOutputStream(new BufferedOutputStream(spool.charged(Files.newOutputStream(file), "diff: differences in " + file), 1 << 16));
                for (Difference m : memory) write(m);
                memory = null;
            }
        }

        private void write(Difference d) throws IOException {
            out.writeByte(d.kind().ordinal());
            out.writeInt(d.db());
            out.writeInt(d.key().length);
            out.write(d.key());
            writeString(out, d.typeA());
            writeString(out, d.typeB());
            out.writeLong(d.expireA());
            out.writeLong(d.expireB());
            out.writeInt(d.details().size());
            for (String s : d.details()) writeString(out, s);
        }

        Differences finish() throws IOException {
            if (out != null) out.close();
            return new Differences(memory == null ? null : List.copyOf(memory), file, size, byKind, byDbType);
        }
    }
}
