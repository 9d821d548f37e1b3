package dev.salvor.live;

import dev.salvor.diff.KeySource;
import dev.salvor.diff.ResumableScan;
import dev.salvor.diff.KeyRecord;
import dev.salvor.diff.ValueDigest;
import dev.salvor.diff.CollectedValue;
import dev.salvor.diff.ServerUrl;
import dev.salvor.diff.AuthenticationException;
import dev.salvor.export.KeySelector;
import dev.salvor.io.Deadline;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A live Redis or Valkey server as a diff source, through Lettuce: SCAN per database with
 * pipelined DUMP and PEXPIRETIME (PTTL before 7.0); each DUMP payload is decoded by the same RDB
 * parser that reads files, so both sides share one value model. The password comes from the URL
 * or the caller and is never part of {@link #describe()} or any message.
 */
public final class LiveSource implements KeySource, ResumableScan {
    private static final int BATCH = 500;
    private static final int PROBE_MILLIS = 5_000;

    /** Made on first use: its start costs time a refused connection should not pay. */
    private RedisClient client;
    private final RedisURI uri;
    private final String name;
    private boolean hasPexpiretime;
    private boolean cluster;
    private io.lettuce.core.cluster.RedisClusterClient clusterClient;
    private io.lettuce.core.cluster.api.StatefulRedisClusterConnection<byte[], byte[]> clusterConnection;

    /** {@code redis://[user:password@]host:port[/db]} or {@code rediss://} for TLS. */
    public LiveSource(String url, char[] password) throws IOException {
        this(url, password, null);
    }

    /**
     * @param caCert PEM certificate(s) to trust for {@code rediss://} (else the JVM's trust store);
     *               {@code ?verifyPeer=NONE} in the URL turns verification off
     */
    public LiveSource(String url, char[] password, java.nio.file.Path caCert) throws IOException {
        RedisURI u = parse(url);
        if (password != null && u.getPassword() == null) u.setPassword(password);
        // redis://host:port/N names one database; without it every database is read.
        this.onlyDb = ServerUrl.database(url);
        u.setTimeout(Duration.ofSeconds(60));
        this.uri = u;
        this.name = (u.isSsl() ? "rediss://" : "redis://") + u.getHost() + ":" + u.getPort() + (onlyDb >= 0 ? "/" + onlyDb : "");
        this.caCert = caCert;
    }

    private final java.nio.file.Path caCert;
    private final int onlyDb;

    /**
     * The URL as the client reads it. A URL it cannot read is reported without the client's own
     * message, which may quote any part of it, the password included.
     */
    static RedisURI parse(String url) throws IOException {
        try {
            return RedisURI.create(url);
        } catch (RuntimeException e) {
            throw new dev.salvor.io.InputException(dev.salvor.io.Text.redact(url)
                    + ": not a server URL Salvor can read (redis://[user:password@]host:port[/db], rediss:// for TLS; a password with / @ : in it is percent-encoded)");
        }
    }

    @Override
    public String describe() {
        return name;
    }

    private StatefulRedisConnection<byte[], byte[]> connect(int db) throws IOException {
        RedisURI u = RedisURI.builder(uri).withDatabase(db).build();
        try {
            return client().connect(ByteArrayCodec.INSTANCE, u);
        } catch (RuntimeException e) {
            throw failure("cannot connect: ", e);
        }
    }

    /**
     * One line for a failure: an authentication failure as such (Lettuce reports it as "Unable to
     * connect to host/<unresolved>:port" with the server's NOAUTH or WRONGPASS as the cause), else
     * the innermost message that says something.
     */
    private IOException failure(String what, Throwable e) {
        AuthenticationException auth = AuthenticationException.of(name, e);
        if (auth != null) return auth;
        String message = e.getMessage();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) message = t.getMessage();
        }
        return new IOException(name + ": " + what + scrub(message));
    }

    /**
     * Fails fast and plainly when nothing listens (connection refused, unknown host, no answer):
     * one TCP connect before the client starts, instead of the client's seconds of set-up and retries.
     */
    private void probe() throws IOException {
        if (uri.getHost() == null) return;
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()), PROBE_MILLIS);
        } catch (java.net.ConnectException e) {
            throw new IOException(name + ": cannot connect: connection refused (is a server listening on port " + uri.getPort() + "?)");
        } catch (java.net.SocketTimeoutException e) {
            throw new IOException(name + ": cannot connect: no answer within " + PROBE_MILLIS / 1000 + " s");
        } catch (java.net.UnknownHostException e) {
            throw new IOException(name + ": cannot connect: unknown host " + uri.getHost());
        }
    }

    private RedisClient client() {
        if (client == null) {
            client = RedisClient.create();
            if (caCert != null) {
                io.lettuce.core.SslOptions ssl = io.lettuce.core.SslOptions.builder().trustManager(caCert.toFile()).build();
                client.setOptions(io.lettuce.core.ClientOptions.builder().sslOptions(ssl).build());
            }
        }
        return client;
    }

    private String scrub(String message) {
        if (message == null) return "";
        char[] pw = uri.getPassword();
        return pw == null || pw.length == 0 ? message : message.replace(new String(pw), "***");
    }

    /** Databases that hold keys, from INFO keyspace. */
    private List<Integer> databases() throws IOException {
        probe();
        try (StatefulRedisConnection<byte[], byte[]> c = connect(0)) {
            String info = c.sync().info("keyspace");
            String server = c.sync().info("server");
            String ver = server.lines().filter(l -> l.startsWith("redis_version:")).findFirst().orElse("redis_version:0").substring(14).trim();
            hasPexpiretime = Integer.parseInt(ver.split("\\.")[0]) >= 7;
            cluster = c.sync().info("cluster").contains("cluster_enabled:1");
            List<Integer> dbs = new ArrayList<>();
            long expected = 0;
            for (String line : info.split("\r?\n")) {
                if (!line.startsWith("db")) continue;
                int db = Integer.parseInt(line.substring(2, line.indexOf(':')));
                dbs.add(db);
                // db0:keys=515,expires=54,avg_ttl=0
                int k = line.indexOf("keys=");
                if (k >= 0 && covers(db)) {
                    int end = line.indexOf(',', k);
                    expected += Long.parseLong(line.substring(k + 5, end < 0 ? line.length() : end).trim());
                }
            }
            expectedKeys = cluster ? -1 : expected;
            return dbs;
        } catch (RuntimeException e) {
            throw failure("", e);
        }
    }

    /** A Redis Cluster is found from any node; every master is read (cluster mode has only db 0). */
    private io.lettuce.core.cluster.api.StatefulRedisClusterConnection<byte[], byte[]> clusterConnection() throws IOException {
        if (clusterConnection == null) {
            try {
                clusterClient = io.lettuce.core.cluster.RedisClusterClient.create(uri);
                if (caCert != null) {
                    io.lettuce.core.SslOptions ssl = io.lettuce.core.SslOptions.builder().trustManager(caCert.toFile()).build();
                    clusterClient.setOptions(io.lettuce.core.cluster.ClusterClientOptions.builder().sslOptions(ssl).build());
                }
                clusterConnection = clusterClient.connect(ByteArrayCodec.INSTANCE);
            } catch (RuntimeException e) {
                throw failure("cannot connect to the cluster: ", e);
            }
        }
        return clusterConnection;
    }

    @Override
    public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
        scan(selector, java.util.Map.of(), new Pages() {
            @Override
            public void record(KeyRecord r) {
                sink.accept(r);
            }

            @Override
            public void pageDone(String position, String cursor) {
            }
        });
    }

    @Override
    public void scan(KeySelector selector, java.util.Map<String, String> from, Pages sink) throws IOException {
        List<Integer> dbs = databases();
        List<Reader> readers = new ArrayList<>();
        if (cluster) {
            if (selector instanceof dev.salvor.io.KeyFilter f && !f.acceptsDb(0)) return;
            var cc = clusterConnection();
            // Every master on a reader of its own: a cluster is read in parallel.
            for (io.lettuce.core.cluster.models.partitions.RedisClusterNode node : cc.getPartitions()) {
                if (!node.is(io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag.UPSTREAM)) continue;
                String id = node.getNodeId();
                String start = from.get(id);
                if (DONE.equals(start)) continue;
                readers.add(out -> new PageReader(cc.getConnection(id), 0, id).read(selector, start, out));
            }
        } else {
            List<Integer> read = new ArrayList<>();
            for (int db : dbs) {
                if (onlyDb >= 0 && db != onlyDb) continue;
                if (selector instanceof dev.salvor.io.KeyFilter f && !f.acceptsDb(db)) continue;
                if (DONE.equals(from.get("db" + db))) continue;
                read.add(db);
            }
            if (read.isEmpty()) return;
            readers.add(out -> {
                for (int db : read) {
                    try (StatefulRedisConnection<byte[], byte[]> c = connect(db)) {
                        new PageReader(c, db, "db" + db).read(selector, from.get("db" + db), out);
                    }
                }
            });
        }
        // One reader (a standalone server) works on the calling thread, so the consumer sets the
        // pace: the values of a page are read only after the previous page's records were taken,
        // and a key deleted meanwhile is not reported. Several (a cluster's masters) run at once.
        if (readers.size() == 1) readers.get(0).read(sink);
        else drain(readers, sink);
    }

    /**
     * Who this server is: its address (and database), and its run_id (a new one at every start:
     * SCAN cursors of a server that restarted mean nothing); for a cluster, its masters' node ids.
     */
    @Override
    public java.util.Map<String, String> identity() throws IOException {
        List<Integer> dbs = databases();
        java.util.Map<String, String> id = new java.util.LinkedHashMap<>();
        id.put("server", name);
        if (cluster) {
            List<String> masters = new ArrayList<>();
            for (var node : clusterConnection().getPartitions()) {
                if (node.is(io.lettuce.core.cluster.models.partitions.RedisClusterNode.NodeFlag.UPSTREAM)) masters.add(node.getNodeId());
            }
            java.util.Collections.sort(masters);
            id.put("cluster_masters", String.join(",", masters));
        } else {
            try (StatefulRedisConnection<byte[], byte[]> c = connect(0)) {
                String server = c.sync().info("server");
                id.put("run_id", server.lines().filter(l -> l.startsWith("run_id:")).findFirst().orElse("run_id:").substring(7).trim());
            } catch (RuntimeException e) {
                throw failure("", e);
            }
        }
        return id;
    }
    /** Reads keys from the server and hands their records on. */
    @FunctionalInterface
    private interface Reader {
        void read(Pages out) throws IOException;
    }

    private static final Object READER_DONE = new Object();

    private record ReaderFailed(Throwable error) {
    }

    /** A reader's page, whole: its records, then where its position goes on ({@code cursor}). */
    private record Page(List<KeyRecord> records, String position, String cursor) {
    }

    /**
     * Runs each reader on a thread of its own (payloads are decoded and digested there) and feeds
     * their records to {@code sink} on the calling thread, through a bounded queue: the diff sees
     * one stream of records and the masters of a cluster are read at the same time. The first
     * error of any reader ends the scan.
     */
    private void drain(List<Reader> readers, Pages sink) throws IOException {
        // Pages, not single records: a page's records and its cursor reach the consumer together,
        // so a checkpoint never holds part of one master's page beside another master's cursor.
        java.util.concurrent.BlockingQueue<Object> queue = new java.util.concurrent.ArrayBlockingQueue<>(2 * readers.size());
        List<Thread> threads = new ArrayList<>();
        for (Reader reader : readers) {
            Thread t = new Thread(() -> {
                Object end = READER_DONE;
                try {
                    reader.read(new Pages() {
                        private List<KeyRecord> page = new ArrayList<>();

                        @Override
                        public void record(KeyRecord r) {
                            page.add(r);
                        }

                        @Override
                        public void pageDone(String position, String cursor) {
                            handOver(queue, new Page(page, position, cursor));
                            page = new ArrayList<>();
                        }
                    });
                } catch (Throwable e) {
                    end = new ReaderFailed(e);
                }
                try {
                    handOver(queue, end);
                } catch (java.util.concurrent.CancellationException e) {
                    // The scan has ended; nobody waits for this reader.
                }
            }, "salvor-live-reader-" + (threads.size() + 1));
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        int running = threads.size();
        try {
            while (running > 0) {
                Object item = queue.take();
                if (item == READER_DONE) running--;
                else if (item instanceof ReaderFailed f) rethrow(f.error());
                else {
                    Page page = (Page) item;
                    for (KeyRecord r : page.records()) sink.record(r);
                    sink.pageDone(page.position(), page.cursor());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(name + ": interrupted");
        } finally {
            threads.forEach(Thread::interrupt);
        }
    }

    /** Queues an item for the consumer; a reader interrupted because the scan ended just stops. */
    private static void handOver(java.util.concurrent.BlockingQueue<Object> queue, Object item) {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("scan ended");
        }
    }

    private static void rethrow(Throwable t) throws IOException {
        if (t instanceof IOException e) throw e;
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
        throw new IOException(t);
    }

    /**
     * Lua run once per SCAN page: the DUMP payload and the expiry of each key given as an argument.
     * One call per page instead of two commands per key: the client builds, sends and parses a
     * hundredth of the commands. Keys are passed as arguments, not as KEYS, so a page of a cluster
     * node may hold keys of many slots (a script without flags may touch any key its node serves).
     */
    private static final String PAGE_SCRIPT = "local r = {}\n"
            + "for i = 1, #ARGV do\n"
            + "  r[2 * i - 1] = redis.call('DUMP', ARGV[i])\n"
            + "  r[2 * i] = redis.call('%s', ARGV[i])\n"
            + "end\n"
            + "return r\n";
    private static final byte[][] NO_KEYS = new byte[0][];

    private final java.util.concurrent.atomic.AtomicLong pagesByScript = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong pagesPipelined = new java.util.concurrent.atomic.AtomicLong();
    private volatile String scriptRefusal;
    private RateLimiter limiter = RateLimiter.NONE;

    /** Keeps the keys read to the limiter's rate (shared by every reader of this source). */
    public LiveSource rateLimit(RateLimiter limiter) {
        this.limiter = limiter;
        return this;
    }

    /** SCAN pages whose values came from one script call. */
    public long pagesByScript() {
        return pagesByScript.get();
    }

    /** SCAN pages whose values came from pipelined DUMP and expiry commands (scripts refused). */
    public long pagesPipelined() {
        return pagesPipelined.get();
    }

    /** Why a server refused the page script (its first error reply), or null. */
    public String scriptRefusal() {
        return scriptRefusal;
    }

    /** A server's error reply, as an outcome rather than an exception. */
    private record ServerError(String message) {
    }

    /** Reads one connection's database (or cluster node) page by page. */
    private final class PageReader {
        private final StatefulRedisConnection<byte[], byte[]> c;
        private final RedisAsyncCommands<byte[], byte[]> async;
        private final int db;
        private final String position;
        private boolean scripts = true;
        private String sha;

        PageReader(StatefulRedisConnection<byte[], byte[]> c, int db, String position) {
            this.c = c;
            this.async = c.async();
            this.db = db;
            this.position = position;
        }

        /** Reads from cursor {@code start} (null: from the beginning). */
        void read(KeySelector selector, String start, Pages sink) throws IOException {
            ScanProgress progress = new ScanProgress(db, await(async.dbsize()));
            deadline.check(name + ": SCAN of db " + db);
            ScanCursor first = start == null ? ScanCursor.INITIAL : ScanCursor.of(start);
            KeyScanCursor<byte[]> page = await(async.scan(first, ScanArgs.Builder.limit(BATCH)));
            while (true) {
                List<byte[]> keys = page.getKeys();
                if (!page.isFinished()) progress.page(keys.size(), () -> await(async.dbsize()));
                limiter.acquire(keys.size());
                if (!keys.isEmpty()) values(keys, selector, sink::record);
                sink.pageDone(position, page.isFinished() ? DONE : page.getCursor());
                // The next page is asked for once this one's records were taken: the scan goes on
                // over the table as it is then (one round trip a page, against two commands a key before).
                if (page.isFinished()) return;
                deadline.check(name + ": SCAN of db " + db);
                page = await(async.scan(page, ScanArgs.Builder.limit(BATCH)));
            }
        }

        private void values(List<byte[]> keys, KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
            List<Object> reply = scripts ? byScript(keys) : null;
            long now = System.currentTimeMillis();
            if (reply != null) {
                pagesByScript.incrementAndGet();
                for (int i = 0; i < keys.size(); i++) {
                    Object payload = reply.get(2 * i);
                    if (!(payload instanceof byte[] p)) continue; // deleted since SCAN returned it
                    Object t = reply.get(2 * i + 1);
                    emit(keys.get(i), p, t instanceof Long l ? l : null, now, selector, sink);
                }
                return;
            }
            pagesPipelined.incrementAndGet();
            c.setAutoFlushCommands(false);
            List<RedisFuture<byte[]>> dumps = new ArrayList<>(keys.size());
            List<RedisFuture<Long>> ttls = new ArrayList<>(keys.size());
            for (byte[] k : keys) {
                dumps.add(async.dump(k));
                ttls.add(hasPexpiretime ? async.pexpiretime(k) : async.pttl(k));
            }
            c.flushCommands();
            c.setAutoFlushCommands(true);
            for (int i = 0; i < keys.size(); i++) {
                byte[] payload = await(dumps.get(i));
                if (payload == null) continue; // deleted since SCAN returned it
                emit(keys.get(i), payload, await(ttls.get(i)), now, selector, sink);
            }
        }

        private void emit(byte[] key, byte[] payload, Long t, long now, KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
            long exp = t == null || t < 0 ? -1 : hasPexpiretime ? t : now + t;
            KeyRecord rec = record(db, key, payload, exp, selector);
            if (rec != null) sink.accept(rec);
        }

        /**
         * The page's payloads and expiries from one script call; null when the server refuses the
         * script (an ACL without scripting, scripts disabled, a replica or node that will not run
         * it): this connection then reads by pipelining from here on.
         */
        @SuppressWarnings("unchecked")
        private List<Object> byScript(List<byte[]> keys) throws IOException {
            byte[][] args = keys.toArray(new byte[0][]);
            for (int attempt = 0; attempt < 2; attempt++) {
                if (sha == null) {
                    Object loaded = outcome(async.scriptLoad(String.format(PAGE_SCRIPT, hasPexpiretime ? "PEXPIRETIME" : "PTTL")));
                    if (!(loaded instanceof String digest)) return refused(loaded);
                    sha = digest;
                }
                Object r = outcome(async.evalsha(sha, io.lettuce.core.ScriptOutputType.MULTI, NO_KEYS, args));
                if (r instanceof List<?> list && list.size() == 2 * keys.size()) return (List<Object>) list;
                // The script cache was flushed since it was loaded: load it again, once.
                if (r instanceof ServerError e && e.message() != null && e.message().startsWith("NOSCRIPT")) {
                    sha = null;
                    continue;
                }
                return refused(r);
            }
            return refused(new ServerError("NOSCRIPT twice"));
        }

        private List<Object> refused(Object outcome) {
            scripts = false;
            if (scriptRefusal == null) {
                scriptRefusal = outcome instanceof ServerError e ? String.valueOf(e.message()) : "unexpected reply to the page script";
            }
            return null;
        }

        /** The reply, or the server's error reply as a {@link ServerError}; a failure to talk to the server is thrown. */
        private Object outcome(RedisFuture<?> f) throws IOException {
            try {
                return await(f);
            } catch (ServerRefusal e) {
                return new ServerError(e.reply);
            }
        }
    }

    /** DUMP and expiry of one key, through the cluster or the key's database. */
    private byte[][] dumpNow(KeyRecord record) throws IOException {
        deadline.check(name);
        if (cluster) {
            var sync = clusterConnection().sync();
            byte[] payload = sync.dump(record.key());
            Long t = payload == null ? null : hasPexpiretime ? sync.pexpiretime(record.key()) : sync.pttl(record.key());
            return new byte[][] {payload, t == null ? null : Long.toString(t).getBytes(StandardCharsets.US_ASCII)};
        }
        try (StatefulRedisConnection<byte[], byte[]> c = connect(record.db())) {
            byte[] payload = c.sync().dump(record.key());
            Long t = payload == null ? null : hasPexpiretime ? c.sync().pexpiretime(record.key()) : c.sync().pttl(record.key());
            return new byte[][] {payload, t == null ? null : Long.toString(t).getBytes(StandardCharsets.US_ASCII)};
        }
    }

    private long expiryOf(byte[] ttlText) {
        if (ttlText == null) return -1;
        long t = Long.parseLong(new String(ttlText, StandardCharsets.US_ASCII));
        return t < 0 ? -1 : hasPexpiretime ? t : System.currentTimeMillis() + t;
    }

    private KeyRecord record(int db, byte[] key, byte[] payload, long exp, KeySelector selector) throws IOException {
        try (RdbReader r = RdbReader.ofDumpPayload(payload, name + " DUMP " + new String(key, StandardCharsets.UTF_8))) {
            if (r.next() != RdbToken.KEY) return null;
            if (!selector.select(db, key, r.type())) return null;
            return new KeyRecord(db, key, exp, ValueDigest.of(r), -1);
        }
    }

    @Override
    public CollectedValue fetch(KeyRecord record) throws IOException {
        try {
            byte[][] d = dumpNow(record);
            if (d[0] == null) return null;
            try (RdbReader r = RdbReader.ofDumpPayload(d[0], name)) {
                r.next();
                CollectedValue v = CollectedValue.of(r);
                return new CollectedValue(v.type(), expiryOf(d[1]), v.elements());
            }
        } catch (RuntimeException e) {
            throw failure("", e);
        }
    }

    /** The current fingerprint of a key (to tell a change during the read from a difference). */
    @Override
    public KeyRecord refetch(KeyRecord record) throws IOException {
        try {
            byte[][] d = dumpNow(record);
            if (d[0] == null) return null;
            return record(record.db(), record.key(), d[0], expiryOf(d[1]), dev.salvor.export.KeySelector.ALL);
        } catch (RuntimeException e) {
            throw failure("", e);
        }
    }

    /**
     * Whether a SCAN still gets somewhere. SCAN returns every key at least once and some twice
     * (while the server resizes its table), so a cursor that has handed out far more keys than
     * the database holds, or no key at all for a long time, is looping: the run ends with an
     * error instead of going on until killed.
     */
    private final class ScanProgress {
        private final int db;
        private long size;
        private long returned;
        private long lastKeyNanos = System.nanoTime();

        ScanProgress(int db, Long size) {
            this.db = db;
            this.size = size == null ? 0 : size;
        }

        void page(int keys, IoSupplier<Long> dbsize) throws IOException {
            long now = System.nanoTime();
            if (keys > 0) lastKeyNanos = now;
            else if (now - lastKeyNanos > STALL_NANOS) {
                throw new IOException(name + ": SCAN of db " + db + " returned no key for " + STALL_NANOS / 1_000_000_000L
                        + " s without finishing; the server's cursor does not progress");
            }
            returned += keys;
            if (returned > bound()) {
                // The database may have grown meanwhile: ask again before giving up.
                Long now2 = dbsize.get();
                size = Math.max(size, now2 == null ? 0 : now2);
                if (returned > bound()) {
                    throw new IOException(name + ": SCAN of db " + db + " returned " + returned + " keys without finishing, for a database of "
                            + size + " keys; the server's cursor does not progress");
                }
            }
        }

        private long bound() {
            return 2 * size + 10L * BATCH;
        }
    }

    /** A SCAN that returns no key for this long without finishing is not progressing. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private Deadline deadline = Deadline.NONE;

    /** The run's deadline: every wait for the server, and every SCAN page, ends there. */
    public LiveSource deadline(Deadline d) {
        this.deadline = d;
        return this;
    }

    private <T> T await(RedisFuture<T> f) throws IOException {
        while (true) {
            int wait = deadline.waitMillis(60_000);
            try {
                return f.get(wait, TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof io.lettuce.core.RedisCommandExecutionException refusal) {
                    throw new ServerRefusal(failure("", refusal).getMessage(), refusal.getMessage());
                }
                throw failure("", e.getCause());
            } catch (TimeoutException e) {
                deadline.check(name);
                // A wait cut short by the deadline goes round again until the check above ends it.
                if (wait == 60_000) throw new IOException(name + ": no reply within 60 s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(name + ": interrupted");
            }
        }
    }

    /** An error reply of the server (as opposed to a failure to reach it); {@link #reply} is the server's own text. */
    private static final class ServerRefusal extends IOException {
        private static final long serialVersionUID = 1L;
        private final String reply;

        ServerRefusal(String message, String reply) {
            super(message);
            this.reply = reply;
        }
    }

    /** Keys the server holds in the databases read (INFO keyspace), for a progress display; -1 when not known (a cluster). */
    @Override
    public long expectedKeys() {
        if (expectedKeys == Long.MIN_VALUE) {
            try {
                databases();
            } catch (IOException e) {
                return -1; // the scan says what is wrong
            }
        }
        return expectedKeys;
    }

    private long expectedKeys = Long.MIN_VALUE;

    @Override
    public boolean covers(int db) {
        return cluster ? db == 0 : onlyDb < 0 || db == onlyDb;
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public long clockMs() throws IOException {
        List<byte[]> time;
        if (cluster) {
            time = clusterConnection().sync().time();
        } else {
            try (StatefulRedisConnection<byte[], byte[]> c = connect(onlyDb < 0 ? 0 : onlyDb)) {
                time = c.sync().time();
            }
        }
        long seconds = Long.parseLong(new String(time.get(0), StandardCharsets.US_ASCII));
        long micros = Long.parseLong(new String(time.get(1), StandardCharsets.US_ASCII));
        return seconds * 1000 + micros / 1000;
    }

    @Override
    public void close() {
        if (clusterConnection != null) clusterConnection.close();
        if (clusterClient != null) clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        if (client != null) client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
