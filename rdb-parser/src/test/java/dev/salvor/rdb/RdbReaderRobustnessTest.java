package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Any input ends in tokens or a typed, located error: never another exception, a hang or a huge allocation. */
class RdbReaderRobustnessTest {
    private static final Path SMALL = Fixtures.resolve("rdb/redis-7.0/dataset-nocompress.rdb");
    private static final Path COMPRESSED = Fixtures.resolve("rdb/redis-7.4/dataset.rdb");

    /** A digest of every token and element the reader produces. */
    static String digest(RdbReader r) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                md.update((byte) t.ordinal());
                md.update(Long.toString(r.tokenOffset()).getBytes());
                if (t == RdbToken.KEY) md.update(r.key());
                if (t == RdbToken.ELEMENT) {
                    switch (r.elementKind()) {
                        case STRING_VALUE, LIST_ITEM, SET_MEMBER -> md.update(r.item().toBytes());
                        case ZSET_ENTRY -> {
                            md.update(r.item().toBytes());
                            md.update(Double.toString(r.score()).getBytes());
                        }
                        case HASH_ENTRY -> {
                            md.update(r.item().toBytes());
                            md.update(r.hashValue().toBytes());
                            md.update(Long.toString(r.fieldExpireAtMs()).getBytes());
                        }
                        case STREAM_ENTRY -> {
                            md.update(r.streamId().toString().getBytes());
                            for (int i = 0; i < r.streamFieldCount(); i++) {
                                md.update(r.streamField(i).toBytes());
                                md.update(r.streamValue(i).toBytes());
                            }
                        }
                        default -> md.update(r.elementKind().name().getBytes());
                    }
                }
            }
            md.update(r.checksumStatus().name().getBytes());
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A stream that hands out at most {@code chunk} bytes per read (1 = byte at a time). */
    static InputStream trickle(byte[] b, int chunk, long seed) {
        Random rnd = new Random(seed);
        return new ByteArrayInputStream(b) {
            @Override
            public synchronized int read(byte[] buf, int off, int len) {
                int n = chunk > 0 ? chunk : 1 + rnd.nextInt(4000);
                return super.read(buf, off, Math.min(len, n));
            }
        };
    }

    @Test
    void splitAnywhereReadsTheSame() throws IOException {
        for (Path file : new Path[] {SMALL, COMPRESSED}) {
            byte[] bytes = Files.readAllBytes(file);
            String whole;
            try (RdbReader r = RdbReader.open(file)) {
                whole = digest(r);
            }
            try (RdbReader r = RdbReader.of(trickle(bytes, 1, 0), "trickle", -1)) {
                assertThat(digest(r)).as("one byte per read").isEqualTo(whole);
            }
            try (RdbReader r = RdbReader.of(trickle(bytes, 0, 42), "random", bytes.length)) {
                assertThat(digest(r)).as("random chunks").isEqualTo(whole);
            }
        }
    }

    @Test
    void everyTruncationIsATypedLocatedError() throws IOException {
        byte[] bytes = Files.readAllBytes(SMALL);
        for (int cut = 0; cut < bytes.length; cut += cut < 4000 ? 1 : 97) {
            byte[] part = Arrays.copyOf(bytes, cut);
            try (RdbReader r = RdbReader.of(new ByteArrayInputStream(part), "cut" + cut, part.length)) {
                digest(r);
                org.junit.jupiter.api.Assertions.fail("a file cut at " + cut + " read without error");
            } catch (RdbFormatException e) {
                assertThat(e.offset()).isBetween(0L, (long) cut);
                assertThat(e.getMessage()).contains("byte offset " + e.offset()).doesNotContain("\n");
            }
        }
    }

    @Test
    void randomDamageNeverEscapesAsAnythingButRdbFormatException() throws IOException {
        for (Path file : new Path[] {SMALL, COMPRESSED}) {
            byte[] bytes = Files.readAllBytes(file);
            Random rnd = new Random(file.toString().length());
            for (int round = 0; round < 1500; round++) {
                byte[] d = mutate(bytes, rnd);
                try (RdbReader r = RdbReader.of(new ByteArrayInputStream(d), "fuzz" + round, d.length)) {
                    digest(r);
                } catch (RdbFormatException e) {
                    assertThat(e.offset()).as("round %d", round).isBetween(0L, (long) d.length);
                    assertThat(e.getMessage()).doesNotContain("\n");
                }
            }
        }
    }

    static byte[] mutate(byte[] b, Random rnd) {
        int at = 9 + rnd.nextInt(b.length - 9);
        switch (rnd.nextInt(5)) {
            case 0 -> {
                byte[] c = b.clone();
                c[at] ^= (byte) (1 << rnd.nextInt(8));
                return c;
            }
            case 1 -> {
                byte[] c = b.clone();
                c[at] = (byte) (rnd.nextBoolean() ? 0xff : 0x00);
                return c;
            }
            case 2 -> {
                byte[] c = b.clone();
                int page = at / 4096 * 4096;
                Arrays.fill(c, page, Math.min(c.length, page + 4096), (byte) 0);
                return c;
            }
            case 3 -> {
                byte[] junk = new byte[1 + rnd.nextInt(64)];
                rnd.nextBytes(junk);
                byte[] c = new byte[b.length + junk.length];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(junk, 0, c, at, junk.length);
                System.arraycopy(b, at, c, at + junk.length, b.length - at);
                return c;
            }
            default -> {
                int n = Math.min(1 + rnd.nextInt(64), b.length - at);
                byte[] c = new byte[b.length - n];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + n, c, at, b.length - at - n);
                return c;
            }
        }
    }

    @Test
    void hostileLengthsFailWithoutAllocating() throws IOException {
        // A string key whose length claims 2^62 bytes, and an LZF string claiming 2 GB from 3 bytes.
        byte[] huge = concat("REDIS0011".getBytes(), new byte[] {(byte) 0xfe, 0, 0, (byte) 0x81, 0x40, 0, 0, 0, 0, 0, 0, 0});
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(huge), "huge", -1)) {
            digest(r);
            org.junit.jupiter.api.Assertions.fail("accepted");
        } catch (RdbFormatException e) {
            assertThat(e.reason()).isIn(RdbFormatException.Reason.LIMIT_EXCEEDED, RdbFormatException.Reason.BAD_LENGTH);
        }
        byte[] lzf = concat("REDIS0011".getBytes(), new byte[] {(byte) 0xfe, 0, 0, 1, 'k', (byte) 0xc3, 3, (byte) 0x80, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 'a', 'b'});
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(lzf), "lzf", lzf.length)) {
            digest(r);
            org.junit.jupiter.api.Assertions.fail("accepted");
        } catch (RdbFormatException e) {
            assertThat(e.reason()).isIn(RdbFormatException.Reason.LZF_FAILURE, RdbFormatException.Reason.LIMIT_EXCEEDED);
            assertThat(e.offset()).isEqualTo(14);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
