package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.salvor.check.CheckReport;
import dev.salvor.check.RdbChecker;
import dev.salvor.export.NdjsonExporter;
import dev.salvor.fixtures.RedisServer;
import dev.salvor.rdb.Crc64;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KeyDB writes an AUX record ({@code mvcc-tstamp}) between a key's expiry and its type. Every
 * server keeps the expiry for the key across it, so reading, checking, exporting and repairing
 * such a file must too: a key that expires must never come back persistent. The file is one a
 * real redis-server wrote, with that AUX record put where KeyDB puts it; the server that loads it
 * is the oracle.
 */
class KeyDbExpiryLayoutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long EXPIRE_AT = 4102444800000L; // 2100-01-01

    @TempDir
    Path dir;

    @Test
    void theExpiryAcrossAnAuxRecordStaysWithItsKey() throws Exception {
        Path written;
        try (RedisServer redis = RedisServer.start(dir.resolve("writer"))) {
            redis.call("SET", "expiring", "v", "PXAT", Long.toString(EXPIRE_AT));
            redis.call("SET", "persistent", "w");
            written = redis.save();
        }
        Path keydb = dir.resolve("keydb.rdb");
        Files.write(keydb, withAuxAfterExpiry(Files.readAllBytes(written)));

        // The oracle: the server loads the file and the key keeps its expiry.
        Map<String, Long> loaded = load(keydb, dir.resolve("oracle"));
        assertThat(loaded).containsEntry("expiring", EXPIRE_AT).containsEntry("persistent", -1L);

        CheckReport check = RdbChecker.checkFile(keydb, null);
        assertThat(check.problems()).isEmpty();
        assertThat(check.keys()).isEqualTo(2);

        ByteArrayOutputStream exported = new ByteArrayOutputStream();
        Path repaired = Files.createDirectories(dir.resolve("repaired")).resolve("dump.rdb");
        SalvageReport report;
        try (NdjsonExporter e = new NdjsonExporter(exported);
             FileChannel in = FileChannel.open(keydb);
             OutputStream out = Files.newOutputStream(repaired)) {
            report = RdbSalvager.salvage(keydb, new VisitorChain(new ExportingVisitor(e), new RepairWriter(in, out)), null);
        }
        assertThat(report.regions()).isEmpty();
        Map<String, Long> expiries = new HashMap<>();
        for (String line : exported.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) continue;
            JsonNode n = JSON.readTree(line);
            if (n.has("key")) expiries.put(n.get("key").asText(), n.has("expire_at_ms") ? n.get("expire_at_ms").asLong() : -1L);
        }
        assertThat(expiries).containsEntry("expiring", EXPIRE_AT).containsEntry("persistent", -1L);

        // The repaired file holds the aux record once, inside the key's record, and loads as the original did.
        byte[] out = Files.readAllBytes(repaired);
        assertThat(count(out, "mvcc-tstamp".getBytes(StandardCharsets.US_ASCII))).isEqualTo(1);
        try (RdbReader r = RdbReader.open(repaired)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) if (t == RdbToken.KEY) r.skipValue();
        }
        assertThat(load(repaired, dir.resolve("reload"))).isEqualTo(loaded);
    }

    /** The file with {@code AUX "mvcc-tstamp" "12345"} right after the 9-byte expiry prefix, its CRC64 made right. */
    private static byte[] withAuxAfterExpiry(byte[] f) {
        int at = -1;
        for (int i = 9; i + 9 <= f.length; i++) {
            if ((f[i] & 0xff) != 0xfc) continue;
            long v = 0;
            for (int k = 8; k >= 1; k--) v = v << 8 | (f[i + k] & 0xffL);
            if (v == EXPIRE_AT) at = i + 9;
        }
        assertThat(at).as("the expiry prefix").isPositive();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(f, 0, at);
        b.write(0xfa);
        b.write(11);
        b.writeBytes("mvcc-tstamp".getBytes(StandardCharsets.US_ASCII));
        b.write(5);
        b.writeBytes("12345".getBytes(StandardCharsets.US_ASCII));
        b.write(f, at, f.length - at);
        byte[] out = b.toByteArray();
        long crc = Crc64.of(out, 0, out.length - 8);
        for (int i = 0; i < 8; i++) out[out.length - 8 + i] = (byte) (crc >>> (8 * i));
        return out;
    }

    /** Each key with its absolute expiry in ms (-1 for none), as a real redis-server loaded the file. */
    private static Map<String, Long> load(Path rdb, Path serverDir) throws IOException {
        Files.createDirectories(serverDir);
        Files.copy(rdb, serverDir.resolve("dump.rdb"));
        Map<String, Long> out = new HashMap<>();
        try (RedisServer redis = RedisServer.start(serverDir, "--dbfilename", "dump.rdb")) {
            for (String key : new String[] {"expiring", "persistent"}) {
                Object t = redis.call("PEXPIRETIME", key);
                if (t instanceof Long ms && ms != -2) out.put(key, ms);
            }
        }
        return out;
    }

    private static int count(byte[] hay, byte[] needle) {
        int n = 0;
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            n++;
        }
        return n;
    }
}
