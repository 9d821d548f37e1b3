package dev.salvor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.salvor.fixtures.Fixtures;
import dev.salvor.fixtures.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** rediss:// through Lettuce against a real TLS redis-server with a certificate made for the test. */
class TlsDiffTest {
    private static final Path RDB = Fixtures.resolve("rdb/redis-7.0/dataset.rdb");

    @TempDir
    Path tmp;

    @Test
    void diffOverTlsTrustsOnlyTheGivenCertificate() throws Exception {
        Path cert = tmp.resolve("cert.pem"), key = tmp.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", cert.toString(),
                "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(0);
        int tlsPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tlsPort = s.getLocalPort();
        }
        Path dir = tmp.resolve("server");
        Files.createDirectories(dir);
        Files.copy(RDB, dir.resolve("dump.rdb"));
        try (RedisServer redis = RedisServer.start(dir, "--dbfilename", "dump.rdb", "--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(), "--tls-ca-cert-file", cert.toString(), "--tls-auth-clients", "no")) {
            String url = "rediss://127.0.0.1:" + tlsPort;
            CliRunner.Result trusted = CliRunner.run("diff", RDB.toString(), url, "--tls-ca-cert", cert.toString());
            assertThat(trusted.exitCode()).as(trusted.err()).isEqualTo(0);
            assertThat(trusted.out()).contains("identical");
            CliRunner.Result untrusted = CliRunner.run("diff", RDB.toString(), url);
            assertThat(untrusted.exitCode()).isEqualTo(2);
            assertThat(untrusted.err().strip().lines()).hasSize(1);
        }
    }
}
