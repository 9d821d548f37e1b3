package dev.salvor.salvage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The truth about an RDB file from the server that wrote it, found without Salvor's parser or
 * rules: every key's DUMP payload (the server's own serialisation of its value) is located in the
 * file as type byte, key name and value bytes, preceded by its expiry when it has one. A key is
 * untouched by a damage when its whole entry lies outside the damaged bytes.
 *
 * <p>Made by {@code fixtures/make-oracle.py}: {@code dataset.rdb} and {@code dataset.dumps.ndjson}
 * from the same live server.
 */
final class DumpOracle {
    /** One key: where its entry lies in the intact file, and what the server said of it. */
    record Entry(int db, byte[] key, long expireAtMs, byte[] dump, int start, int end) {
        /** db and key, comparable across files. */
        String id() {
            return DumpOracle.id(db, key);
        }

        /** The entry holds no byte of [from, to) (for an insertion, from == to: it does not straddle it). */
        boolean untouchedBy(long from, long to) {
            if (from == to) return !(start < from && from < end);
            return end <= from || start >= to;
        }
    }

    final Path file;
    final byte[] bytes;
    final List<Entry> entries;

    private DumpOracle(Path file, byte[] bytes, List<Entry> entries) {
        this.file = file;
        this.bytes = bytes;
        this.entries = entries;
    }

    static String id(int db, byte[] key) {
        return db + "/" + Base64.getEncoder().encodeToString(key);
    }

    static DumpOracle load(Path dir) throws IOException {
        Path rdb = dir.resolve("dataset.rdb");
        byte[] bytes = Files.readAllBytes(rdb);
        List<Entry> entries = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(dir.resolve("dataset.dumps.ndjson"))) {
            if (line.isBlank()) continue;
            JsonNode n = json.readTree(line);
            byte[] key = Base64.getDecoder().decode(n.get("key").asText());
            byte[] dump = Base64.getDecoder().decode(n.get("dump").asText());
            long expireAt = n.get("expire_at_ms").asLong();
            entries.add(locate(bytes, n.get("db").asInt(), key, expireAt, dump));
        }
        entries.sort(java.util.Comparator.comparingInt(Entry::start));
        return new DumpOracle(rdb, bytes, List.copyOf(entries));
    }

    /** Finds the one place the key's type, name and value bytes appear; the expiry prefix is part of the entry. */
    private static Entry locate(byte[] file, int db, byte[] key, long expireAt, byte[] dump) {
        byte[] body = Arrays.copyOf(dump, dump.length - 10); // type byte and value; the trailer is version and CRC
        for (byte[] name : encodings(key)) {
            byte[] needle = new byte[body.length + name.length];
            needle[0] = body[0];
            System.arraycopy(name, 0, needle, 1, name.length);
            System.arraycopy(body, 1, needle, 1 + name.length, body.length - 1);
            int at = indexOf(file, needle, 0);
            if (at < 0) continue;
            if (indexOf(file, needle, at + 1) >= 0) throw new IllegalStateException("key " + printable(key) + " appears twice in the file");
            int start = at;
            if (expireAt >= 0) {
                start = at - 9;
                if (start < 0 || (file[start] & 0xff) != 0xfc || le64(file, start + 1) != expireAt) {
                    throw new IllegalStateException("key " + printable(key) + ": no millisecond expiry " + expireAt + " before its entry");
                }
            }
            return new Entry(db, key, expireAt, dump, start, at + needle.length);
        }
        throw new IllegalStateException("key " + printable(key) + " of db " + db + " not found in the file by its DUMP payload");
    }

    /** How a server writes a key name: as an integer when it is one that fits 32 bits, else length and bytes. */
    private static List<byte[]> encodings(byte[] key) {
        List<byte[]> out = new ArrayList<>();
        String s = new String(key, StandardCharsets.ISO_8859_1);
        if (key.length <= 11 && s.matches("-?(0|[1-9][0-9]*)")) {
            long v = Long.parseLong(s);
            if (v >= -128 && v <= 127) out.add(new byte[] {(byte) 0xc0, (byte) v});
            else if (v >= -32768 && v <= 32767) out.add(new byte[] {(byte) 0xc1, (byte) v, (byte) (v >> 8)});
            else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                out.add(new byte[] {(byte) 0xc2, (byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)});
            }
        }
        byte[] raw;
        if (key.length < 64) {
            raw = new byte[1 + key.length];
            raw[0] = (byte) key.length;
            System.arraycopy(key, 0, raw, 1, key.length);
        } else {
            raw = new byte[2 + key.length];
            raw[0] = (byte) (0x40 | key.length >> 8);
            raw[1] = (byte) key.length;
            System.arraycopy(key, 0, raw, 2, key.length);
        }
        out.add(raw);
        return out;
    }

    static int indexOf(byte[] hay, byte[] needle, int from) {
        return dev.salvor.fixtures.Bytes.indexOf(hay, needle, from);
    }

    private static long le64(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = v << 8 | (b[at + i] & 0xffL);
        return v;
    }

    static String printable(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }
}
