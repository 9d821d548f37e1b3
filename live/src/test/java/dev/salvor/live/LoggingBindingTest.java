package dev.salvor.live;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Lettuce logs through SLF4J: the tests have a binding, so a build prints no SLF4J warning. */
class LoggingBindingTest {
    @Test
    void slf4jFindsABindingAndSaysNothing() throws Exception {
        // In a JVM of its own: in this one SLF4J may already have been started by another test.
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).doesNotContain("SLF4J").contains("logger ready");
    }

    /** Gets a logger the way Lettuce does. */
    static final class Probe {
        public static void main(String[] args) {
            org.slf4j.LoggerFactory.getLogger("io.lettuce.core.RedisClient").debug("unseen");
            System.out.println("logger ready");
        }
    }
}
