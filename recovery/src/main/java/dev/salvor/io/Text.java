package dev.salvor.io;

import java.util.regex.Pattern;

/**
 * Text from untrusted places (archive member and manifest file names, aux fields, a server's
 * replies, error messages that quote them) made safe for a terminal: control characters (which
 * move the cursor, retitle or clear the window, or start a forged line), C1 controls, line and
 * paragraph separators and bidirectional overrides are written as escapes. Key names go through
 * {@code StringRef.printable} instead; this is for text that is shown as it is when it is plain.
 */
public final class Text {
    private static final Pattern USERINFO = Pattern.compile("(?i)((?:rediss?|replication)://[^:/@\\s]*):\\S*@");

    private Text() {
    }

    /** {@code s} unchanged when it holds nothing a terminal acts on; else with those characters (and backslashes) escaped. */
    public static String safe(String s) {
        if (s == null) return null;
        int i = 0;
        while (i < s.length() && !unsafe(s.charAt(i))) i++;
        if (i == s.length()) return s;
        StringBuilder sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') sb.append("\\\\");
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append("\\t");
            else if (c < 0x100 && unsafe(c)) sb.append(String.format("\\x%02x", (int) c));
            else if (unsafe(c)) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    private static boolean unsafe(char c) {
        return c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0
                || c == 0x2028 || c == 0x2029 || c == 0x200e || c == 0x200f
                || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069;
    }

    /** {@code s} with the password of every redis://, rediss:// or replication:// URL in it replaced by ***. */
    public static String redact(String s) {
        if (s == null || !s.contains("://")) return s;
        return USERINFO.matcher(s).replaceAll("$1:***@");
    }

    /** What an error message may print: passwords redacted, terminal controls escaped, one line. */
    public static String message(String s) {
        return safe(redact(s));
    }
}
