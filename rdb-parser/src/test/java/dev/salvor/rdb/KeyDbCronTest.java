package dev.salvor.rdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.salvor.fixtures.RdbBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * KeyDB's cron jobs (type 64): script, start and interval (8-byte little-endian ms), keys, then
 * arguments (KeyDB src/rdb.cpp rdbSaveObject / rdbLoadObject, RDB_TYPE_CRON). No KeyDB server
 * runs here and KeyDB's test files hold no cron job, so the file is built byte by byte in that layout.
 */
class KeyDbCronTest {
    static byte[] cronFile(String magic, String redisVer) {
        return new RdbBuilder(magic).aux("redis-ver", redisVer).selectDb(0, 2, 0)
                .key(64, "job").str("redis.call('incr', KEYS[1])").le64(1700000000000L).le64(60000)
                .len(2).str("counter").str("other").len(1).str("arg1")
                .stringKey("after", "v").finish();
    }

    @Test
    void aCronJobIsReadInKeyDbFiles() throws IOException {
        byte[] file = cronFile("REDIS0009", "6.3.4");
        List<String> seen = new ArrayList<>();
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            RdbToken t;
            while ((t = r.next()) != RdbToken.END) {
                switch (t) {
                    case KEY -> seen.add("key " + new String(r.key()) + " " + r.type().wireName() + " " + r.encoding().label());
                    case ELEMENT -> seen.add(r.elementKind() + " " + r.item()
                            + (r.elementKind() == ElementKind.CRON_JOB ? " " + r.cronStartMs() + " " + r.cronIntervalMs() : ""));
                    case EOF -> seen.add("eof " + r.checksumStatus());
                    default -> {
                    }
                }
            }
        }
        assertThat(seen).containsExactly("key job cron cron", "CRON_JOB redis.call('incr', KEYS[1]) 1700000000000 60000",
                "CRON_KEY counter", "CRON_KEY other", "CRON_ARG arg1", "key after string string", "STRING_VALUE v", "eof OK");
    }

    @Test
    void framingAloneSkipsTheJob() throws IOException {
        byte[] file = cronFile("REDIS0009", "6.3.4");
        try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
            while (r.next() != RdbToken.KEY) {
            }
            r.skipValue(RdbReader.Skip.FRAMING);
            assertThat(r.next()).isEqualTo(RdbToken.KEY);
            assertThat(new String(r.key())).isEqualTo("after");
        }
    }

    @Test
    void type64MeansNothingToRedis() {
        byte[] file = cronFile("REDIS0009", "6.2.6");
        RdbFormatException e = catchThrowableOfType(() -> {
            try (RdbReader r = RdbReader.of(new ByteArrayInputStream(file), "synthetic", file.length)) {
                while (r.next() != RdbToken.END) {
                }
            }
        }, RdbFormatException.class);
        assertThat(e.getMessage()).contains("unknown value type 64");
    }
}
