package dev.salvor.aof;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The manifest of a Redis 7+ {@code appendonlydir}: one line per file, {@code file NAME seq N type
 * b|h|i}, read by the rules the server applies when it starts (aof.c, aofLoadManifestFromFile):
 * lines are read as the server's 1024-byte line buffer sees them, a line starting with {@code #}
 * is a comment, a blank line, a line over 1023 bytes, a last line without LF, a bad token, a
 * missing or zero seq, a name with a slash, a second base, an unknown type or an incr seq that
 * does not grow is a line the server refuses, as is a listed base or incr file that is missing.
 * Names are split and unquoted as sdssplitargs does and written back quoted as sdscatrepr does.
 *
 * <p>The manifest is untrusted: it is never read past {@link #MAX_BYTES}, what it names never
 * leaves the directory, and every problem is collected (not thrown) with its line and offset, so
 * a damaged manifest can be reported as damage and the AOF rebuilt from the files present.
 */
public final class AofManifest {
    /** No server writes a manifest this large; a larger one is not read. */
    public static final long MAX_BYTES = 16 << 20;
    /** The server's line buffer holds this many bytes of a line, its LF included. */
    public static final int MAX_LINE = 1024;
    /** History entries (not loaded by the server) kept by name; more are only counted. */
    private static final int MAX_HISTORY_NAMES = 1000;
    private static final int MAX_PROBLEMS = 100;
    /** Base and incr files followed; a manifest listing more is not something a server writes. */
    public static final int MAX_FILES = 100_000;

    /** One thing the server would refuse (or that Salvor cannot follow), located in the manifest. */
    public record Problem(long line, long offset, String what) {
        @Override
        public String toString() {
            return line > 0 ? "line " + line + " (byte offset " + offset + "): " + what : what;
        }
    }

    private final Path manifest;
    private final List<AofSegment> loaded;
    private final List<AofSegment> listed;
    private final List<AofSegment> history;
    private final long historyCount;
    private final List<Problem> problems;

    private AofManifest(Path manifest, List<AofSegment> loaded, List<AofSegment> listed, List<AofSegment> history, long historyCount,
                        List<Problem> problems) {
        this.manifest = manifest;
        this.loaded = loaded;
        this.listed = listed;
        this.history = history;
        this.historyCount = historyCount;
        this.problems = problems;
    }

    /** Reads {@code manifest}; problems are collected, never thrown (only I/O errors are). */
    public static AofManifest read(Path manifest) throws IOException {
        Path dir = manifest.toAbsolutePath().getParent();
        long size = Files.size(manifest);
        List<Problem> problems = new ArrayList<>();
        if (size > MAX_BYTES) {
            problems.add(new Problem(0, 0, "the manifest has " + size + " bytes, more than any server writes (" + MAX_BYTES + "); it was not read"));
            return new AofManifest(manifest, List.of(), List.of(), List.of(), 0, List.copyOf(problems));
        }
        AofSegment base = null;
        List<AofSegment> incr = new ArrayList<>();
        List<AofSegment> history = new ArrayList<>();
        List<AofSegment> listed = new ArrayList<>();
        long historyCount = 0;
        long maxSeq = 0;
        Set<String> names = new HashSet<>();
        byte[] buf = new byte[MAX_LINE];
        long lineNo = 0;
        long offset = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(manifest), 1 << 16)) {
            while (true) {
                // As fgets into the server's buffer: up to MAX_LINE bytes, or to an LF.
                int n = 0;
                boolean lf = false;
                while (n < MAX_LINE) {
                    int c = in.read();
                    if (c < 0) break;
                    buf[n++] = (byte) c;
                    if (c == '\n') {
                        lf = true;
                        break;
                    }
                }
                long at = offset;
                offset += n;
                if (n == 0) {
                    if (lineNo == 0) add(problems, new Problem(0, 0, "the manifest is empty (the server refuses an empty manifest)"));
                    break;
                }
                lineNo++;
                if (buf[0] == '#') continue;
                // The server looks for the LF with strchr, which stops at a NUL byte.
                int nul = indexOf(buf, n, (byte) 0);
                if (!lf || nul >= 0) {
                    add(problems, new Problem(lineNo, at, nul >= 0 ? "the line holds a NUL byte (the server reads it as a line without its LF)"
                            : n == MAX_LINE ? "the line is longer than the " + (MAX_LINE - 1) + " bytes the server reads as one line"
                            : "the last line does not end with LF (the server refuses it)"));
                    continue;
                }
                String line = trim(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                if (line.isEmpty()) {
                    add(problems, new Problem(lineNo, at, "blank line (the server refuses it)"));
                    continue;
                }
                List<String> args = splitArgs(line);
                if (args == null) {
                    add(problems, new Problem(lineNo, at, "unbalanced quotes, or a closing quote not followed by a space"));
                    continue;
                }
                if (args.size() < 6 || args.size() % 2 != 0) {
                    add(problems, new Problem(lineNo, at, "expected file NAME seq N type T, found " + args.size() + " words"));
                    continue;
                }
                String name = null;
                long seq = 0;
                int type = 0;
                String pathProblem = null;
                for (int i = 0; i < args.size(); i += 2) {
                    String key = args.get(i).toLowerCase(Locale.ROOT);
                    String value = args.get(i + 1);
                    switch (key) {
                        case "file" -> {
                            name = value;
                            if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) pathProblem = "file " + quote(name) + " is a path, not a file name (the server refuses it)";
                        }
                        case "seq" -> seq = atoll(value);
                        case "type" -> type = value.isEmpty() ? 0 : value.charAt(0);
                        default -> {
                            // Unknown keys are allowed for forward compatibility, as the server does.
                        }
                    }
                }
                if (pathProblem != null) {
                    add(problems, new Problem(lineNo, at, pathProblem));
                    continue;
                }
                if (name == null || seq == 0 || type == 0) {
                    add(problems, new Problem(lineNo, at, name == null ? "no file name" : seq == 0 ? "no seq, or a seq of 0" : "no type"));
                    continue;
                }
                AofSegment.Kind kind = switch (type) {
                    case 'b' -> AofSegment.Kind.BASE;
                    case 'i' -> AofSegment.Kind.INCR;
                    case 'h' -> AofSegment.Kind.HISTORY;
                    default -> null;
                };
                if (kind == null) {
                    add(problems, new Problem(lineNo, at, "unknown file type " + quote(String.valueOf((char) type)) + " (expected b, h or i)"));
                    continue;
                }
                String fsName = fileName(name);
                if (fsName == null) {
                    add(problems, new Problem(lineNo, at, "file name " + quote(name) + " has bytes this system's file name encoding ("
                            + FILE_NAMES + ") cannot represent; run with LANG=C.UTF-8"));
                    continue;
                }
                Path file = dir.resolve(fsName).normalize();
                if (name.isEmpty() || file.getParent() == null || !file.getParent().equals(dir.normalize())) {
                    add(problems, new Problem(lineNo, at, "file " + quote(name) + " is not a file inside the directory"));
                    continue;
                }
                AofSegment segment = new AofSegment(file, kind, seq);
                if (kind == AofSegment.Kind.HISTORY) {
                    // Never loaded by the server; listed, not checked.
                    historyCount++;
                    if (history.size() < MAX_HISTORY_NAMES) history.add(segment);
                    continue;
                }
                // Whatever the server's verdict, a line that names an existing file is a hint for a rebuild.
                // A listed file must be a regular file in the directory; a link is never followed.
                boolean exists = Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if (exists) AofSegment.requireRegular(file);
                if (exists) {
                    if (listed.size() == MAX_FILES) {
                        add(problems, new Problem(lineNo, at, "more than " + MAX_FILES + " base and incr files listed; the rest is not followed"));
                        break;
                    }
                    listed.add(segment);
                }
                if (kind == AofSegment.Kind.BASE && base != null) {
                    add(problems, new Problem(lineNo, at, "a second base file " + quote(name) + " (the server refuses two)"));
                    continue;
                }
                if (kind == AofSegment.Kind.INCR && seq <= maxSeq) {
                    add(problems, new Problem(lineNo, at, "incr file " + quote(name) + " has seq " + seq + ", not above the " + maxSeq
                            + " before it (the server refuses a sequence that does not grow)"));
                    continue;
                }
                if (!names.add(name)) {
                    add(problems, new Problem(lineNo, at, "file " + quote(name) + " is listed twice (the server would load it twice)"));
                    continue;
                }
                if (!exists) {
                    add(problems, new Problem(lineNo, at, "file " + quote(name) + " is missing from the directory (the server refuses to start)"));
                    continue;
                }
                if (kind == AofSegment.Kind.BASE) {
                    base = segment;
                } else {
                    incr.add(segment);
                    maxSeq = seq;
                }
            }
        }
        if (base == null && incr.isEmpty() && problems.isEmpty()) {
            problems.add(new Problem(0, 0, "the manifest lists no base or incr file: the server would start with an empty dataset"));
        }
        // The server loads the base first, then the incremental files in manifest order.
        List<AofSegment> loaded = new ArrayList<>();
        if (base != null) loaded.add(base);
        loaded.addAll(incr);
        return new AofManifest(manifest, List.copyOf(loaded), List.copyOf(listed), List.copyOf(history), historyCount, List.copyOf(problems));
    }

    private static void add(List<Problem> problems, Problem p) {
        if (problems.size() < MAX_PROBLEMS) problems.add(p);
    }

    private static int indexOf(byte[] b, int n, byte v) {
        for (int i = 0; i < n; i++) if (b[i] == v) return i;
        return -1;
    }

    /** sdstrim(line, " \t\r\n"). */
    private static String trim(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && " \t\r\n".indexOf(s.charAt(from)) >= 0) from++;
        while (to > from && " \t\r\n".indexOf(s.charAt(to - 1)) >= 0) to--;
        return s.substring(from, to);
    }

    /** atoll: optional blanks and sign, then digits; 0 when none. */
    static long atoll(String s) {
        int i = 0;
        while (i < s.length() && isSpace(s.charAt(i))) i++;
        boolean neg = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) neg = s.charAt(i++) == '-';
        long v = 0;
        int digits = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9' && digits < 19) {
            v = v * 10 + (s.charAt(i++) - '0');
            digits++;
        }
        return neg ? -v : v;
    }

    /** C's isspace in the C locale. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    /**
     * The words of a line as sdssplitargs splits them: blanks separate words; in double quotes
     * {@code \xHH}, {@code \n \r \t \b \a} and {@code \}-escaped characters; in single quotes only
     * {@code \'}; a closing quote must be followed by a blank or the end. Null when unbalanced.
     */
    static List<String> splitArgs(String line) {
        List<String> out = new ArrayList<>();
        int p = 0;
        int n = line.length();
        while (true) {
            while (p < n && isSpace(line.charAt(p))) p++;
            if (p >= n) return out;
            StringBuilder cur = new StringBuilder();
            boolean inq = false;
            boolean insq = false;
            boolean done = false;
            while (!done) {
                char c = p < n ? line.charAt(p) : '\0';
                if (inq) {
                    if (c == '\\' && p + 3 < n && line.charAt(p + 1) == 'x' && isHex(line.charAt(p + 2)) && isHex(line.charAt(p + 3))) {
                        cur.append((char) Integer.parseInt(line.substring(p + 2, p + 4), 16));
                        p += 3;
                    } else if (c == '\\' && p + 1 < n) {
                        p++;
                        char e = line.charAt(p);
                        cur.append(switch (e) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> '\u0007';
                            default -> e;
                        });
                    } else if (c == '"') {
                        if (p + 1 < n && !isSpace(line.charAt(p + 1))) return null;
                        done = true;
                    } else if (p >= n) {
                        return null;
                    } else {
                        cur.append(c);
                    }
                } else if (insq) {
                    if (c == '\\' && p + 1 < n && line.charAt(p + 1) == '\'') {
                        p++;
                        cur.append('\'');
                    } else if (c == '\'') {
                        if (p + 1 < n && !isSpace(line.charAt(p + 1))) return null;
                        done = true;
                    } else if (p >= n) {
                        return null;
                    } else {
                        cur.append(c);
                    }
                } else {
                    switch (c) {
                        case ' ', '\n', '\r', '\t', '\0' -> done = true;
                        case '"' -> inq = true;
                        case '\'' -> insq = true;
                        default -> cur.append(c);
                    }
                }
                if (p < n) p++;
            }
            out.add(cur.toString());
        }
    }

    /** Whether the server writes {@code name} quoted (sdsneedsrepr). */
    static boolean needsQuoting(String name) {
        if (name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' || c == '"' || c < 0x20 || c > 0x7e || isSpace(c)) return true;
        }
        return false;
    }

    /** {@code name} as the server writes it in a manifest: as is, or quoted with sdscatrepr's escapes. */
    public static String formatName(String name) {
        if (!needsQuoting(name)) return name;
        StringBuilder sb = new StringBuilder(name.length() + 8).append('"');
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '\\', '"' -> sb.append('\\').append(c);
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\u0007' -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (c >= 0x20 && c <= 0x7e) sb.append(c);
                    else sb.append(String.format("\\x%02x", (int) c));
                }
            }
        }
        return sb.append('"').toString();
    }

    /**
     * A manifest as the server writes it: the base first, then history files, then incremental
     * files, one {@code file NAME seq N type T} line each, names quoted where the server quotes them.
     */
    public static byte[] format(List<AofSegment> segments) {
        StringBuilder sb = new StringBuilder();
        for (AofSegment.Kind kind : List.of(AofSegment.Kind.BASE, AofSegment.Kind.HISTORY, AofSegment.Kind.INCR)) {
            for (AofSegment s : segments) {
                if (s.kind() != kind) continue;
                char type = switch (kind) {
                    case BASE -> 'b';
                    case HISTORY -> 'h';
                    default -> 'i';
                };
                sb.append("file ").append(formatName(rawName(s.name()))).append(" seq ").append(s.seq()).append(" type ").append(type).append('\n');
            }
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** How the JVM maps file names to bytes (the manifest holds bytes; a Path holds characters). */
    private static final java.nio.charset.Charset FILE_NAMES = fileNameCharset();

    private static java.nio.charset.Charset fileNameCharset() {
        try {
            return java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /** The file name whose bytes are {@code raw} (one char per byte), or null when the JVM cannot name that file. */
    static String fileName(String raw) {
        byte[] bytes = raw.getBytes(StandardCharsets.ISO_8859_1);
        java.nio.charset.CharsetDecoder d = FILE_NAMES.newDecoder()
                .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
        try {
            String s = d.decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return java.util.Arrays.equals(s.getBytes(FILE_NAMES), bytes) ? s : null;
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    /** The bytes of a file name (one char per byte), as the manifest holds them. */
    static String rawName(String fileName) {
        return new String(fileName.getBytes(FILE_NAMES), StandardCharsets.ISO_8859_1);
    }

    private static String quote(String s) {
        return dev.salvor.rdb.StringRef.printable(s.getBytes(StandardCharsets.ISO_8859_1), 0, s.length(), 80);
    }

    public Path path() {
        return manifest;
    }

    /** What the server loads, as far as the manifest can be followed: the base, then the incremental files in order. */
    public List<AofSegment> loaded() {
        return loaded;
    }

    /**
     * Every base and incr line that names an existing file, in manifest order, whatever the
     * server would say of the line's place (a second base, a seq out of order, a repeat): what a
     * rebuild of a damaged manifest starts from.
     */
    public List<AofSegment> listed() {
        return listed;
    }

    /** History files (never loaded), the first of them by name. */
    public List<AofSegment> history() {
        return history;
    }

    /** How many history files the manifest lists. */
    public long historyCount() {
        return historyCount;
    }

    /** Everything the server would refuse, in line order; empty when the server accepts the manifest. */
    public List<Problem> problems() {
        return problems;
    }

    /** Base, then incremental files in order, then the history files kept by name. */
    public List<AofSegment> segments() {
        List<AofSegment> all = new ArrayList<>(loaded);
        all.addAll(history);
        return Collections.unmodifiableList(all);
    }
}
