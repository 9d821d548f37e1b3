package dev.salvor.rdb;

/**
 * The one-line message shape shared by the format exceptions of every parser:
 * {@code SOURCE: WHAT at byte offset N (WHERE): DETAIL}.
 */
public final class LocatedMessage {
    private LocatedMessage() {
    }

    /** {@code source} and {@code where} may be null; line breaks in the detail are flattened. */
    public static String format(String source, String what, long offset, String where, String detail) {
        StringBuilder sb = new StringBuilder();
        if (source != null) sb.append(source).append(": ");
        sb.append(what).append(" at byte offset ").append(offset);
        if (where != null) sb.append(" (").append(where).append(')');
        sb.append(": ").append(detail.replace('\n', ' '));
        return sb.toString();
    }
}
