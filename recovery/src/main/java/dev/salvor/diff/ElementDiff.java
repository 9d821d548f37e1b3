package dev.salvor.diff;

import dev.salvor.rdb.RedisType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Element-level differences between two values of the same type. */
final class ElementDiff {
    static final int MAX_DETAILS = 50;

    private ElementDiff() {
    }

    static List<String> of(CollectedValue a, CollectedValue b) {
        List<String> out = new ArrayList<>();
        if (a.type() == RedisType.LIST || a.type() == RedisType.STRING) {
            int n = Math.max(a.elements().size(), b.elements().size());
            for (int i = 0; i < n && out.size() < MAX_DETAILS; i++) {
                String x = i < a.elements().size() ? a.elements().get(i)[0] : null;
                String y = i < b.elements().size() ? b.elements().get(i)[0] : null;
                if (x == null) out.add(label(a.type(), i) + ": only in B: " + cap(y));
                else if (y == null) out.add(label(a.type(), i) + ": only in A: " + cap(x));
                else if (!x.equals(y)) out.add(label(a.type(), i) + ": " + changed(x, y));
            }
            return out;
        }
        // Sets, zsets, hashes and streams: by member, field, entry id or group part.
        Map<String, String> ma = index(a), mb = index(b);
        String what = switch (a.type()) {
            case SET -> "member";
            case ZSET -> "member";
            case HASH -> "field";
            case ARRAY -> "index";
            default -> "";
        };
        for (Map.Entry<String, String> e : ma.entrySet()) {
            if (out.size() >= MAX_DETAILS) break;
            String other = mb.get(e.getKey());
            String name = (what.isEmpty() ? "" : what + " ") + cap(e.getKey());
            if (other == null) out.add(name + ": only in A");
            else if (!other.equals(e.getValue())) out.add(name + ": " + changed(e.getValue(), other));
        }
        for (String k : mb.keySet()) {
            if (out.size() >= MAX_DETAILS) break;
            if (!ma.containsKey(k)) out.add((what.isEmpty() ? "" : what + " ") + cap(k) + ": only in B");
        }
        return out;
    }

    /** Longest text shown of one value; a longer one is cut, with its length said. */
    static final int MAX_SHOWN = 120;

    /** "a -> b", each capped; for long values that share a start, where they first differ. */
    private static String changed(String x, String y) {
        if (x.length() <= MAX_SHOWN && y.length() <= MAX_SHOWN) return x + " -> " + y;
        int i = 0;
        int n = Math.min(x.length(), y.length());
        while (i < n && x.charAt(i) == y.charAt(i)) i++;
        if (i < 40) return cap(x) + " -> " + cap(y);
        int from = Character.isLowSurrogate(x.charAt(Math.max(0, i - 20))) ? i - 21 : i - 20;
        return "differs from character " + i + ": ..." + cap(x.substring(from)) + " -> ..." + cap(y.substring(from))
                + " (" + x.length() + " -> " + y.length() + " characters)";
    }

    static String cap(String s) {
        if (s == null || s.length() <= MAX_SHOWN) return s;
        int end = Character.isHighSurrogate(s.charAt(100 - 1)) ? 99 : 100;
        return s.substring(0, end) + "... (" + s.length() + " characters)";
    }

    private static String label(RedisType t, int i) {
        return t == RedisType.STRING ? "value" : "list[" + i + "]";
    }

    private static Map<String, String> index(CollectedValue v) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String[] e : v.elements()) {
            StringBuilder rest = new StringBuilder();
            for (int i = 1; i < e.length; i++) {
                if (e[i].isEmpty()) continue;
                if (i > 1) rest.append(" ttl ");
                rest.append(e[i]);
            }
            m.put(e[0], rest.toString());
        }
        return m;
    }
}
