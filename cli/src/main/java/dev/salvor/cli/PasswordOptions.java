package dev.salvor.cli;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How to reach a live server: the password of a redis:// source without one in its URL (a file,
 * else $REDISCLI_AUTH; never printed) and the certificate to trust for rediss://.
 */
public final class PasswordOptions {
    @Option(names = "--password-file", paramLabel = "FILE", description = "Password for redis:// sources without one (else $REDISCLI_AUTH).")
    Path passwordFile;

    @Option(names = "--tls-ca-cert", paramLabel = "FILE", description = "PEM certificate(s) to trust for rediss:// servers (default: the JVM's trust store).")
    Path caCert;

    char[] password() throws IOException {
        if (passwordFile != null) return Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray();
        String env = System.getenv("REDISCLI_AUTH");
        return env == null || env.isEmpty() ? null : env.toCharArray();
    }
}
