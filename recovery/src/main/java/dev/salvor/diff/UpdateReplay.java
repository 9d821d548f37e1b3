package dev.salvor.diff;

import dev.salvor.export.KeySelector;
import dev.salvor.format.ByteKey;
import dev.salvor.format.InputFile;
import dev.salvor.rdb.ElementView;
import dev.salvor.rdb.KeyHeader;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import dev.salvor.rdb.RedisType;
import dev.salvor.rdb.walk.RdbVisitor;
import dev.salvor.rdb.walk.RdbWalker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a Valkey server holds after it loads a file with UPDATE records (opcode 242): the commands
 * a forkless save wrote into the snapshot it streamed to a replica, each after a SELECTDB of its
 * database (valkey src/forkless.c writeReplicationData), which the loader runs in file order as
 * it meets them, through the command replay it shares with AOF loading (valkey src/rdb.h
 * loadCommandFromArgv): a command acts on the keys loaded before it, with the command's own
 * semantics (a key it names that is not there is a missing key to it; a command that fails, say
 * on the wrong type, changes nothing).
 * <p>
 * A first pass over the file ({@link #prepare}) finds the keys the commands name and where FLUSHDB
 * and FLUSHALL run; the diff's pass then streams every other key as before, holds the values of
 * the named keys only (so memory is bounded by what the commands touch, not by the file), runs the
 * commands on them in order, and hands out their final state at the end. A command Salvor does not
 * apply is never skipped silently: the keys it names become unreadable values whose message
 * locates it, and {@link #notices()} lists it.
 */
final class UpdateReplay {
    /** A key of one database, compared by bytes. */
    private record Ref(int db, ByteKey key) {
    }

    /** A hash field's value and its expiry (-1: none). */
    private record Field(byte[] value, long expireAtMs) {
    }

    /**
     * One key as it stands. A string, list, set, sorted set or hash is held element by element;
     * another type is held by its fingerprint and where the file has it (commands that move or
     * delete a key still apply to it; one that changes its value does not). {@code unknown} says
     * why the value is not known (a command not applied), with where.
     */
    private static final class Held {
        RedisType type;
        long expireAtMs = -1;
        byte[] string;
        List<byte[]> list;
        LinkedHashSet<ByteKey> set;
        LinkedHashMap<ByteKey, Double> zset;
        LinkedHashMap<ByteKey, Field> hash;
        ValueDigest opaque;
        long locator = -1;
        String unknown;

        Held copy() {
            Held h = new Held();
            h.type = type;
            h.expireAtMs = expireAtMs;
            h.string = string;
            if (list != null) h.list = new ArrayList<>(list);
            if (set != null) h.set = new LinkedHashSet<>(set);
            if (zset != null) h.zset = new LinkedHashMap<>(zset);
            if (hash != null) h.hash = new LinkedHashMap<>(hash);
            h.opaque = opaque;
            h.locator = locator;
            h.unknown = unknown;
            return h;
        }

        boolean empty() {
            return list != null && list.isEmpty() || set != null && set.isEmpty() || zset != null && zset.isEmpty() || hash != null && hash.isEmpty();
        }

        static Held of(RedisType type) {
            Held h = new Held();
            h.type = type;
            switch (type) {
                case LIST -> h.list = new ArrayList<>();
                case SET -> h.set = new LinkedHashSet<>();
                case ZSET -> h.zset = new LinkedHashMap<>();
                case HASH -> h.hash = new LinkedHashMap<>();
                default -> {
                }
            }
            return h;
        }

        static Held unknown(RedisType type, String why) {
            Held h = new Held();
            h.type = type;
            h.unknown = why;
            return h;
        }
    }

    /** Where a FLUSHDB (of {@code db}) or FLUSHALL ({@code db} -1) runs. */
    private final Map<Integer, Long> lastFlush = new HashMap<>();
    private long lastFlushAll = -1;
    private final Set<Ref> touched;
    private final String name;
    private final Map<Ref, Held> state = new HashMap<>();
    private final List<String> notices = new ArrayList<>();
    private long unapplied;
    /** Final values handed out, by {@code -2 - locator}: what {@link #fetch} returns for them. */
    private final List<Held> out = new ArrayList<>();

    private UpdateReplay(String name, Set<Ref> touched) {
        this.name = name;
        this.touched = touched;
    }

    static final int MAX_NOTICES = 100;

    /**
     * The first pass: the keys the file's UPDATE commands name and where its flushes run; null when
     * the file has no UPDATE record (nothing to replay, and nothing is held).
     */
    static UpdateReplay prepare(InputFile input, String name) throws IOException {
        Set<Ref> touched = new HashSet<>();
        UpdateReplay u = null;
        try (RdbReader r = RdbReader.open(input)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) {
                    r.skipValue(RdbReader.Skip.FRAMING);
                } else if (t == RdbToken.COMMAND) {
                    if (u == null) u = new UpdateReplay(name, touched);
                    List<byte[]> args = r.commandArgs();
                    String cmd = new String(args.get(0), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
                    if (cmd.equals("FLUSHALL")) u.lastFlushAll = r.tokenOffset();
                    else if (cmd.equals("FLUSHDB")) u.lastFlush.put(r.db(), r.tokenOffset());
                    for (Ref k : keysOf(cmd, args, r.db())) touched.add(k);
                }
            }
        }
        return u;
    }

    /** The keys a command names (for one Salvor does not know: its first argument, the usual place). */
    private static List<Ref> keysOf(String cmd, List<byte[]> args, int db) {
        List<Ref> keys = new ArrayList<>();
        int n = args.size();
        switch (cmd) {
            case "FLUSHALL", "FLUSHDB", "SWAPDB", "MULTI", "EXEC", "DISCARD", "PING", "PUBLISH", "SPUBLISH", "FUNCTION", "SCRIPT", "SELECT" -> {
            }
            case "DEL", "UNLINK" -> {
                for (int i = 1; i < n; i++) keys.add(new Ref(db, new ByteKey(args.get(i))));
            }
            case "MSET", "MSETNX" -> {
                for (int i = 1; i < n; i += 2) keys.add(new Ref(db, new ByteKey(args.get(i))));
            }
            case "RENAME", "RENAMENX", "SMOVE", "LMOVE", "RPOPLPUSH" -> {
                for (int i = 1; i < Math.min(n, 3); i++) keys.add(new Ref(db, new ByteKey(args.get(i))));
            }
            case "COPY" -> {
                if (n > 1) keys.add(new Ref(db, new ByteKey(args.get(1))));
                if (n > 2) {
                    int to = db;
                    for (int i = 3; i + 1 < n; i++) {
                        if (upper(args.get(i)).equals("DB")) {
                            Long d = integer(args.get(i + 1));
                            if (d != null && d >= 0 && d <= Integer.MAX_VALUE) to = (int) (long) d;
                        }
                    }
                    keys.add(new Ref(to, new ByteKey(args.get(2))));
                }
            }
            case "MOVE" -> {
                if (n > 1) keys.add(new Ref(db, new ByteKey(args.get(1))));
                if (n > 2) {
                    Long d = integer(args.get(2));
                    if (d != null && d >= 0 && d <= Integer.MAX_VALUE) keys.add(new Ref((int) (long) d, new ByteKey(args.get(1))));
                }
            }
            case "XGROUP", "XINFO", "OBJECT" -> {
                if (n > 2) keys.add(new Ref(db, new ByteKey(args.get(2))));
            }
            default -> {
                if (n > 1) keys.add(new Ref(db, new ByteKey(args.get(1))));
            }
        }
        return keys;
    }

    /** Whether the diff's pass must hand this key to {@link #load} instead of fingerprinting it. */
    boolean touched(int db, byte[] key) {
        return touched.contains(new Ref(db, new ByteKey(key)));
    }

    /** Whether a key the commands do not name is emptied by a FLUSHDB or FLUSHALL after it. */
    boolean flushedAfter(int db, long offset) {
        Long f = lastFlush.get(db);
        return f != null && f > offset || lastFlushAll > offset;
    }

    /** At a KEY token of a named key: its value as the file holds it (consumed to KEY_END). */
    void load(RdbReader r, long locator) throws IOException {
        Ref ref = new Ref(r.db(), new ByteKey(r.key()));
        long at = r.tokenOffset();
        Held h;
        RedisType type = r.type();
        if (type == RedisType.STRING || type == RedisType.LIST || type == RedisType.SET || type == RedisType.ZSET || type == RedisType.HASH) {
            Loader l = new Loader();
            RdbWalker.key(r, l);
            h = l.held;
        } else {
            h = new Held();
            h.type = type;
            h.expireAtMs = r.expireAtMs();
            h.locator = locator;
            h.opaque = ValueDigest.of(r);
        }
        if (state.containsKey(ref)) {
            // The loader finds the key already there (an earlier command made it): Valkey stops loading on a duplicate key.
            h = Held.unknown(type, name + ": key at byte offset " + at + " (db " + ref.db + ") was already made by an UPDATE command before it; "
                    + "the server refuses to load a file with a duplicated key");
            notice("byte offset " + at + " (db " + ref.db + "): a key an earlier UPDATE command made appears again; the server refuses to load such a file");
        }
        if (!h.empty()) state.put(ref, h);
    }

    /** Gathers a string, list, set, sorted set or hash element by element. */
    private static final class Loader implements RdbVisitor {
        Held held;

        @Override
        public Value beginKey(KeyHeader key) {
            held = Held.of(key.type());
            held.expireAtMs = key.expireAtMs();
            return Value.ELEMENTS;
        }

        @Override
        public void element(ElementView r) throws IOException {
            switch (held.type) {
                case STRING -> held.string = r.item().toBytes();
                case LIST -> held.list.add(r.item().toBytes());
                case SET -> held.set.add(new ByteKey(r.item().toBytes()));
                case ZSET -> held.zset.put(new ByteKey(r.item().toBytes()), r.score());
                case HASH -> held.hash.put(new ByteKey(r.item().toBytes()), new Field(r.hashValue().toBytes(), r.fieldExpireAtMs()));
                default -> {
                }
            }
        }
    }

    private void notice(String text) {
        unapplied++;
        if (notices.size() < MAX_NOTICES) notices.add(text);
    }

    /** What was not applied, or stops the file from loading, each with where; capped, with the rest counted. */
    List<String> notices() {
        if (unapplied <= notices.size()) return List.copyOf(notices);
        List<String> all = new ArrayList<>(notices);
        all.add("and " + (unapplied - notices.size()) + " more UPDATE commands not applied");
        return all;
    }

    /** A failure of the command as the server replays it: it changes nothing. */
    private static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused() {
            super(null, null, false, false);
        }
    }

    /** A command, or a form of one, that Salvor does not apply: why. */
    private static final class NotApplied extends Exception {
        private static final long serialVersionUID = 1L;

        NotApplied(String why) {
            super(why, null, false, false);
        }
    }

    /** At a COMMAND token: runs it on the keys as they stand, as the server does while loading. */
    void apply(int db, List<byte[]> args, long offset) {
        String cmd = upper(args.get(0));
        Map<Ref, Held> before = new HashMap<>();
        List<Ref> keys = keysOf(cmd, args, db);
        for (Ref k : keys) {
            Held h = state.get(k);
            before.put(k, h == null ? null : h.copy());
        }
        try {
            for (Ref k : keys) {
                Held h = state.get(k);
                if (h != null && h.unknown != null && !replaces(cmd, args)) throw new NotApplied("it acts on a key whose value is not known: " + h.unknown);
            }
            run(cmd, args, db);
        } catch (Refused e) {
            // The server answers with an error and changes nothing: undo a half-done change.
            restore(before);
        } catch (NotApplied e) {
            restore(before);
            String what = "the UPDATE command at byte offset " + offset + " (db " + db + "): " + describe(args) + " was not applied by Salvor (" + e.getMessage()
                    + "), so what the server holds for " + (keys.isEmpty() ? "the keys it acts on" : "this key") + " after loading is not known";
            for (Ref k : keys) {
                Held h = state.get(k);
                state.put(k, Held.unknown(h != null ? h.type : null, name + ": " + what));
            }
            notice(what + (keys.isEmpty() ? "" : "; keys: " + keyList(keys)));
        }
    }

    /** Whether the command sets a key whole whatever it held (so a key not known before is known after). */
    private static boolean replaces(String cmd, List<byte[]> args) {
        if (cmd.equals("DEL") || cmd.equals("UNLINK")) return true;
        if (cmd.equals("SET")) {
            for (int i = 3; i < args.size(); i++) {
                String o = upper(args.get(i));
                if (o.equals("NX") || o.equals("XX") || o.equals("GET") || o.equals("IFEQ") || o.equals("KEEPTTL")) return false;
            }
            return true;
        }
        return false;
    }

    private void restore(Map<Ref, Held> before) {
        for (Map.Entry<Ref, Held> e : before.entrySet()) {
            if (e.getValue() == null) state.remove(e.getKey());
            else state.put(e.getKey(), e.getValue());
        }
    }

    private static String keyList(List<Ref> keys) {
        StringBuilder sb = new StringBuilder();
        for (Ref k : keys) sb.append(sb.length() == 0 ? "" : ", ").append("db").append(k.db).append(' ').append(CollectedValue.text(k.key.bytes()));
        return sb.toString();
    }

    /** The command for a report: its arguments, each capped. */
    private static String describe(List<byte[]> args) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.size() && i < 8; i++) {
            String a = CollectedValue.text(args.get(i));
            sb.append(i == 0 ? "" : " ").append(a.length() > 40 ? a.substring(0, 40) + "..." : a);
        }
        if (args.size() > 8) sb.append(" ... (").append(args.size()).append(" arguments)");
        return sb.toString();
    }

    // ------------------------------------------------------------------ the commands

    private void run(String cmd, List<byte[]> a, int db) throws Refused, NotApplied {
        int n = a.size();
        switch (cmd) {
            case "MULTI", "EXEC", "PING", "PUBLISH", "SPUBLISH", "FUNCTION", "SCRIPT" -> {
                // No key changes (a transaction's commands come one by one after MULTI).
            }
            case "FLUSHALL" -> state.clear();
            case "FLUSHDB" -> state.keySet().removeIf(k -> k.db == db);
            case "DEL", "UNLINK", "GETDEL" -> {
                arity(cmd.equals("GETDEL") ? n == 2 : n >= 2);
                if (cmd.equals("GETDEL")) string(ref(db, a, 1));
                for (int i = 1; i < n; i++) state.remove(ref(db, a, i));
            }
            case "SET" -> set(db, a);
            case "SETNX" -> {
                arity(n == 3);
                if (!state.containsKey(ref(db, a, 1))) putString(ref(db, a, 1), a.get(2), -1);
            }
            case "GETSET" -> {
                arity(n == 3);
                string(ref(db, a, 1));
                putString(ref(db, a, 1), a.get(2), -1);
            }
            case "MSET" -> {
                arity(n >= 3 && n % 2 == 1);
                for (int i = 1; i < n; i += 2) putString(ref(db, a, i), a.get(i + 1), -1);
            }
            case "MSETNX" -> {
                arity(n >= 3 && n % 2 == 1);
                for (int i = 1; i < n; i += 2) if (state.containsKey(ref(db, a, i))) return;
                for (int i = 1; i < n; i += 2) putString(ref(db, a, i), a.get(i + 1), -1);
            }
            case "APPEND" -> {
                arity(n == 3);
                Held h = string(ref(db, a, 1));
                byte[] old = h == null ? new byte[0] : h.string;
                byte[] v = Arrays.copyOf(old, old.length + a.get(2).length);
                System.arraycopy(a.get(2), 0, v, old.length, a.get(2).length);
                putString(ref(db, a, 1), v, h == null ? -1 : h.expireAtMs);
            }
            case "SETRANGE" -> {
                arity(n == 4);
                Held h = string(ref(db, a, 1));
                long off = integerOrRefuse(a.get(2));
                byte[] v = a.get(3);
                if (off < 0 || off + v.length > 512L * 1024 * 1024) throw new Refused();
                if (v.length == 0) return;
                byte[] old = h == null ? new byte[0] : h.string;
                byte[] nv = Arrays.copyOf(old, (int) Math.max(old.length, off + v.length));
                System.arraycopy(v, 0, nv, (int) off, v.length);
                putString(ref(db, a, 1), nv, h == null ? -1 : h.expireAtMs);
            }
            case "INCR", "DECR", "INCRBY", "DECRBY" -> {
                boolean by = cmd.endsWith("BY");
                arity(n == (by ? 3 : 2));
                long d = by ? integerOrRefuse(a.get(2)) : 1;
                if (cmd.startsWith("DECR")) {
                    if (d == Long.MIN_VALUE) throw new Refused();
                    d = -d;
                }
                Held h = string(ref(db, a, 1));
                long v = h == null ? 0 : integerOrRefuse(h.string);
                long r;
                try {
                    r = Math.addExact(v, d);
                } catch (ArithmeticException e) {
                    throw new Refused();
                }
                putString(ref(db, a, 1), Long.toString(r).getBytes(StandardCharsets.US_ASCII), h == null ? -1 : h.expireAtMs);
            }
            case "PEXPIREAT", "EXPIREAT" -> {
                arity(n >= 3);
                long t = integerOrRefuse(a.get(2));
                if (cmd.equals("EXPIREAT")) {
                    if (t > Long.MAX_VALUE / 1000 || t < Long.MIN_VALUE / 1000) throw new Refused();
                    t *= 1000;
                }
                expireAt(ref(db, a, 1), t, a, 3);
            }
            case "PERSIST" -> {
                arity(n == 2);
                Held h = state.get(ref(db, a, 1));
                if (h != null) h.expireAtMs = -1;
            }
            case "EXPIRE", "PEXPIRE", "SETEX", "PSETEX" ->
                    throw new NotApplied("a relative expiry: when the server loads the file is not known");
            case "GETEX" -> {
                arity(n >= 2);
                Held h = string(ref(db, a, 1));
                if (n == 2) return;
                String o = upper(a.get(2));
                if (o.equals("PERSIST") && n == 3) {
                    if (h != null) h.expireAtMs = -1;
                } else if ((o.equals("PXAT") || o.equals("EXAT")) && n == 4) {
                    long t = integerOrRefuse(a.get(3));
                    if (t <= 0) throw new Refused();
                    if (h != null) h.expireAtMs = o.equals("EXAT") ? Math.multiplyExact(t, 1000L) : t;
                } else if ((o.equals("PX") || o.equals("EX")) && n == 4) {
                    throw new NotApplied("a relative expiry: when the server loads the file is not known");
                } else {
                    throw new NotApplied("an option Salvor does not know");
                }
            }
            case "RENAME", "RENAMENX" -> {
                arity(n == 3);
                Ref from = ref(db, a, 1), to = ref(db, a, 2);
                Held h = state.get(from);
                if (h == null) throw new Refused();
                if (from.equals(to)) return;
                if (cmd.equals("RENAMENX") && state.containsKey(to)) return;
                state.remove(from);
                state.put(to, h);
            }
            case "COPY" -> copy(db, a);
            case "MOVE" -> {
                arity(n == 3);
                long d = integerOrRefuse(a.get(2));
                if (d == db || d < 0 || d > Integer.MAX_VALUE) throw new Refused();
                Ref from = ref(db, a, 1), to = new Ref((int) d, new ByteKey(a.get(1)));
                Held h = state.get(from);
                if (h == null || state.containsKey(to)) return;
                state.remove(from);
                state.put(to, h);
            }
            case "LPUSH", "RPUSH", "LPUSHX", "RPUSHX" -> {
                arity(n >= 3);
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.LIST);
                if (h == null) {
                    if (cmd.endsWith("X")) return;
                    h = created(k, RedisType.LIST);
                }
                for (int i = 2; i < n; i++) {
                    if (cmd.startsWith("L")) h.list.add(0, a.get(i));
                    else h.list.add(a.get(i));
                }
            }
            case "LPOP", "RPOP" -> {
                arity(n == 2 || n == 3);
                long count = n == 3 ? integerOrRefuse(a.get(2)) : 1;
                if (count < 0) throw new Refused();
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.LIST);
                if (h == null) return;
                for (long i = 0; i < count && !h.list.isEmpty(); i++) h.list.remove(cmd.equals("LPOP") ? 0 : h.list.size() - 1);
                dropIfEmpty(k);
            }
            case "LSET" -> {
                arity(n == 4);
                Held h = typed(ref(db, a, 1), RedisType.LIST);
                if (h == null) throw new Refused();
                long i = index(integerOrRefuse(a.get(2)), h.list.size());
                if (i < 0 || i >= h.list.size()) throw new Refused();
                h.list.set((int) i, a.get(3));
            }
            case "LREM" -> {
                arity(n == 4);
                long count = integerOrRefuse(a.get(2));
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.LIST);
                if (h == null) return;
                long removed = 0;
                long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
                if (count >= 0) {
                    for (int i = 0; i < h.list.size() && removed < limit; ) {
                        if (Arrays.equals(h.list.get(i), a.get(3))) {
                            h.list.remove(i);
                            removed++;
                        } else {
                            i++;
                        }
                    }
                } else {
                    for (int i = h.list.size() - 1; i >= 0 && removed < limit; i--) {
                        if (Arrays.equals(h.list.get(i), a.get(3))) {
                            h.list.remove(i);
                            removed++;
                        }
                    }
                }
                dropIfEmpty(k);
            }
            case "LTRIM" -> {
                arity(n == 4);
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.LIST);
                long start = integerOrRefuse(a.get(2)), stop = integerOrRefuse(a.get(3));
                if (h == null) return;
                int size = h.list.size();
                long s = start < 0 ? Math.max(0, size + start) : start;
                long e = stop < 0 ? size + stop : Math.min(stop, size - 1);
                if (s > e || s >= size) h.list.clear();
                else h.list = new ArrayList<>(h.list.subList((int) s, (int) e + 1));
                dropIfEmpty(k);
            }
            case "LINSERT" -> {
                arity(n == 5);
                String where = upper(a.get(2));
                if (!where.equals("BEFORE") && !where.equals("AFTER")) throw new Refused();
                Held h = typed(ref(db, a, 1), RedisType.LIST);
                if (h == null) return;
                for (int i = 0; i < h.list.size(); i++) {
                    if (Arrays.equals(h.list.get(i), a.get(3))) {
                        h.list.add(where.equals("BEFORE") ? i : i + 1, a.get(4));
                        return;
                    }
                }
            }
            case "LMOVE", "RPOPLPUSH" -> {
                arity(cmd.equals("LMOVE") ? n == 5 : n == 3);
                String from = cmd.equals("LMOVE") ? upper(a.get(3)) : "RIGHT", to = cmd.equals("LMOVE") ? upper(a.get(4)) : "LEFT";
                if (!(from.equals("LEFT") || from.equals("RIGHT")) || !(to.equals("LEFT") || to.equals("RIGHT"))) throw new Refused();
                Ref src = ref(db, a, 1), dst = ref(db, a, 2);
                Held s = typed(src, RedisType.LIST);
                if (s == null) return;
                Held d = typed(dst, RedisType.LIST);
                byte[] e = s.list.remove(from.equals("LEFT") ? 0 : s.list.size() - 1);
                if (d == null) d = created(dst, RedisType.LIST);
                if (to.equals("LEFT")) d.list.add(0, e);
                else d.list.add(e);
                dropIfEmpty(src);
            }
            case "SADD" -> {
                arity(n >= 3);
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.SET);
                if (h == null) h = created(k, RedisType.SET);
                for (int i = 2; i < n; i++) h.set.add(new ByteKey(a.get(i)));
            }
            case "SREM" -> {
                arity(n >= 3);
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.SET);
                if (h == null) return;
                for (int i = 2; i < n; i++) h.set.remove(new ByteKey(a.get(i)));
                dropIfEmpty(k);
            }
            case "SMOVE" -> {
                arity(n == 4);
                Ref src = ref(db, a, 1), dst = ref(db, a, 2);
                Held s = typed(src, RedisType.SET);
                Held d = typed(dst, RedisType.SET);
                ByteKey m = new ByteKey(a.get(3));
                if (s == null || !s.set.contains(m)) return;
                if (src.equals(dst)) return;
                s.set.remove(m);
                if (d == null) d = created(dst, RedisType.SET);
                d.set.add(m);
                dropIfEmpty(src);
            }
            case "HSET", "HMSET" -> {
                arity(n >= 4 && n % 2 == 0);
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.HASH);
                if (h == null) h = created(k, RedisType.HASH);
                for (int i = 2; i < n; i += 2) setField(h, a.get(i), a.get(i + 1));
            }
            case "HSETNX" -> {
                arity(n == 4);
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.HASH);
                if (h != null && h.hash.containsKey(new ByteKey(a.get(2)))) return;
                if (h == null) h = created(k, RedisType.HASH);
                setField(h, a.get(2), a.get(3));
            }
            case "HDEL" -> {
                arity(n >= 3);
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.HASH);
                if (h == null) return;
                for (int i = 2; i < n; i++) h.hash.remove(new ByteKey(a.get(i)));
                dropIfEmpty(k);
            }
            case "HINCRBY" -> {
                arity(n == 4);
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.HASH);
                long d = integerOrRefuse(a.get(3));
                Field f = h == null ? null : h.hash.get(new ByteKey(a.get(2)));
                long v = f == null ? 0 : integerOrRefuse(f.value);
                long r;
                try {
                    r = Math.addExact(v, d);
                } catch (ArithmeticException e) {
                    throw new Refused();
                }
                if (h == null) h = created(k, RedisType.HASH);
                setField(h, a.get(2), Long.toString(r).getBytes(StandardCharsets.US_ASCII));
            }
            case "ZADD" -> zadd(db, a);
            case "ZINCRBY" -> {
                arity(n == 4);
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.ZSET);
                double d = score(a.get(2));
                ByteKey m = new ByteKey(a.get(3));
                Double old = h == null ? null : h.zset.get(m);
                double r = (old == null ? 0 : old) + d;
                if (Double.isNaN(r)) throw new Refused();
                if (h == null) h = created(k, RedisType.ZSET);
                h.zset.put(m, r);
            }
            case "ZREM" -> {
                arity(n >= 3);
                Ref k = ref(db, a, 1);
                Held h = typed(k, RedisType.ZSET);
                if (h == null) return;
                for (int i = 2; i < n; i++) h.zset.remove(new ByteKey(a.get(i)));
                dropIfEmpty(k);
            }
            default -> throw new NotApplied(cmd.equals("SWAPDB") ? "SWAPDB exchanges whole databases, which Salvor does not replay"
                    : "Salvor does not replay " + cmd);
        }
    }

    private static void arity(boolean ok) throws Refused {
        if (!ok) throw new Refused();
    }

    private static Ref ref(int db, List<byte[]> a, int i) {
        return new Ref(db, new ByteKey(a.get(i)));
    }

    /** The key when it holds {@code type}; null when it is not there; the wrong type is the server's WRONGTYPE error. */
    private Held typed(Ref k, RedisType type) throws Refused, NotApplied {
        Held h = state.get(k);
        if (h == null) return null;
        if (h.type != type) throw new Refused();
        if (h.opaque != null) throw new NotApplied("a " + type.wireName() + " Salvor holds only by its fingerprint");
        return h;
    }

    /** A new, empty value of {@code type} for {@code k}, as a command that makes the key starts it. */
    private Held created(Ref k, RedisType type) {
        Held h = Held.of(type);
        state.put(k, h);
        return h;
    }

    private Held string(Ref k) throws Refused, NotApplied {
        return typed(k, RedisType.STRING);
    }

    private void putString(Ref k, byte[] v, long expireAtMs) {
        Held h = Held.of(RedisType.STRING);
        h.string = v;
        h.expireAtMs = expireAtMs;
        state.put(k, h);
    }

    private void dropIfEmpty(Ref k) {
        Held h = state.get(k);
        if (h != null && h.empty()) state.remove(k);
    }

    /** A field set anew; one that has an expiry of its own is not applied (what the write does to it is not replayed here). */
    private static void setField(Held h, byte[] field, byte[] value) throws NotApplied {
        ByteKey f = new ByteKey(field);
        Field old = h.hash.get(f);
        if (old != null && old.expireAtMs >= 0) throw new NotApplied("it writes a hash field that has an expiry of its own");
        h.hash.put(f, new Field(value, -1));
    }

    private static long index(long i, int size) {
        return i < 0 ? size + i : i;
    }

    /**
     * SET key value [NX|XX|IFEQ v] [GET] [KEEPTTL|PXAT t|EXAT t|PX t|EX t]. A forkless save writes
     * an expiry as PXAT (the replication stream's absolute form); EX and PX are relative to a load
     * time that is not known.
     */
    private void set(int db, List<byte[]> a) throws Refused, NotApplied {
        arity(a.size() >= 3);
        boolean nx = false, xx = false, keep = false, get = false;
        byte[] ifeq = null;
        long at = -1;
        for (int i = 3; i < a.size(); i++) {
            String o = upper(a.get(i));
            switch (o) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GET" -> get = true;
                case "KEEPTTL" -> keep = true;
                case "IFEQ" -> {
                    arity(i + 1 < a.size());
                    ifeq = a.get(++i);
                }
                case "PXAT", "EXAT" -> {
                    arity(i + 1 < a.size() && at < 0);
                    long t = integerOrRefuse(a.get(++i));
                    if (t <= 0) throw new Refused();
                    try {
                        at = o.equals("EXAT") ? Math.multiplyExact(t, 1000L) : t;
                    } catch (ArithmeticException e) {
                        throw new Refused();
                    }
                }
                case "PX", "EX" -> throw new NotApplied("a relative expiry: when the server loads the file is not known");
                default -> throw new NotApplied("SET option " + o + " Salvor does not know");
            }
        }
        if (nx && xx || keep && at >= 0 || ifeq != null && (nx || xx)) throw new Refused();
        Ref k = ref(db, a, 1);
        Held h = state.get(k);
        if (get || ifeq != null) string(k);
        if (nx && h != null || xx && h == null) return;
        if (ifeq != null && (h == null || !Arrays.equals(h.string, ifeq))) return;
        putString(k, a.get(2), keep && h != null ? h.expireAtMs : at);
    }

    /** PEXPIREAT key ms [NX|XX|GT|LT]: a missing key is left alone; a time already past still sets it (the loader expires nothing). */
    private void expireAt(Ref k, long t, List<byte[]> a, int from) throws Refused {
        boolean nx = false, xx = false, gt = false, lt = false;
        for (int i = from; i < a.size(); i++) {
            switch (upper(a.get(i))) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GT" -> gt = true;
                case "LT" -> lt = true;
                default -> throw new Refused();
            }
        }
        if (nx && (xx || gt || lt) || gt && lt) throw new Refused();
        Held h = state.get(k);
        if (h == null) return;
        long cur = h.expireAtMs;
        if (nx && cur >= 0 || xx && cur < 0) return;
        if (gt && (cur < 0 || t <= cur)) return;
        if (lt && cur >= 0 && t >= cur) return;
        h.expireAtMs = t;
    }

    private void copy(int db, List<byte[]> a) throws Refused {
        arity(a.size() >= 3);
        int to = db;
        boolean replace = false;
        for (int i = 3; i < a.size(); i++) {
            String o = upper(a.get(i));
            if (o.equals("REPLACE")) {
                replace = true;
            } else if (o.equals("DB") && i + 1 < a.size()) {
                long d = integerOrRefuse(a.get(++i));
                if (d < 0 || d > Integer.MAX_VALUE) throw new Refused();
                to = (int) d;
            } else {
                throw new Refused();
            }
        }
        Ref src = ref(db, a, 1), dst = new Ref(to, new ByteKey(a.get(2)));
        if (src.equals(dst)) throw new Refused();
        Held h = state.get(src);
        if (h == null) return;
        if (state.containsKey(dst) && !replace) return;
        state.put(dst, h.copy());
    }

    /** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]. */
    private void zadd(int db, List<byte[]> a) throws Refused, NotApplied {
        boolean nx = false, xx = false, gt = false, lt = false, incr = false;
        int i = 2;
        for (; i < a.size(); i++) {
            String o = upper(a.get(i));
            if (o.equals("NX")) nx = true;
            else if (o.equals("XX")) xx = true;
            else if (o.equals("GT")) gt = true;
            else if (o.equals("LT")) lt = true;
            else if (o.equals("CH")) continue;
            else if (o.equals("INCR")) incr = true;
            else break;
        }
        int pairs = a.size() - i;
        if (pairs == 0 || pairs % 2 != 0 || nx && xx || gt && lt || nx && (gt || lt) || incr && pairs != 2) throw new Refused();
        double[] scores = new double[pairs / 2];
        for (int j = 0; j < scores.length; j++) scores[j] = score(a.get(i + 2 * j));
        Ref k = ref(db, a, 1);
        Held h = typed(k, RedisType.ZSET);
        if (h == null) {
            if (xx) return;
            h = Held.of(RedisType.ZSET);
        }
        for (int j = 0; j < scores.length; j++) {
            ByteKey m = new ByteKey(a.get(i + 2 * j + 1));
            Double old = h.zset.get(m);
            double s = scores[j];
            if (old == null) {
                if (xx) continue;
                if (incr && Double.isNaN(s)) throw new Refused();
                h.zset.put(m, s);
                continue;
            }
            if (nx) continue;
            if (incr) {
                s = old + s;
                if (Double.isNaN(s)) throw new Refused();
            }
            if (gt && !(s > old) || lt && !(s < old)) continue;
            h.zset.put(m, s);
        }
        if (!h.zset.isEmpty()) state.put(k, h);
    }

    /**
     * A score as the server reads one: a decimal or "inf"/"+inf"/"-inf"; NaN is refused. A form
     * the C library would read and a strict decimal reading does not (hex floats) is not applied.
     */
    private static double score(byte[] b) throws Refused, NotApplied {
        String s = new String(b, StandardCharsets.US_ASCII);
        String l = s.toLowerCase(Locale.ROOT);
        if (l.equals("inf") || l.equals("+inf") || l.equals("infinity") || l.equals("+infinity")) return Double.POSITIVE_INFINITY;
        if (l.equals("-inf") || l.equals("-infinity")) return Double.NEGATIVE_INFINITY;
        if (l.contains("nan")) throw new Refused();
        if (s.isEmpty() || !s.matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")) {
            throw new NotApplied("the score " + CollectedValue.text(b) + " is not a decimal Salvor reads");
        }
        return Double.parseDouble(s);
    }

    /** A 64-bit integer in the server's strict form (no sign but '-', no leading zeros, no spaces); null when not one. */
    static Long integer(byte[] b) {
        int n = b.length;
        if (n == 0 || n > 20) return null;
        int i = b[0] == '-' ? 1 : 0;
        if (i == n || b[i] == '0' && (n > i + 1 || i == 1)) return null;
        for (int j = i; j < n; j++) if (b[j] < '0' || b[j] > '9') return null;
        try {
            return Long.parseLong(new String(b, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static long integerOrRefuse(byte[] b) throws Refused {
        Long v = integer(b);
        if (v == null) throw new Refused();
        return v;
    }

    private static String upper(byte[] b) {
        return new String(b, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    }

    // ------------------------------------------------------------------ the result

    /**
     * At the end of the file: every key the commands named, as it stands, to the diff (those the
     * selector takes); a value not known goes as unreadable, with the message {@link #fetch} gives.
     */
    void emit(KeySelector selector, Consumer<KeyRecord> sink) {
        for (Map.Entry<Ref, Held> e : state.entrySet()) {
            Ref k = e.getKey();
            Held h = e.getValue();
            if (h.type != null && !selector.select(k.db, k.key.bytes(), h.type)) continue;
            ValueDigest d;
            long locator;
            if (h.unknown != null) {
                d = ValueDigest.unreadable(h.type);
                locator = handOut(h);
            } else if (h.opaque != null) {
                d = h.opaque;
                locator = h.locator;
            } else {
                d = digest(h);
                locator = handOut(h);
            }
            sink.accept(new KeyRecord(k.db, k.key.bytes(), h.expireAtMs, d, locator));
        }
    }

    private long handOut(Held h) {
        out.add(h);
        return -2L - (out.size() - 1);
    }

    /** Whether a record's locator is one this replay handed out (not a file offset). */
    static boolean replayed(long locator) {
        return locator <= -2;
    }

    /** The value a replayed record stands for. */
    CollectedValue fetch(KeyRecord record) throws IOException {
        Held h = out.get((int) (-2L - record.locator()));
        if (h.unknown != null) throw new IOException(h.unknown);
        List<String[]> el = new ArrayList<>();
        switch (h.type) {
            case STRING -> el.add(new String[] {CollectedValue.text(h.string)});
            case LIST -> h.list.forEach(x -> el.add(new String[] {CollectedValue.text(x)}));
            case SET -> h.set.forEach(x -> el.add(new String[] {CollectedValue.text(x.bytes())}));
            case ZSET -> h.zset.forEach((m, s) -> el.add(new String[] {CollectedValue.text(m.bytes()), Double.toString(s)}));
            case HASH -> h.hash.forEach((f, v) -> el.add(new String[] {CollectedValue.text(f.bytes()), CollectedValue.text(v.value),
                    v.expireAtMs >= 0 ? Long.toString(v.expireAtMs) : ""}));
            default -> throw new IOException(name + ": no value held for a replayed " + h.type.wireName());
        }
        return new CollectedValue(h.type, h.expireAtMs, el);
    }

    private static ValueDigest digest(Held h) {
        ValueDigest.Builder b = new ValueDigest.Builder().begin(h.type);
        switch (h.type) {
            case STRING -> b.item(h.string);
            case LIST -> h.list.forEach(b::item);
            case SET -> h.set.forEach(x -> b.item(x.bytes()));
            case ZSET -> h.zset.forEach((m, s) -> b.zsetEntry(m.bytes(), s));
            case HASH -> h.hash.forEach((f, v) -> b.hashEntry(f.bytes(), v.value, v.expireAtMs));
            default -> {
            }
        }
        return b.result();
    }
}
