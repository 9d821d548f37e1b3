package dev.salvor.live;

import dev.salvor.diff.KeySource;
import dev.salvor.diff.KeyRecord;
import dev.salvor.diff.ValueDigest;
import dev.salvor.diff.CollectedValue;
import dev.salvor.diff.ServerUrl;
import dev.salvor.diff.AuthenticationException;
import dev.salvor.export.KeySelector;
import dev.salvor.io.Deadline;
import dev.salvor.io.Spool;
import dev.salvor.diff.RdbFileSource;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * A live server read as one consistent point-in-time snapshot through the replication protocol:
 * the source asks for a full resynchronisation ({@code PSYNC ? -1}) and the RDB the server sends,
 * disk-backed ({@code $<length>}) or diskless ({@code $EOF:<40-byte mark>}), streams straight
 * into the RDB parser without being stored, except a Valkey 9 snapshot, whose UPDATE records
 * are replayed as the loader does (it is stored in a temporary file and read as a file).
 * Element-level detail comes from the live server (DUMP), like {@link LiveSource}.
 */
public final class ReplicationSource implements KeySource {
    private final String host;
    private final int port;
    private final String user;
    private final char[] password;
    private final LiveSource live;
    private final String name;
    private final int onlyDb;

    public ReplicationSource(String url, char[] password) throws IOException {
        io.lettuce.core.RedisURI u = LiveSource.parse(url);
        this.host = u.getHost();
        this.port = u.getPort();
        this.user = u.getUsername();
        this.password = u.getPassword() != null && u.getPassword().length > 0 ? u.getPassword() : password;
        this.live = new LiveSource(url, password);
        this.onlyDb = ServerUrl.database(url);
        this.name = "replication://" + host + ":" + port + (onlyDb >= 0 ? "/" + onlyDb : "");
    }

    /** How long a master may take to start sending its snapshot unless told otherwise. */
    public static final Duration DEFAULT_SNAPSHOT_WAIT = Duration.ofMinutes(15);

    private Deadline deadline = Deadline.NONE;
    private Duration snapshotWait = DEFAULT_SNAPSHOT_WAIT;

    /** The run's deadline: the handshake, the wait and the snapshot itself end there. */
    public ReplicationSource deadline(Deadline d) {
        this.deadline = d;
        live.deadline(d);
        return this;
    }

    /**
     * How long the master may keep the replica waiting (keep-alive newlines while it prepares a
     * snapshot) before the first byte of the snapshot: a master that only ever sends newlines
     * ends the run instead of holding it forever.
     */
    public ReplicationSource snapshotWait(Duration d) {
        this.snapshotWait = d;
        return this;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host, port), 10_000);
            } catch (java.net.ConnectException e) {
                throw new IOException(name + ": cannot connect: connection refused (is a server listening on port " + port + "?)");
            } catch (java.net.SocketTimeoutException e) {
                throw new IOException(name + ": cannot connect: no answer within 10 s");
            } catch (java.net.UnknownHostException e) {
                throw new IOException(name + ": cannot connect: unknown host " + host);
            }
            Deadline wait = Deadline.after(snapshotWait, "--snapshot-wait " + snapshotWait.toSeconds() + "s").min(deadline);
            // Every read, of the handshake and of the snapshot, waits at most until the deadline.
            Timed timed = new Timed(socket, socket.getInputStream(), wait);
            InputStream in = new BufferedInputStream(timed, 1 << 16);
            OutputStream out = socket.getOutputStream();
            if (password != null) {
                if (user != null && !user.isEmpty()) expectOk(command(in, out, "AUTH", user, new String(password)), "AUTH");
                else expectOk(command(in, out, "AUTH", new String(password)), "AUTH");
            }
            expectOk(command(in, out, "REPLCONF", "capa", "eof", "capa", "psync2"), "REPLCONF");
            // While the master waits to start a diskless BGSAVE (repl-diskless-sync-delay, 5 s by
            // default) or writes a disk-backed one, it sends a bare newline each second so the
            // replica does not time out: before +FULLRESYNC in the first case, after it in the second.
            String reply = command(in, out, "PSYNC", "?", "-1");
            while (reply.isEmpty()) reply = readLine(in);
            if (!reply.startsWith("+FULLRESYNC")) throw new IOException(name + ": expected +FULLRESYNC, got " + reply);
            String header = readLine(in);
            while (header.isEmpty()) header = readLine(in);
            // The snapshot has started: from here only the run's own deadline applies.
            timed.deadline = deadline;
            InputStream rdb;
            long size;
            if (header.startsWith("$EOF:")) {
                byte[] mark = header.substring(5).getBytes(StandardCharsets.ISO_8859_1);
                if (mark.length != 40) throw new IOException(name + ": bad diskless EOF mark");
                rdb = new UntilMark(in, mark);
                size = -1;
            } else if (header.startsWith("$")) {
                size = Long.parseLong(header.substring(1));
                rdb = new Bounded(in, size);
            } else {
                throw new IOException(name + ": expected the RDB transfer header, got " + header);
            }
            // A Valkey 9 snapshot may carry UPDATE records (commands a forkless save wrote into
            // it while clients went on writing): replaying them needs to know every key they name
            // before the first key is compared, so such a snapshot is stored and read twice.
            BufferedInputStream buffered = new BufferedInputStream(rdb, 1 << 16);
            buffered.mark(VALKEY_MAGIC.length);
            byte[] magic = buffered.readNBytes(VALKEY_MAGIC.length);
            buffered.reset();
            if (Arrays.equals(magic, VALKEY_MAGIC)) {
                scanStored(buffered, size, selector, sink);
                return;
            }
            notices = java.util.List.of();
            try (RdbReader r = RdbReader.of(buffered, name, size)) {
                RdbToken t;
                while ((t = r.next()) != RdbToken.END) {
                    if (t != RdbToken.KEY) continue;
                    if (!covers(r.db()) || !selector.select(r.db(), r.key(), r.type())) {
                        r.skipValue();
                        continue;
                    }
                    int db = r.db();
                    byte[] key = r.key();
                    long exp = r.expireAtMs();
                    sink.accept(new KeyRecord(db, key, exp, ValueDigest.of(r), -1));
                }
            }
        }
    }

    private static final byte[] VALKEY_MAGIC = "VALKEY".getBytes(StandardCharsets.US_ASCII);

    /** Where a snapshot that must be read twice is stored; set by the command (its temp options). */
    private Spool spool = Spool.defaults();
    private java.util.List<String> notices = java.util.List.of();

    /** The temporary disk a Valkey 9 snapshot is stored on ({@code --temp-dir}, {@code --temp-limit}). */
    public ReplicationSource spool(Spool s) {
        this.spool = s;
        return this;
    }

    /**
     * A snapshot stored in a temporary file within the spool's limits, then read as a file is
     * (its UPDATE records replayed); the file is removed at the end. Keys are handed on located
     * nowhere: their detail comes from the live server, as for a streamed snapshot.
     */
    private void scanStored(InputStream rdb, long size, KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
        Path stored = spool.copy(rdb, name + " (its snapshot)", size);
        try (RdbFileSource file = new RdbFileSource(stored, name)) {
            file.scan((db, key, type) -> covers(db) && selector.select(db, key, type),
                    k -> sink.accept(new KeyRecord(k.db(), k.key(), k.expireAtMs(), k.digest(), -1)));
            notices = file.notices();
        } finally {
            spool.delete(stored);
        }
    }

    /**
     * The snapshot's UPDATE commands Salvor did not apply, or that stop it from loading, each
     * located by its byte offset in the snapshot.
     */
    @Override
    public java.util.List<String> notices() {
        return notices;
    }

    private void expectOk(String reply, String what) throws IOException {
        if (reply.startsWith("+")) return;
        AuthenticationException auth = AuthenticationException.of(name, new IOException(reply));
        if (auth != null) throw auth;
        throw new IOException(name + ": " + what + " refused: " + reply);
    }

    private static String command(InputStream in, OutputStream out, String... args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] x = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + x.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(x);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b.toByteArray());
        out.flush();
        return readLine(in);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IOException("connection closed by the server");
            if (c != '\r') sb.append((char) c);
            if (sb.length() > 4096) throw new IOException("reply line too long");
        }
        return sb.toString();
    }

    /**
     * The socket's input, each read bounded by a deadline: the socket waits at most until then
     * (and at most 120 s for one reply), so neither silence nor a trickle of bytes outlasts it.
     */
    private final class Timed extends BulkReads {
        private final Socket socket;
        private final InputStream in;
        Deadline deadline;

        Timed(Socket socket, InputStream in, Deadline deadline) {
            this.socket = socket;
            this.in = in;
            this.deadline = deadline;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                deadline.check(name + ": the master's snapshot");
                int wait = deadline.waitMillis(120_000);
                socket.setSoTimeout(wait);
                try {
                    return in.read(b, off, len);
                } catch (java.net.SocketTimeoutException e) {
                    // A wait cut short by the deadline goes round again: the check above ends it.
                    if (wait == 120_000) {
                        deadline.check(name + ": the master's snapshot");
                        throw new IOException(name + ": the master sent nothing for 120 s");
                    }
                }
            }
        }
    }

    /** The first {@code size} bytes of the stream. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long size) {
            this.in = in;
            this.left = size;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int c = in.read();
            if (c >= 0) left--;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }

    /**
     * The stream up to (not including) a 40-byte end mark: the diskless transfer format. The
     * replication stream goes on after the mark, so the mark is searched for as bytes arrive,
     * and bytes are released only once they cannot be its start.
     */
    private static final class UntilMark extends BulkReads {
        private final InputStream in;
        private final byte[] mark;
        private final byte[] buf = new byte[1 << 16];
        private int start;
        private int end;
        private boolean done;

        UntilMark(InputStream in, byte[] mark) {
            this.in = in;
            this.mark = mark;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) return -1;
            while (true) {
                // Bytes before the first position where the mark could start are safe to hand out.
                int safe = start;
                while (safe < end) {
                    int m = Math.min(mark.length, end - safe);
                    if (Arrays.equals(buf, safe, safe + m, mark, 0, m)) break;
                    safe++;
                }
                if (safe > start) {
                    int n = Math.min(len, safe - start);
                    System.arraycopy(buf, start, b, off, n);
                    start += n;
                    return n;
                }
                if (end - start >= mark.length) {
                    // The whole mark is at start: the snapshot ends here.
                    done = true;
                    return -1;
                }
                if (start > 0) {
                    System.arraycopy(buf, start, buf, 0, end - start);
                    end -= start;
                    start = 0;
                }
                int n = in.read(buf, end, buf.length - end);
                if (n < 0) throw new IOException("the snapshot ended before its end mark");
                end += n;
            }
        }
    }

    @Override
    public CollectedValue fetch(KeyRecord record) throws IOException {
        return live.fetch(record);
    }

    @Override
    public boolean covers(int db) {
        return onlyDb < 0 || db == onlyDb;
    }

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public void close() {
        live.close();
    }

    /** A stream that reads in bulk; a single-byte read goes through the bulk read with one buffer kept, not one per byte. */
    private abstract static class BulkReads extends InputStream {
        private final byte[] one = new byte[1];

        @Override
        public int read() throws IOException {
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }
    }
}
