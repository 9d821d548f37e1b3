package dev.salvor.io;

/**
 * Redis's glob matching (KEYS, SCAN MATCH) on raw bytes: {@code *}, {@code ?}, {@code [abc]},
 * {@code [^a]}, {@code [a-z]} and {@code \} escapes, case-sensitive.
 */
public final class RedisGlob {
    private final byte[] pattern;

    public RedisGlob(byte[] pattern) {
        this.pattern = pattern.clone();
    }

    public boolean matches(byte[] s, int off, int len) {
        return match(pattern, 0, s, off, off + len);
    }

    public boolean matches(byte[] s) {
        return matches(s, 0, s.length);
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si, int send) {
        while (pi < p.length) {
            byte c = p[pi];
            switch (c) {
                case '*': {
                    while (pi + 1 < p.length && p[pi + 1] == '*') pi++;
                    if (pi + 1 == p.length) return true;
                    for (int k = si; k <= send; k++) {
                        if (match(p, pi + 1, s, k, send)) return true;
                    }
                    return false;
                }
                case '?':
                    if (si >= send) return false;
                    si++;
                    pi++;
                    break;
                case '[': {
                    if (si >= send) return false;
                    pi++;
                    boolean not = pi < p.length && p[pi] == '^';
                    if (not) pi++;
                    boolean found = false;
                    while (pi < p.length && p[pi] != ']') {
                        if (p[pi] == '\\' && pi + 1 < p.length) {
                            pi++;
                            if (p[pi] == s[si]) found = true;
                            pi++;
                        } else if (pi + 2 < p.length && p[pi + 1] == '-' && p[pi + 2] != ']') {
                            int lo = p[pi] & 0xff, hi = p[pi + 2] & 0xff;
                            if (lo > hi) {
                                int t = lo;
                                lo = hi;
                                hi = t;
                            }
                            int ch = s[si] & 0xff;
                            if (ch >= lo && ch <= hi) found = true;
                            pi += 3;
                        } else {
                            if (p[pi] == s[si]) found = true;
                            pi++;
                        }
                    }
                    if (pi < p.length) pi++; // the closing ]
                    if (not) found = !found;
                    if (!found) return false;
                    si++;
                    break;
                }
                case '\\':
                    if (pi + 1 < p.length) pi++;
                    // fall through: match the escaped byte literally
                default:
                    if (si >= send || p[pi] != s[si]) return false;
                    si++;
                    pi++;
            }
        }
        return si == send;
    }
}
