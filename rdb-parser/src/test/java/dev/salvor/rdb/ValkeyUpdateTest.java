package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvor.fixtures.RdbBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Valkey's UPDATE record (opcode 242 in VALKEY files; valkey src/rdb.h RDB_OPCODE_UPDATE, "inline
 * replication command during forkless save"): a RESP multibulk written as the forkless save's
 * writeReplicationData writes it ({@code *<argc>\r\n}, then {@code $<len>\r\n<arg>\r\n} per
 * argument), after a SELECTDB of its database. No Valkey 9.2 server runs here: built byte by byte.
 */
class ValkeyUpdateTest {
    static byte[] resp(String... args) {
        StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
        for (String a : args) sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> read(byte[] file) throws IOException {
        List<String> seen = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                if (t == RdbToken.KEY) seen.add("key " + new String(r.key(), StandardCharsets.UTF_8) + " db " + r.db());
                if (t == RdbToken.COMMAND) {
                    StringBuilder sb = new StringBuilder("command db " + r.db() + " @" + r.tokenOffset() + "-" + r.offset() + ":");
                    for (byte[] a : r.commandArgs()) sb.append(' ').append(new String(a, StandardCharsets.UTF_8));
                    seen.add(sb.toString());
                }
                if (t == RdbToken.EOF) seen.add("eof " + r.checksumStatus());
            }
        }
        return seen;
    }

    @Test
    void aCommandReplayedWhileLoading() throws IOException {
        RdbBuilder b = new RdbBuilder("VALKEY081").aux("valkey-ver", "9.2.0").selectDb(0, 1, 0).stringKey("a", "1").u8(254).len(3);
        int at = b.offset();
        byte[] cmd = resp("SET", "k", "v\r\nwith a line break");
        byte[] file = b.u8(242).raw(cmd).stringKey("b", "2").finish();
        assertThat(read(file)).containsExactly("key a db 0", "command db 3 @" + at + "-" + (at + 1 + cmd.length) + ": SET k v\r\nwith a line break",
                "key b db 3", "eof OK");
    }

    @Test
    void aMalformedCommandIsALocatedError() {
        RdbBuilder b = new RdbBuilder("VALKEY081").selectDb(0, 1, 0);
        int at = b.offset();
        byte[] file = b.u8(242).raw("*2\r\n$3\r\nGET\r\n#1\r\nk\r\n".getBytes(StandardCharsets.US_ASCII)).finish();
        RdbFormatException e = catchThrowableOfType(() -> read(file), RdbFormatException.class);
        assertThat(e.reason()).isEqualTo(RdbFormatException.Reason.BAD_ENCODING);
        assertThat(e.offset()).isEqualTo(at + 1 + 4 + 4 + 5);
        assertThat(e.getMessage()).contains("UPDATE command argument length: expected '$', found byte 0x23");
        // A length beyond the input is refused before anything is allocated for it.
        byte[] huge = new RdbBuilder("VALKEY081").selectDb(0, 1, 0).u8(242).raw("*1\r\n$99999999\r\n".getBytes(StandardCharsets.US_ASCII)).finish();
        RdbFormatException big = catchThrowableOfType(() -> read(huge), RdbFormatException.class);
        assertThat(big.reason()).isEqualTo(RdbFormatException.Reason.TRUNCATED);
    }
}
