package dev.salvor.aof;

import static dev.salvor.aof.AofFormatException.Reason.BAD_MANIFEST;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The manifest of a Redis 7+ {@code appendonlydir}: one line per file, {@code file NAME seq N type
 * b|h|i}. It is untrusted input: a name that leaves the directory, a missing or repeated file, a
 * second base, an unknown type or a malformed line is an error naming the line, never followed.
 */
public final class AofManifest {
    private final Path manifest;
    private final List<AofSegment> segments;

    private AofManifest(Path manifest, List<AofSegment> segments) {
        this.manifest = manifest;
        this.segments = segments;
    }

    public static AofManifest read(Path manifest) throws IOException {
        Path dir = manifest.toAbsolutePath().getParent();
        byte[] bytes = Files.readAllBytes(manifest);
        if (bytes.length > 16 << 20) throw bad(manifest, 0, 0, "manifest of " + bytes.length + " bytes is too large to be one");
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<AofSegment> segments = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int lineNo = 0;
        long offset = 0;
        boolean base = false;
        for (String raw : text.split("\n", -1)) {
            lineNo++;
            long lineOffset = offset;
            offset += raw.length() + 1;
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isBlank() || line.startsWith("#")) continue;
            Map<String, String> kv = new LinkedHashMap<>();
            List<String> tokens = tokens(manifest, line, lineNo, lineOffset);
            if (tokens.size() % 2 != 0) throw bad(manifest, lineOffset, lineNo, "expected key value pairs, found " + tokens.size() + " words");
            for (int i = 0; i < tokens.size(); i += 2) kv.put(tokens.get(i), tokens.get(i + 1));
            String name = kv.get("file");
            String seq = kv.get("seq");
            String type = kv.get("type");
            if (name == null || seq == null || type == null) throw bad(manifest, lineOffset, lineNo, "a line needs file, seq and type");
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.indexOf('\0') >= 0 || name.equals(".") || name.equals("..")) {
                throw bad(manifest, lineOffset, lineNo, "file name " + quote(name) + " is not a plain name inside the directory");
            }
            long seqNo;
            try {
                seqNo = Long.parseLong(seq);
            } catch (NumberFormatException e) {
                throw bad(manifest, lineOffset, lineNo, "seq " + quote(seq) + " is not a number");
            }
            AofSegment.Kind kind = switch (type) {
                case "b" -> AofSegment.Kind.BASE;
                case "i" -> AofSegment.Kind.INCR;
                case "h" -> AofSegment.Kind.HISTORY;
                default -> throw bad(manifest, lineOffset, lineNo, "unknown file type " + quote(type) + " (expected b, i or h)");
            };
            if (!names.add(name)) throw bad(manifest, lineOffset, lineNo, "file " + quote(name) + " is listed twice");
            if (kind == AofSegment.Kind.BASE) {
                if (base) throw bad(manifest, lineOffset, lineNo, "a second base file " + quote(name));
                base = true;
            }
            Path file = dir.resolve(name).normalize();
            if (!file.getParent().equals(dir.normalize())) throw bad(manifest, lineOffset, lineNo, "file " + quote(name) + " leaves the directory");
            if (kind != AofSegment.Kind.HISTORY && !Files.isRegularFile(file)) {
                throw bad(manifest, lineOffset, lineNo, "file " + quote(name) + " is missing from " + dir);
            }
            segments.add(new AofSegment(file, kind, seqNo));
        }
        // Redis loads the base first, then the incremental files in manifest order.
        List<AofSegment> ordered = new ArrayList<>();
        segments.stream().filter(s -> s.kind() == AofSegment.Kind.BASE).forEach(ordered::add);
        segments.stream().filter(s -> s.kind() == AofSegment.Kind.INCR).forEach(ordered::add);
        segments.stream().filter(s -> s.kind() == AofSegment.Kind.HISTORY).forEach(ordered::add);
        return new AofManifest(manifest, List.copyOf(ordered));
    }

    private static List<String> tokens(Path manifest, String line, int lineNo, long lineOffset) throws AofFormatException {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            StringBuilder sb = new StringBuilder();
            if (c == '"') {
                i++;
                boolean closed = false;
                while (i < line.length()) {
                    char d = line.charAt(i++);
                    if (d == '"') {
                        closed = true;
                        break;
                    }
                    if (d == '\\' && i < line.length()) {
                        char e = line.charAt(i++);
                        switch (e) {
                            case 'n' -> sb.append('\n');
                            case 'r' -> sb.append('\r');
                            case 't' -> sb.append('\t');
                            case 'a' -> sb.append('\u0007');
                            case 'b' -> sb.append('\b');
                            case 'x' -> {
                                if (i + 2 > line.length()) throw bad(manifest, lineOffset, lineNo, "truncated \\x escape");
                                try {
                                    sb.append((char) Integer.parseInt(line.substring(i, i + 2), 16));
                                } catch (NumberFormatException ex) {
                                    throw bad(manifest, lineOffset, lineNo, "bad \\x escape");
                                }
                                i += 2;
                            }
                            default -> sb.append(e);
                        }
                    } else {
                        sb.append(d);
                    }
                }
                if (!closed) throw bad(manifest, lineOffset, lineNo, "unterminated quoted name");
            } else {
                while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') sb.append(line.charAt(i++));
            }
            out.add(sb.toString());
        }
        return out;
    }

    private static String quote(String s) {
        return dev.salvor.rdb.StringRef.printable(s.getBytes(StandardCharsets.ISO_8859_1), 0, s.length(), 80);
    }

    private static AofFormatException bad(Path manifest, long offset, int line, String detail) {
        return new AofFormatException(BAD_MANIFEST, manifest.toString(), offset, line, detail);
    }

    public Path path() {
        return manifest;
    }

    /** Base, then incremental files in order, then history files. */
    public List<AofSegment> segments() {
        return segments;
    }

    /** The files Redis loads: base and incremental, in order. */
    public List<AofSegment> loaded() {
        return segments.stream().filter(s -> s.kind() != AofSegment.Kind.HISTORY).toList();
    }
}
