package dev.salvor.diff;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * The engine diffs files without a Redis client: Lettuce (and the Netty transport it brings) is the
 * {@code live} module's, so a library user who diffs backups does not carry it.
 */
class NoLiveClientTest {
    @Test
    void lettuceIsNotOnTheEnginesClassPath() {
        assertThatThrownBy(() -> Class.forName("io.lettuce.core.RedisClient")).isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("dev.salvor.live.LiveSource")).isInstanceOf(ClassNotFoundException.class);
    }
}
