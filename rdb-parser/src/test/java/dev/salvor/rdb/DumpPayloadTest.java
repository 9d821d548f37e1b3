package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvor.fixtures.RedisServer;
import dev.salvor.fixtures.ServerBinaries;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/** DUMP payloads from a real server are read by the same code as files, element for element. */
class DumpPayloadTest {
    @TempDir
    Path dir;

    static List<String> elements(RdbReader r, boolean untilKeyEnd) throws Exception {
        List<String> out = new ArrayList<>();
        RdbToken t;
        while ((t = r.next()) != RdbToken.END) {
            if (t == RdbToken.KEY) out.add(r.type() + "/" + r.encoding());
            if (t == RdbToken.ELEMENT) {
                out.add(switch (r.elementKind()) {
                    case ZSET_ENTRY -> r.item() + ":" + r.score();
                    case HASH_ENTRY -> r.item() + "=" + r.hashValue();
                    case STREAM_ENTRY -> r.streamId() + "" + r.streamFieldCount();
                    case STREAM_META -> "len" + r.streamLength() + " last " + r.streamLastId();
                    case STREAM_GROUP -> "group " + r.groupName() + " " + r.groupLastId();
                    case STREAM_GROUP_PENDING, STREAM_CONSUMER_PENDING -> "pending " + r.pendingId();
                    case STREAM_CONSUMER -> "consumer " + r.consumerName();
                    default -> r.item().toString();
                });
            }
            if (t == RdbToken.KEY_END && untilKeyEnd) break;
        }
        return out;
    }

    /** The local redis-server, and each ../shared server (skipped where absent, failed in CI). */
    static Stream<String> servers() {
        return Stream.concat(Stream.of("local"), ServerBinaries.NAMES.stream());
    }

    /**
     * The RDB version a payload claims is the one the same server writes in its files (read from
     * the file's magic, not assumed: Redis 7.0 writes 10, 7.2 11, 7.4 12...).
     */
    @ParameterizedTest
    @MethodSource("servers")
    void dumpPayloadsMatchTheFile(String server) throws Exception {
        String binary = server.equals("local") ? RedisServer.binary() : ServerBinaries.require(server).toString();
        try (RedisServer redis = RedisServer.startBinary(binary, dir.resolve("r"), null)) {
            redis.call("SET", "s", "hello");
            redis.call("SET", "n", "12345");
            redis.call("RPUSH", "l", "a", "b", "c");
            redis.call("SADD", "i", "1", "2", "300000");
            redis.call("SADD", "m", "x", "y");
            redis.call("ZADD", "z", "1.5", "one", "-inf", "low");
            redis.call("HSET", "h", "f", "v", "g", "w");
            redis.call("XADD", "x", "1-1", "k", "v");
            redis.call("XGROUP", "CREATE", "x", "g", "0");
            redis.call("XREADGROUP", "GROUP", "g", "c1", "STREAMS", "x", ">");
            Path rdb = redis.save();
            String magic = new String(Files.readAllBytes(rdb), 0, 9, StandardCharsets.US_ASCII);
            assertThat(magic).as("%s %s writes a Redis magic", server, redis.version()).startsWith("REDIS");
            int fileVersion = Integer.parseInt(magic.substring(5));
            for (String key : List.of("s", "n", "l", "i", "m", "z", "h", "x")) {
                byte[] payload = (byte[]) redis.call("DUMP", key);
                List<String> fromDump;
                try (RdbReader d = RdbReader.ofDumpPayload(payload, "DUMP " + key)) {
                    fromDump = elements(d, false);
                    assertThat(d.version()).as("%s %s", server, redis.version()).isEqualTo(fileVersion);
                }
                List<String> fromFile = null;
                try (RdbReader f = RdbReader.open(rdb)) {
                    RdbToken t;
                    while ((t = f.next()) != RdbToken.END) {
                        if (t == RdbToken.KEY && new String(f.key()).equals(key)) {
                            fromFile = new ArrayList<>(List.of(f.type() + "/" + f.encoding()));
                            fromFile.addAll(elements(f, true));
                            break;
                        }
                    }
                }
                assertThat(fromDump).as("DUMP %s", key).isEqualTo(fromFile);
                byte[] bad = payload.clone();
                bad[bad.length - 1] ^= 1;
                assertThatThrownBy(() -> RdbReader.ofDumpPayload(bad, "bad")).isInstanceOf(RdbFormatException.class)
                        .satisfies(e -> assertThat(((RdbFormatException) e).reason()).isEqualTo(RdbFormatException.Reason.CHECKSUM_MISMATCH));
            }
        }
    }
}
