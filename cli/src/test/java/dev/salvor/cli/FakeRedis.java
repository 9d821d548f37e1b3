package dev.salvor.cli;

import dev.salvor.rdb.Crc64;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A server that speaks enough RESP for a Redis client to connect, ask INFO and DBSIZE and DUMP
 * keys, but whose SCAN never finishes: it hands out the same keys, or nothing, with a cursor
 * that never returns to 0. What no real server does, and what must not hold a diff forever.
 */
final class FakeRedis implements Closeable {
    enum Scan { SAME_KEYS, EMPTY_PAGES }

    private final ServerSocket server;
    private final Scan scan;
    private final List<Socket> sockets = new ArrayList<>();

    FakeRedis(Scan scan) throws IOException {
        this.scan = scan;
        this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    synchronized (sockets) {
                        sockets.add(s);
                    }
                    Thread t = new Thread(() -> serve(s), "fake-redis-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-redis");
        accept.setDaemon(true);
        accept.start();
    }

    String url() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            List<byte[]> cmd;
            while ((cmd = read(in)) != null) {
                String name = new String(cmd.get(0), StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT);
                switch (name) {
                    case "HELLO" -> simple(out, "-ERR unknown command 'HELLO'");
                    case "PING" -> simple(out, "+PONG");
                    case "INFO" -> {
                        String section = cmd.size() > 1 ? new String(cmd.get(1), StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT) : "";
                        String text = switch (section) {
                            case "server" -> "# Server\r\nredis_version:7.0.0\r\n";
                            case "keyspace" -> "# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n";
                            case "cluster" -> "# Cluster\r\ncluster_enabled:0\r\n";
                            default -> "";
                        };
                        bulk(out, text.getBytes(StandardCharsets.US_ASCII));
                    }
                    case "DBSIZE" -> simple(out, ":3");
                    case "SCAN" -> {
                        out.write("*2\r\n".getBytes(StandardCharsets.US_ASCII));
                        bulk(out, "7".getBytes(StandardCharsets.US_ASCII));
                        if (scan == Scan.SAME_KEYS) {
                            out.write("*3\r\n".getBytes(StandardCharsets.US_ASCII));
                            for (String k : new String[] {"a", "b", "c"}) bulk(out, k.getBytes(StandardCharsets.US_ASCII));
                        } else {
                            out.write("*0\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                    case "DUMP" -> bulk(out, payload());
                    case "PEXPIRETIME", "PTTL" -> simple(out, ":-1");
                    default -> simple(out, "+OK");
                }
                if (in.available() == 0) out.flush();
            }
        } catch (IOException e) {
            // The client went away.
        }
    }

    /** DUMP of the string "v": type, value, RDB version 10, CRC64. */
    private static byte[] payload() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        b.write(1);
        b.write('v');
        b.write(10);
        b.write(0);
        byte[] head = b.toByteArray();
        long crc = Crc64.of(head, 0, head.length);
        for (int i = 0; i < 8; i++) b.write((int) (crc >>> (8 * i)));
        return b.toByteArray();
    }

    private static void simple(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static void bulk(OutputStream out, byte[] b) throws IOException {
        out.write(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    private static List<byte[]> read(InputStream in) throws IOException {
        String head = line(in);
        if (head == null) return null;
        int n = Integer.parseInt(head.substring(1));
        List<byte[]> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = Integer.parseInt(line(in).substring(1));
            byte[] b = in.readNBytes(len + 2);
            args.add(java.util.Arrays.copyOf(b, len));
        }
        return args;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) return null;
            if (c != '\r') sb.append((char) c);
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            for (Socket s : sockets) s.close();
        }
    }
}
