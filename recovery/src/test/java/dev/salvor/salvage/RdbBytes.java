package dev.salvor.salvage;

import dev.salvor.rdb.Crc64;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes small RDB files byte by byte for rule tests: records as the format defines them, with
 * no Salvor code involved, so a test states exactly the bytes a rule sees.
 */
final class RdbBytes {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    RdbBytes(String magic) {
        raw(magic.getBytes(StandardCharsets.US_ASCII));
    }

    /** Where the next byte goes. */
    int offset() {
        return out.size();
    }

    RdbBytes raw(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    RdbBytes u8(int v) {
        out.write(v);
        return this;
    }

    RdbBytes len(long v) {
        if (v < 64) return u8((int) v);
        if (v < 16384) return u8(0x40 | (int) (v >> 8)).u8((int) v);
        u8(0x80);
        for (int i = 3; i >= 0; i--) u8((int) (v >> (8 * i)));
        return this;
    }

    RdbBytes str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        len(b.length);
        return raw(b);
    }

    RdbBytes le64(long v) {
        for (int i = 0; i < 8; i++) u8((int) (v >> (8 * i)));
        return this;
    }

    RdbBytes aux(String k, String v) {
        return u8(0xfa).str(k).str(v);
    }

    RdbBytes selectDb(int db, long keys, long expires) {
        u8(0xfe).len(db);
        return u8(0xfb).len(keys).len(expires);
    }

    /** A string key; with an expiry (milliseconds) when {@code expireAtMs >= 0}. */
    RdbBytes string(String key, String value, long expireAtMs) {
        if (expireAtMs >= 0) u8(0xfc).le64(expireAtMs);
        return u8(0).str(key).str(value);
    }

    /** A plain set (type 2). */
    RdbBytes set(String key, String... members) {
        u8(2).str(key).len(members.length);
        for (String m : members) str(m);
        return this;
    }

    /** A string key whose value is stored as a 16-bit integer (0xC1); with an expiry when {@code expireAtMs >= 0}. */
    RdbBytes stringInt(String key, short value, long expireAtMs) {
        if (expireAtMs >= 0) u8(0xfc).le64(expireAtMs);
        u8(0).str(key).u8(0xc1);
        return u8(value & 0xff).u8((value >> 8) & 0xff);
    }

    /** A skiplist zset of RDB 8+ (type 5): each member, then its score as a little-endian double, in the order given. */
    RdbBytes zset2(String key, String[] members, double[] scores) {
        u8(5).str(key).len(members.length);
        for (int i = 0; i < members.length; i++) str(members[i]).le64(Double.doubleToLongBits(scores[i]));
        return this;
    }

    /** EOF and the CRC64 of everything before it. */
    byte[] finish() {
        u8(0xff);
        byte[] body = out.toByteArray();
        long crc = Crc64.of(body, 0, body.length);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(body);
        for (int i = 0; i < 8; i++) all.write((int) (crc >> (8 * i)));
        return all.toByteArray();
    }
}
