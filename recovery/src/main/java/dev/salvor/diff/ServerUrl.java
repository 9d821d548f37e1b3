package dev.salvor.diff;

/**
 * What a {@code redis://} or {@code rediss://} source text says without connecting (and without
 * loading a Redis client): whether it is one, and which database it names.
 */
public final class ServerUrl {
    private ServerUrl() {
    }

    /** Whether {@code spec} names a live server rather than a file. */
    public static boolean isServer(String spec) {
        return spec.startsWith("redis://") || spec.startsWith("rediss://");
    }

    /** The database of {@code redis://host:port/N}, or -1 when the URL names none (every database is read). */
    public static int database(String url) {
        String rest = url.substring(url.indexOf("://") + 3);
        int q = rest.indexOf('?');
        if (q >= 0) rest = rest.substring(0, q);
        int at = rest.lastIndexOf('@');
        if (at >= 0) rest = rest.substring(at + 1);
        int slash = rest.indexOf('/');
        if (slash < 0) return -1;
        String path = rest.substring(slash + 1);
        if (path.isEmpty()) return -1;
        if (!path.chars().allMatch(c -> c >= '0' && c <= '9') || path.length() > 9) {
            throw new IllegalArgumentException("the path of a server URL is a database number, not '/" + path + "'");
        }
        return Integer.parseInt(path);
    }
}
