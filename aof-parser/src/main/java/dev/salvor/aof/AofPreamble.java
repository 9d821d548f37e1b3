package dev.salvor.aof;

import dev.salvor.rdb.ChecksumStatus;
import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The RDB part at the start of an AOF file: the preamble of an AOF written with
 * {@code aof-use-rdb-preamble yes}, or a whole {@code *.base.rdb} of a multi-part AOF. Measured
 * by the RDB parser stepping over values by their framing (framing and checksum, no values decoded).
 *
 * @param end          just past the RDB's checksum, where the AOF commands begin; -1 when damaged
 * @param keys         keys read (all of them when intact; those before the damage otherwise)
 * @param version      RDB version from the header, 0 when unreadable
 * @param ctimeSeconds the {@code ctime} aux field (when the server wrote it), or -1
 * @param checksum     the RDB's own CRC64 status (NOT_REACHED when damaged before its end)
 * @param error        the damage the RDB parser met, or null
 */
public record AofPreamble(long end, long keys, int version, long ctimeSeconds, ChecksumStatus checksum, RdbFormatException error) {
    /** Unreadable, or readable with a checksum that does not match (the server refuses to load either). */
    public boolean damaged() {
        return error != null || checksum == ChecksumStatus.MISMATCH;
    }

    /** Whether {@code file} starts with an RDB header (REDIS, or VALKEY for Valkey 9 files). */
    public static boolean startsWithRdb(Path file) throws IOException {
        try (FileChannel ch = AofSegment.open(file)) {
            ByteBuffer head = ByteBuffer.allocate(6);
            ch.read(head, 0);
            String magic = new String(head.array(), 0, head.position(), StandardCharsets.ISO_8859_1);
            return magic.startsWith("REDIS") || magic.startsWith("VALKEY");
        }
    }

    /** The RDB part of {@code file}, or null when the file does not start with one. */
    public static AofPreamble measure(Path file) throws IOException {
        if (!startsWithRdb(file)) return null;
        long keys = 0;
        int version = 0;
        long ctime = -1;
        // Read through a channel opened as every segment is (a link is never followed).
        try (FileChannel ch = AofSegment.open(file);
             RdbReader rdb = RdbReader.of(new java.io.BufferedInputStream(java.nio.channels.Channels.newInputStream(ch), 1 << 16),
                file.toString(), ch.size())) {
            try {
                RdbToken t;
                while ((t = rdb.next()) != RdbToken.END) {
                    if (t == RdbToken.HEADER) {
                        version = rdb.version();
                    } else if (t == RdbToken.KEY) {
                        keys++;
                        rdb.skipValue(RdbReader.Skip.FRAMING);
                    } else if (t == RdbToken.AUX && rdb.auxKey().contentEquals(CTIME)) {
                        ctime = rdb.auxValue().isInteger() ? rdb.auxValue().integer() : parse(rdb.auxValue().toString());
                    } else if (rdb.inValue()) {
                        rdb.skipValue(RdbReader.Skip.FRAMING);
                    }
                }
                return new AofPreamble(rdb.offset(), keys, rdb.version(), ctime, rdb.checksumStatus(), null);
            } catch (RdbFormatException e) {
                return new AofPreamble(-1, keys, version, ctime, ChecksumStatus.NOT_REACHED, e);
            }
        } catch (RdbFormatException e) {
            return new AofPreamble(-1, 0, 0, -1, ChecksumStatus.NOT_REACHED, e);
        }
    }

    private static final byte[] CTIME = "ctime".getBytes(StandardCharsets.US_ASCII);

    private static long parse(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
