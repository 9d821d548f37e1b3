package dev.salvor.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
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

/**
 * A hostile replication master on a loopback port: answers the replica handshake, then behaves
 * as the test says (streams a snapshot of many keys, never ends it, trickles keep-alives, or
 * answers with a forged error). What a real server cannot be made to do.
 */
final class FakeMaster implements Closeable {
    /** What the master does once the replica asked for a full resynchronisation. */
    interface Behaviour {
        void afterPsync(OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Thread thread;
    private volatile String replconfReply = "+OK";

    FakeMaster(Behaviour behaviour) throws IOException {
        server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> {
            try (Socket s = server.accept()) {
                // One replica only: a later connection (a DUMP for a key's detail) is refused at
                // once rather than left waiting in the backlog for a handshake no one answers.
                server.close();
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = new BufferedOutputStream(s.getOutputStream(), 1 << 16);
                while (true) {
                    List<String> cmd = readCommand(in);
                    if (cmd == null) return;
                    String name = cmd.get(0).toUpperCase(java.util.Locale.ROOT);
                    if (name.equals("PSYNC")) {
                        out.write(("+FULLRESYNC " + "0".repeat(40) + " 0\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        behaviour.afterPsync(out);
                        out.flush();
                        Thread.sleep(Long.MAX_VALUE);
                    }
                    out.write(((name.equals("REPLCONF") ? replconfReply : "+OK") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // The replica went away, or the test ended.
            }
        }, "fake-master");
        thread.setDaemon(true);
        thread.start();
    }

    /** The reply to REPLCONF (e.g. a forged error line). */
    FakeMaster replconfReply(String line) {
        this.replconfReply = line;
        return this;
    }

    String url() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    private static List<String> readCommand(InputStream in) throws IOException {
        String head = line(in);
        if (head == null) return null;
        int n = Integer.parseInt(head.substring(1));
        List<String> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = Integer.parseInt(line(in).substring(1));
            byte[] b = in.readNBytes(len + 2);
            args.add(new String(b, 0, len, StandardCharsets.ISO_8859_1));
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

    /** The start of a diskless snapshot: the EOF mark line, the RDB header, database 0. */
    static void snapshotStart(OutputStream out, String mark) throws IOException {
        out.write(("$EOF:" + mark + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write("REDIS0011".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {(byte) 0xFE, 0});
    }

    /** One string key {@code prefix<i>} = "v" as an RDB record. */
    static void stringKey(OutputStream out, String prefix, long i) throws IOException {
        byte[] k = (prefix + i).getBytes(StandardCharsets.US_ASCII);
        out.write(0);
        out.write(k.length);
        out.write(k);
        out.write(1);
        out.write('v');
    }

    /** The end of the snapshot: EOF opcode, a zero (disabled) checksum, the mark. */
    static void snapshotEnd(OutputStream out, String mark) throws IOException {
        out.write(0xFF);
        out.write(new byte[8]);
        out.write(mark.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() throws IOException {
        thread.interrupt();
        server.close();
    }
}
