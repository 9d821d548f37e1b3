package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;
import static dev.salvor.rdb.RdbFormatException.Reason.LIMIT_EXCEEDED;

import dev.salvor.format.ByteWindow;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Dragonfly's probabilistic types, read field by field as its loader reads them (dragonfly
 * src/server/rdb_load.cc at f8eca6d: ReadSBFImpl for 33 and 34, ReadCMS for 35, ReadTOPK for 36,
 * ReadCuckoo for 37; written by rdb_save.cc), with the checks its loader makes, each a located
 * error. The fields become typed items of a {@link ModuleValue} (numbers as UINT or DOUBLE, bit
 * arrays and counters as STRING, raw as saved) with their names.
 */
final class DragonflySketches {
    /** rdb_load.cc ReadSBFImpl: a populated filter's error rate is at most kMaxSBFFpProb (core/bloom.h). */
    private static final double MAX_FP_PROB = 0.5;
    private static final long U32 = 0xffffffffL;

    private final RdbInput in;
    private final RdbStrings strings;
    private final String what;
    private List<ModuleValue.Item> items;
    private final List<String> names;
    private final long keep;
    private long kept;

    private DragonflySketches(RdbInput in, RdbStrings strings, RdbEncoding encoding, List<String> names, long keep) {
        this.in = in;
        this.strings = strings;
        this.what = "Dragonfly " + typeName(encoding);
        this.names = names;
        this.keep = keep;
        this.items = names == null ? null : new ArrayList<>();
    }

    static boolean reads(RdbEncoding e) {
        return e == RdbEncoding.DF_SBF || e == RdbEncoding.DF_SBF2 || e == RdbEncoding.DF_CMS || e == RdbEncoding.DF_TOPK || e == RdbEncoding.DF_CUCKOO;
    }

    /** The type's name in exports: "bloom", "count-min", "topk", "cuckoo". */
    static String typeName(RdbEncoding e) {
        return switch (e) {
            case DF_CMS -> "count-min";
            case DF_TOPK -> "topk";
            case DF_CUCKOO -> "cuckoo";
            default -> "bloom";
        };
    }

    /**
     * Reads one value; with {@code names} not null, returns its items (their names added to
     * {@code names}), or null when it held more than {@code keep} bytes (then only framed).
     */
    static List<ModuleValue.Item> read(RdbInput in, RdbStrings strings, RdbEncoding encoding, List<String> names, long keep) throws IOException {
        DragonflySketches d = new DragonflySketches(in, strings, encoding, names, keep);
        switch (encoding) {
            case DF_SBF, DF_SBF2 -> d.bloom(encoding == RdbEncoding.DF_SBF2);
            case DF_CMS -> d.countMin();
            case DF_TOPK -> d.topK();
            default -> d.cuckoo();
        }
        return d.items;
    }

    // ------------------------------------------------------------------ the layouts

    private void bloom(boolean chunked) throws IOException {
        long at = in.offset();
        if (in.length(what + " options") != 0) throw bad(at, "options are reserved and 0");
        at = in.offset();
        double grow = in.binaryDouble(what + " growth factor");
        if (!Double.isFinite(grow) || grow < 1.0) throw bad(at, "growth factor " + grow + " is below 1 or not finite");
        dbl("grow_factor", grow);
        at = in.offset();
        double fp = in.binaryDouble(what + " error rate");
        dbl("fp_prob", fp);
        long prev = uint("prev_size", in.length(what + " previous size"));
        long cur = uint("current_size", in.length(what + " current size"));
        long cap = uint("max_capacity", in.length(what + " capacity"));
        long filters = in.count(what + " filter count");
        boolean ok = filters == 0 ? fp == 0 && prev == 0 && cur == 0 && cap == 0 : fp > 0 && fp <= MAX_FP_PROB;
        if (!ok) throw bad(at, "error rate " + fp + " and sizes do not fit " + filters + " filter(s)");
        for (long i = 0; i < filters; i++) {
            uint("hash_count", in.length(what + " hash count"));
            at = in.offset();
            long size = chunked ? chunks("filter", 1) : string("filter");
            // ReadSBFImpl append_filter: a filter's bit count is a power of two.
            if (size == 0 || Long.bitCount(size * 8) != 1) throw bad(at, "filter of " + size + " bytes is not a power of two bits");
        }
    }

    private void countMin() throws IOException {
        long at = in.offset();
        long width = uint("width", in.length(what + " width"));
        long depth = uint("depth", in.length(what + " depth"));
        if (width == 0 || depth == 0 || width > U32 || depth > U32) throw bad(at, "width " + width + " and depth " + depth + " are not in 1 to 2^32-1");
        uint("total_count", in.length(what + " total count"));
        long bytes = width * depth * 8;
        if (bytes > in.in.remainingBound()) throw in.error(RdbFormatException.Reason.TRUNCATED, in.offset(), what + ": " + width + " x " + depth + " counters run past the end of the input");
        raw("counters", bytes);
    }

    private void topK() throws IOException {
        long at = in.offset();
        if (in.length(what + " options") != 0) throw bad(at, "options are reserved and 0");
        at = in.offset();
        long k = uint("k", in.length(what + " k"));
        long width = uint("width", in.length(what + " width"));
        long depth = uint("depth", in.length(what + " depth"));
        if (k == 0 || width == 0 || depth == 0 || k > U32 || width > U32 || depth > U32) {
            throw bad(at, "k " + k + ", width " + width + " and depth " + depth + " are not in 1 to 2^32-1");
        }
        at = in.offset();
        double decay = in.binaryDouble(what + " decay");
        if (!Double.isFinite(decay) || decay < 0 || decay > 1) throw bad(at, "decay " + decay + " is not in 0 to 1");
        dbl("decay", decay);
        at = in.offset();
        long heap = in.count(what + " heap size");
        if (heap > k) throw bad(at, "heap of " + heap + " items for k " + k);
        for (long i = 0; i < heap; i++) {
            string("item");
            at = in.offset();
            if (uint("count", in.length(what + " item count")) > U32) throw bad(at, "item count over 2^32-1");
        }
        at = in.offset();
        long size = string("counters");
        if (size != width * depth * 4) throw bad(at, "counters of " + size + " bytes for width " + width + " and depth " + depth + " (4 bytes each)");
    }

    private void cuckoo() throws IOException {
        long at = in.offset();
        long spb = uint("slots_per_bucket", in.length(what + " slots per bucket"));
        long iterations = uint("max_iterations", in.length(what + " max iterations"));
        long expansion = uint("expansion", in.length(what + " expansion"));
        if (spb == 0 || spb > 255 || iterations == 0 || iterations > 65535 || expansion > 65535 || expansion != 0 && Long.bitCount(expansion) != 1) {
            throw bad(at, "slots per bucket " + spb + ", max iterations " + iterations + ", expansion " + expansion + " are not ones Dragonfly writes");
        }
        at = in.offset();
        long buckets = uint("num_buckets", in.length(what + " buckets"));
        if (Long.bitCount(buckets) != 1) throw bad(at, buckets + " buckets is not a power of two");
        uint("num_items", in.length(what + " items"));
        uint("num_deletes", in.length(what + " deletes"));
        at = in.offset();
        long filters = in.count(what + " filter count");
        if (filters == 0) throw bad(at, "no filter");
        for (long i = 0; i < filters; i++) chunks("filter", spb);
    }

    // ------------------------------------------------------------------ fields

    private RdbFormatException bad(long at, String detail) {
        return in.error(BAD_ENCODING, at, what + ": " + detail + " (Dragonfly's loader refuses it)");
    }

    private boolean keeping() {
        return items != null;
    }

    private void add(String name, ModuleValue.Item item, long size) {
        if (!keeping()) return;
        kept += 16 + size;
        if (kept > keep) {
            items = null;
            return;
        }
        items.add(item);
        names.add(name);
    }

    private long uint(String name, long v) {
        add(name, new ModuleValue.Item(ModuleValue.Kind.UINT, v, null), 0);
        return v;
    }

    private void dbl(String name, double d) {
        add(name, new ModuleValue.Item(ModuleValue.Kind.DOUBLE, Double.doubleToRawLongBits(d), null), 0);
    }

    /** An RDB string (FetchGenericString); its length. */
    private long string(String name) throws IOException {
        String w = what + " " + name.replace('_', ' ');
        if (!keeping()) {
            strings.read(strings.scratch, w, in.constraints.maxStringSize());
            return strings.scratch.length();
        }
        strings.read(strings.scratch, w, in.constraints.maxStringSize());
        byte[] b = strings.scratch.toBytes();
        add(name, new ModuleValue.Item(ModuleValue.Kind.STRING, 0, b), b.length);
        return b.length;
    }

    /** {@code n} bytes as saved (the count-min counters, 8 bytes each, little-endian). */
    private void raw(String name, long n) throws IOException {
        String w = what + " " + name;
        if (!keeping() || n > keep - kept) {
            in.skip(n, w);
            if (keeping()) add(name, null, n);
            return;
        }
        byte[] b = new byte[(int) n];
        copy(b, 0, (int) n, w);
        add(name, new ModuleValue.Item(ModuleValue.Kind.STRING, 0, b), n);
    }

    /**
     * A blob saved in chunks (SBF2 filters, cuckoo filters): its total size (not 0, a multiple of
     * {@code unit}), then chunks of a length (not 0, at most what is left) and that many bytes.
     */
    private long chunks(String name, long unit) throws IOException {
        String w = what + " " + name;
        long at = in.offset();
        long total = in.length(w + " size");
        if (total == 0 || total % unit != 0) throw bad(at, name + " of " + total + " bytes (a non-zero multiple of " + unit + ")");
        if (total > in.constraints.maxStringSize()) throw in.error(LIMIT_EXCEEDED, at, w + " of " + total + " bytes exceeds the limit of " + in.constraints.maxStringSize());
        if (total > in.in.remainingBound()) throw in.error(RdbFormatException.Reason.TRUNCATED, at, w + " of " + total + " bytes runs past the end of the input");
        boolean keepIt = keeping() && total <= keep - kept;
        byte[] b = keepIt ? new byte[(int) total] : null;
        long done = 0;
        while (done < total) {
            long chunkAt = in.offset();
            long n = in.length(w + " chunk size");
            if (n == 0 || n > total - done) throw bad(chunkAt, name + " chunk of " + n + " bytes with " + (total - done) + " of " + total + " left");
            if (b != null) copy(b, (int) done, (int) n, w + " chunk");
            else in.skip(n, w + " chunk");
            done += n;
        }
        if (keeping()) add(name, b == null ? null : new ModuleValue.Item(ModuleValue.Kind.STRING, 0, b), total);
        return total;
    }

    private void copy(byte[] dst, int off, int n, String w) throws IOException {
        ByteWindow s = in.in;
        while (n > 0) {
            if (!s.request(1)) throw in.truncated(w);
            int take = Math.min(n, s.available());
            System.arraycopy(s.array(), s.position(), dst, off, take);
            s.advance(take);
            off += take;
            n -= take;
        }
    }
}
