package dev.salvor.memory;

import dev.salvor.rdb.ElementKind;
import dev.salvor.rdb.RdbEncoding;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.StringRef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The memory models other tools publish, re-implemented from their per-type formulas so they can
 * be compared with the servers on the same data: redis-rdb-tools' memory profiler (rdbtools
 * memprofiler.py) and HDT3213/rdb's (memprofiler/*.go). Both size a key as a dict entry, the key's
 * sds, an object header and an expiry entry, plus the value: a ziplist/listpack/intset at its
 * serialized length, a hashtable or skiplist from fixed per-entry overheads, strings that parse as
 * integers at nothing, a jemalloc table with 8-byte steps. Neither reads RDB 10+ listpack types;
 * those are given their serialized length, as both do for ziplists. Where a tool draws random
 * skiplist levels, the mean level is used.
 */
final class PeerModels {
    private PeerModels() {
    }

    /** Size classes of the peers' tables: 8-byte steps to 64, then jemalloc's four per doubling. */
    static long peerJemalloc(long n) {
        if (n <= 64) return Math.max(8, (n + 7) & ~7L);
        return Allocator.JEMALLOC.usable(n);
    }

    private static long nextPower(long n) {
        long p = 1;
        while (p <= n) p <<= 1;
        return p;
    }

    // ------------------------------------------------------------------ redis-rdb-tools

    /** rdbtools: does Python's int() accept these bytes (whitespace, sign, digits with single underscores)? */
    static boolean pythonInt(byte[] a, int off, int len) {
        int i = off, end = off + len;
        while (i < end && Character.isWhitespace(a[i])) i++;
        while (end > i && Character.isWhitespace(a[end - 1])) end--;
        if (i < end && (a[i] == '+' || a[i] == '-')) i++;
        if (i >= end) return false;
        boolean lastDigit = false;
        for (; i < end; i++) {
            byte c = a[i];
            if (c >= '0' && c <= '9') {
                lastDigit = true;
            } else if (c == '_' && lastDigit) {
                lastDigit = false;
            } else {
                return false;
            }
        }
        return lastDigit;
    }

    private static long rdbToolsString(StringRef s) {
        if (s.isInteger()) return 0;
        if (pythonInt(s.array(), s.offset(), s.length())) return 0;
        return rdbToolsSds(s.length());
    }

    private static long rdbToolsString(byte[] b) {
        if (pythonInt(b, 0, b.length)) return 0;
        return rdbToolsSds(b.length);
    }

    private static long rdbToolsSds(long l) {
        if (l < 32) return peerJemalloc(l + 2);
        if (l < 256) return peerJemalloc(l + 4);
        if (l < 65536) return peerJemalloc(l + 6);
        if (l < (1L << 32)) return peerJemalloc(l + 10);
        return peerJemalloc(l + 18);
    }

    private static double rdbToolsHashtable(long n) {
        return 4 + 7 * 8 + 4 * 8 + nextPower(n) * 8 * 1.5;
    }

    private static long rdbToolsZipEntry(StringRef s) {
        long header;
        long size;
        if (s.isInteger()) {
            long v = s.integer();
            header = 1;
            size = v < 12 ? 0 : v < (1 << 8) ? 1 : v < (1 << 16) ? 2 : v < (1 << 24) ? 3 : v < (1L << 32) ? 4 : 8;
        } else {
            size = s.length();
            header = size <= 63 ? 1 : size <= 16383 ? 2 : 5;
        }
        return (size < 254 ? 1 : 5) + header + size;
    }

    private static double rdbToolsRax(long elements) {
        long nodes = (long) (elements * 2.5);
        return 16.0 * elements + nodes * 4 + nodes * 30 * 8;
    }

    /** redis-rdb-tools' estimate of the key at the reader's KEY token (reads it to KEY_END). */
    static long rdbTools(RdbReader r) throws IOException {
        RdbEncoding enc = r.encoding();
        byte[] key = r.key();
        int blob = r.containerLength();
        double size = 24 + rdbToolsString(key) + 16 + (r.expireAtMs() >= 0 ? 24 + 8 : 0);
        boolean hashtable = switch (enc) {
            case SET_PLAIN, HASH_PLAIN, HASH_METADATA, HASH_METADATA_PRE_GA, HASH_2 -> true;
            default -> false;
        };
        boolean skiplist = enc == RdbEncoding.ZSET_2 || enc == RdbEncoding.ZSET_TEXT_SCORES;
        long count = 0;
        long zips = 1;
        long zipSize = 0;
        double listBytes = 0;
        long listpacks = 0;
        int lastContainer = r.containersOpened();
        double groups = 0;
        long pending = 0;
        long consumerPending = 0;
        boolean inGroup = false;
        boolean inConsumer = false;
        double value = 0;
        RdbToken t;
        while ((t = r.next()) == RdbToken.ELEMENT) {
            ElementKind k = r.elementKind();
            switch (enc.type()) {
                case STRING -> value = rdbToolsString(r.item());
                case LIST -> {
                    long z = rdbToolsZipEntry(r.item());
                    if (zipSize + z > 8192) {
                        zipSize = z;
                        zips++;
                    } else {
                        zipSize += z;
                    }
                    listBytes += z;
                }
                case SET -> {
                    count++;
                    if (hashtable) value += rdbToolsString(r.item()) + 24;
                }
                case HASH -> {
                    count++;
                    if (hashtable) value += rdbToolsString(r.item()) + rdbToolsString(r.hashValue()) + 24;
                }
                case ZSET -> {
                    count++;
                    if (skiplist) value += 8 + rdbToolsString(r.item()) + 24 + 16 + 8 + 16 * (4.0 / 3);
                }
                case STREAM -> {
                    if (k == ElementKind.STREAM_ENTRY && r.containersOpened() != lastContainer) {
                        listpacks += r.containersOpened() - lastContainer;
                        value += peerJemalloc(r.containerLength());
                        lastContainer = r.containersOpened();
                    } else if (k == ElementKind.STREAM_GROUP) {
                        if (inConsumer) groups += rdbToolsRax(consumerPending);
                        if (inGroup) groups += rdbToolsRax(pending) + pending * 24.0;
                        inGroup = true;
                        inConsumer = false;
                        pending = 0;
                        groups += 8 * 2 + 16;
                    } else if (k == ElementKind.STREAM_GROUP_PENDING) {
                        pending++;
                    } else if (k == ElementKind.STREAM_CONSUMER) {
                        if (inConsumer) groups += rdbToolsRax(consumerPending);
                        inConsumer = true;
                        consumerPending = 0;
                        groups += 8 * 2 + 8 + rdbToolsString(r.consumerName().toBytes());
                    } else if (k == ElementKind.STREAM_CONSUMER_PENDING) {
                        consumerPending++;
                    }
                }
                case MODULE -> value = 9 + (r.moduleValueEnd() - r.moduleValueStart());
            }
        }
        switch (enc.type()) {
            case LIST -> size += 32 + 48.0 * zips + 11.0 * zips + listBytes;
            case SET, HASH -> size += hashtable ? rdbToolsHashtable(count) + value : blob + value;
            case ZSET -> size += skiplist ? 16 + rdbToolsHashtable(count) + 32 + value : blob;
            case STREAM -> {
                if (inConsumer) groups += rdbToolsRax(consumerPending);
                if (inGroup) groups += rdbToolsRax(pending) + pending * 24.0;
                size += 8 * 2 + 8 + 16 + 8 + 8 * 2 + value + rdbToolsRax(listpacks) + groups;
            }
            default -> size += value;
        }
        return Math.round(size);
    }

    // ------------------------------------------------------------------ HDT3213/rdb

    /** Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits, in range. */
    static boolean goInt(byte[] a, int off, int len) {
        int i = off, end = off + len;
        if (i < end && (a[i] == '+' || a[i] == '-')) i++;
        if (i >= end) return false;
        for (int j = i; j < end; j++) if (a[j] < '0' || a[j] > '9') return false;
        try {
            Long.parseLong(new String(a, off, len, StandardCharsets.US_ASCII).replace("+", ""));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static long hdtString(byte[] a, int off, int len) {
        if (goInt(a, off, len)) return 0;
        if (len < 32) return peerJemalloc(len + 2);
        if (len < 256) return peerJemalloc(len + 3);
        if (len < 25536) return peerJemalloc(len + 6);
        if (len < (1L << 32)) return peerJemalloc(len + 10);
        return peerJemalloc(len + 18);
    }

    private static long hdtString(StringRef s) {
        byte[] b = s.toBytes();
        return hdtString(b, 0, b.length);
    }

    private static long hdtHashtable(long n) {
        return 4 + 7 * 8 + 4 * 8 + nextPower(n) * 8 * 3 / 2;
    }

    private static long hdtZipEntry(StringRef s) {
        byte[] b = s.toBytes();
        long size;
        long header = 1;
        if (goInt(b, 0, b.length) && b.length <= 19) {
            long v = Long.parseLong(new String(b, StandardCharsets.US_ASCII).replace("+", ""));
            size = v < 12 ? 0 : v < (1 << 8) ? 1 : v < (1 << 16) ? 2 : v < (1 << 24) ? 3 : v < (1L << 32) ? 4 : 8;
        } else {
            size = b.length;
            header = size <= 63 ? 1 : 5;
        }
        long prev = size < 254 ? 5 : 1;
        return prev + header + size;
    }

    private static long hdtRax(long elements) {
        long nodes = (long) (elements * 2.5);
        return 16 * elements + 4 * nodes + 30 * 8 * nodes;
    }

    /** HDT3213/rdb's estimate of the key at the reader's KEY token (reads it to KEY_END). */
    static long hdt3213(RdbReader r) throws IOException {
        RdbEncoding enc = r.encoding();
        byte[] key = r.key();
        int blob = r.containerLength();
        long size = 24 + hdtString(key, 0, key.length) + 16 + (r.expireAtMs() >= 0 ? 24 + 8 : 0);
        boolean hashtable = switch (enc) {
            case SET_PLAIN, HASH_PLAIN, HASH_METADATA, HASH_METADATA_PRE_GA, HASH_2 -> true;
            default -> false;
        };
        boolean skiplist = enc == RdbEncoding.ZSET_2 || enc == RdbEncoding.ZSET_TEXT_SCORES;
        long count = 0;
        long value = 0;
        int lastContainer = r.containersOpened();
        long nodes = 0;
        long nodeBytes = 0;
        long zipNodeBytes = 0;
        java.util.List<Long> firstStrings = new java.util.ArrayList<>();
        java.util.List<Boolean> plain = new java.util.ArrayList<>();
        long streamNodes = 0;
        long groups = 0;
        long pending = 0;
        long consumerPending = 0;
        boolean inGroup = false;
        boolean inConsumer = false;
        int streamVersion = enc == RdbEncoding.STREAM_LISTPACKS ? 1 : 2;
        RdbToken t;
        while ((t = r.next()) == RdbToken.ELEMENT) {
            ElementKind k = r.elementKind();
            switch (enc.type()) {
                case STRING -> value = hdtString(r.item());
                case LIST -> {
                    if (firstStrings.size() < 1_000_000) firstStrings.add(hdtString(r.item()));
                    count++;
                    if (r.containersOpened() != lastContainer) {
                        nodes++;
                        lastContainer = r.containersOpened();
                        if (enc == RdbEncoding.LIST_QUICKLIST_2) {
                            boolean isPlain = !r.item().isInteger() && r.containerLength() == r.item().length();
                            plain.add(isPlain);
                            if (!isPlain) nodeBytes += r.containerLength();
                        } else {
                            zipNodeBytes += 11;
                        }
                    }
                    if (enc != RdbEncoding.LIST_QUICKLIST_2) zipNodeBytes += enc == RdbEncoding.LIST_LINKED ? 0 : hdtZipEntry(r.item());
                    if (enc == RdbEncoding.LIST_LINKED) value += 24 + hdtString(r.item());
                }
                case SET -> {
                    count++;
                    if (hashtable) value += 24 + hdtString(r.item());
                }
                case HASH -> {
                    count++;
                    if (hashtable) value += 24 + hdtString(r.item()) + hdtString(r.hashValue());
                }
                case ZSET -> {
                    count++;
                    if (skiplist) value += hdtString(r.item()) + 8 + 24 + 16 + 8 + Math.round(16 * 1.33);
                }
                case STREAM -> {
                    if (k == ElementKind.STREAM_ENTRY && r.containersOpened() != lastContainer) {
                        streamNodes += r.containersOpened() - lastContainer;
                        lastContainer = r.containersOpened();
                    } else if (k == ElementKind.STREAM_GROUP) {
                        if (inConsumer) groups += hdtRax(consumerPending);
                        if (inGroup) groups += hdtRax(pending) + pending * 24;
                        inGroup = true;
                        inConsumer = false;
                        pending = 0;
                        groups += 16 + 16 + (streamVersion >= 2 ? 8 : 0);
                    } else if (k == ElementKind.STREAM_GROUP_PENDING) {
                        pending++;
                    } else if (k == ElementKind.STREAM_CONSUMER) {
                        if (inConsumer) groups += hdtRax(consumerPending);
                        inConsumer = true;
                        consumerPending = 0;
                        groups += 16 + 8 + hdtString(r.consumerName());
                    } else if (k == ElementKind.STREAM_CONSUMER_PENDING) {
                        consumerPending++;
                    }
                }
                default -> {
                    // module values: not sized by this tool
                }
            }
        }
        switch (enc.type()) {
            case LIST -> {
                switch (enc) {
                    case LIST_QUICKLIST_2 -> {
                        size += 40 + 36 * nodes + nodeBytes;
                        for (int i = 0; i < plain.size(); i++) if (plain.get(i) && i < firstStrings.size()) size += firstStrings.get(i);
                    }
                    case LIST_QUICKLIST -> size += 32 + 48 * nodes + zipNodeBytes;
                    case LIST_ZIPLIST -> size += zipNodeBytes;
                    default -> size += 48 + value;
                }
            }
            case SET, HASH -> size += hashtable ? hdtHashtable(count) + value : blob;
            case ZSET -> size += skiplist ? 16 + hdtHashtable(count) + 32 + value : blob;
            case STREAM -> {
                if (inConsumer) groups += hdtRax(consumerPending);
                if (inGroup) groups += hdtRax(pending) + pending * 24;
                size += 16 + 8 + 16 + 8 + 16 + hdtRax(streamNodes) + (streamVersion >= 2 ? 40 : 0) + groups;
            }
            default -> size += value;
        }
        return size;
    }
}
