package dev.salvor.memory;

import dev.salvor.export.RedisStrings;

import java.nio.charset.StandardCharsets;

/** Key names for people: text as it is when it is UTF-8 without control characters, escaped otherwise. */
public final class KeyText {
    private KeyText() {
    }

    /**
     * {@code b} as text: printable UTF-8 as it is (when {@code unicode}), every other byte as
     * {@code \xNN}, a backslash as {@code \\}; cut to {@code max} bytes with a note of the length.
     */
    public static String display(byte[] b, int max, boolean unicode) {
        int n = Math.min(b.length, max);
        StringBuilder sb = new StringBuilder(n + 8);
        if (unicode && RedisStrings.isText(b, 0, b.length)) {
            String s = new String(b, 0, b.length, StandardCharsets.UTF_8);
            int count = 0;
            for (int i = 0; i < s.length() && count < max; ) {
                int cp = s.codePointAt(i);
                if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) sb.append(String.format("\\x%02x", cp & 0xff));
                else if (cp == '\\') sb.append("\\\\");
                else sb.appendCodePoint(cp);
                count += new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                i += Character.charCount(cp);
            }
        } else {
            for (int i = 0; i < n; i++) {
                int c = b[i] & 0xff;
                if (c == '\\') sb.append("\\\\");
                else if (c >= 0x20 && c < 0x7f) sb.append((char) c);
                else sb.append(String.format("\\x%02x", c));
            }
        }
        if (b.length > max) sb.append("...(").append(b.length).append(" bytes)");
        return sb.toString();
    }
}
