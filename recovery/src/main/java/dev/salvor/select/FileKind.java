package dev.salvor.select;

import dev.salvor.aof.AofLayout;
import dev.salvor.aof.AofReader;
import dev.salvor.aof.AofSegment;
import dev.salvor.repair.AofScanner;
import dev.salvor.salvage.RdbSalvager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a plain input file is: an RDB, an AOF, a damaged one of either, or neither. The start of
 * the file decides when it is a header Redis writes (a REDIS/VALKEY magic, a RESP command, a
 * {@code #TS:} annotation, a manifest line); otherwise the file is called damaged only when
 * intact records are found in it (a confirmed chain of RDB records, or a well-formed command),
 * and is refused as neither when none is.
 */
public enum FileKind {
    RDB, AOF, DAMAGED_RDB, DAMAGED_AOF;

    /** Bytes shown from the start of a refused file. */
    private static final int SHOWN = 16;

    public boolean aof() {
        return this == AOF || this == DAMAGED_AOF;
    }

    /**
     * The kind of the plain file {@code path} (a directory is an {@code appendonlydir}).
     *
     * @throws NotRedisFileException when it is neither an RDB nor an AOF and no record is found in it
     */
    public static FileKind of(Path path) throws IOException {
        if (Files.isDirectory(path)) return AOF;
        byte[] head = head(path, 32);
        String s = new String(head, StandardCharsets.ISO_8859_1);
        if (head.length == 0) throw new NotRedisFileException(path + ": not an RDB or AOF file: the file is empty");
        if (s.matches("(?s)(REDIS\\d{4}|VALKEY\\d{3}).*")) return AofLayout.isAof(path) ? AOF : RDB;
        // A manifest starts with "file " (its lines are checked when it is read).
        if (s.matches("(?s)\\*\\d{1,10}\r\n.*") || s.startsWith("#TS:") || s.startsWith("file ")) return AOF;
        // Neither header: a damaged file when intact records are found further on.
        if (RdbSalvager.findsRecords(path)) return DAMAGED_RDB;
        if (aofCommandsFound(path)) return DAMAGED_AOF;
        throw new NotRedisFileException(path + ": not an RDB or AOF file: at byte offset 0 it holds " + printable(head)
                + " where a REDIS or VALKEY header or a RESP command was expected, and no RDB record or AOF command was found further on");
    }

    private static boolean aofCommandsFound(Path path) throws IOException {
        long[] commands = new long[1];
        new AofScanner().scan(List.of(new AofSegment(path, AofSegment.Kind.SINGLE, 0)), new AofScanner.AofListener() {
            @Override
            public void command(AofSegment segment, AofReader reader, long index) {
                commands[0]++;
            }
        });
        return commands[0] > 0;
    }

    private static byte[] head(Path path, int n) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return in.readNBytes(n);
        }
    }

    private static String printable(byte[] head) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < Math.min(head.length, SHOWN); i++) {
            int c = head[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') sb.append((char) c);
            else sb.append(String.format("\\x%02x", c));
        }
        return sb.append(head.length > SHOWN ? "...\"" : "\"").toString();
    }
}
