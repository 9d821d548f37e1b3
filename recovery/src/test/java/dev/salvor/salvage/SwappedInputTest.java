package dev.salvor.salvage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.salvor.fixtures.RedisServer;
import dev.salvor.format.InputFile;
import dev.salvor.rdb.KeyHeader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An input's name swapped for a link (or another file) while Salvor reads it: the salvager opens
 * the input once and reads only what it opened, so nothing the link leads to is read, however
 * many passes it makes. Both files are written by a real redis-server.
 */
class SwappedInputTest {
    @TempDir
    static Path work;

    /** The input: keys "kept:0".."kept:299". */
    static Path input;
    /** What an attacker links in its place: keys "secret:0".."secret:299". */
    static Path secret;

    @BeforeAll
    static void writeFiles() throws IOException {
        try (RedisServer redis = RedisServer.start(work.resolve("server"))) {
            for (int i = 0; i < 300; i++) redis.call("SET", "kept:" + i, "value " + i);
            input = Files.copy(redis.save(), work.resolve("input.rdb"));
            redis.call("FLUSHALL");
            for (int i = 0; i < 300; i++) redis.call("SET", "secret:" + i, "secret value " + i);
            secret = Files.copy(redis.save(), work.resolve("secret.rdb"));
        }
    }

    /** Collects the names of the keys the salvager hands out. */
    private static final class Keys implements SalvageVisitor {
        final List<String> names = new ArrayList<>();

        @Override
        public Value beginKey(KeyHeader key) throws IOException {
            names.add(new String(key.key(), StandardCharsets.UTF_8));
            return SalvageVisitor.super.beginKey(key);
        }
    }

    @Test
    void theSalvagerReadsTheFileItOpenedWhenItsNameBecomesALinkMidRun(@TempDir Path tmp) throws IOException {
        Path named = Files.copy(input, tmp.resolve("dump.rdb"));
        AtomicBoolean swapped = new AtomicBoolean();
        Keys keys = new Keys();
        // The first progress report comes during the scan, before the replay reads the keys again.
        SalvageReport report = RdbSalvager.salvage(named, keys, done -> {
            if (swapped.compareAndSet(false, true)) {
                try {
                    Files.delete(named);
                    Files.createSymbolicLink(named, secret);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        });
        assertThat(swapped).isTrue();
        assertThat(Files.isSymbolicLink(named)).isTrue();
        assertThat(keys.names).hasSize(300).allMatch(n -> n.startsWith("kept:"));
        assertThat(report.keysRecovered()).isEqualTo(300);
        assertThat(report.clean()).isTrue();
        Files.delete(named); // the link itself (JUnit warns of a link out of its temporary folder)
    }

    @Test
    void aLinkNamedOnTheCommandLineIsResolvedOnceAndAFileFoundInADirectoryNeverFollowed(@TempDir Path tmp) throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("latest.rdb"), input);
        // The user named the link: what it points to when named is read.
        Keys keys = new Keys();
        RdbSalvager.salvage(link, keys, null);
        assertThat(keys.names).hasSize(300).allMatch(n -> n.startsWith("kept:"));
        // A file Salvor found itself (an AOF segment): a link there is refused, not followed.
        assertThatThrownBy(() -> InputFile.openNoLinks(link, "appendonlydir/latest.rdb"))
                .isInstanceOf(InputFile.NotRegularFileException.class)
                .hasMessageContaining("appendonlydir/latest.rdb: is a symbolic link");
        Files.delete(link);
    }
}
