package dev.salvor.diff;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.salvor.export.KeySelector;
import dev.salvor.io.InputException;
import dev.salvor.io.OutputPlan;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * What a diff against a live server needs to go on after it was interrupted ({@code --checkpoint},
 * {@code --resume}). For each live side: the fingerprints of the keys read so far, appended to a
 * log beside the checkpoint ({@code CHECKPOINT.keys-a}, {@code .keys-b}), and the SCAN cursor of
 * each database or master. The checkpoint itself names both sides (a file by path, size, mtime and
 * a hash of its first MiB; a server by address and run_id) and the options that shape the report,
 * and says how much of each log is valid. It is replaced atomically (temporary, fsync, rename,
 * through {@link OutputPlan}) after the log was forced to disk, so a run killed at any moment
 * leaves the last checkpoint and a log at least that long.
 *
 * <p>A resumed diff replays the logged fingerprints as the live side's first records, goes on
 * with SCAN from the saved cursors and reads a file side again from its start: the engine sees
 * the same records as one run would, so the report is the same as an uninterrupted run's as long
 * as the server did not change meanwhile. SCAN only promises the keys present for the whole scan;
 * a scan split over several runs is one long scan whose pause counts as part of it.
 */
public final class DiffCheckpoint implements Closeable {
    static final String FORMAT = "salvor-diff-checkpoint";
    static final int VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();
    private static final int HEADER_BYTES = 1 << 20;
    private static final String[] LABELS = {"a", "b"};

    /** What a run's report says about its checkpoint. */
    public record Facts(Path checkpoint, int run, boolean resumed, String firstRunStartedAt, long checkpointsWritten,
                        Map<String, Long> keysFromCheckpoint, Map<String, Long> positionsResumed) {
    }

    /** One side of the diff as the checkpoint knows it. */
    private static final class Side {
        final String label;
        final Map<String, String> identity;
        final boolean live;
        final Map<String, String> cursors = new TreeMap<>();
        Path log;
        FileChannel channel;
        DataOutputStream out;
        long records;
        long logBytes;
        boolean finished;
        long fromCheckpoint;
        long positionsResumed;

        Side(String label, Map<String, String> identity, boolean live) {
            this.label = label;
            this.identity = identity;
            this.live = live;
        }
    }

    private final Path path;
    private final String options;
    private final Side[] sides;
    private final List<Path> inputs;
    private final long everyNanos;
    private int run = 1;
    private boolean resumed;
    private String firstStartedAt = Instant.now().toString();
    private long lastWrite = System.nanoTime();
    private long written;

    private DiffCheckpoint(Path path, String options, Side[] sides, List<Path> inputs, Duration every) {
        this.path = path;
        this.options = options;
        this.sides = sides;
        this.inputs = inputs;
        this.everyNanos = every.toNanos();
    }

    /**
     * Identity of a side: {@code identityA}/{@code identityB} from {@link #fileIdentity} or
     * {@link ResumableScan#identity()}; {@code live} says which sides are read by SCAN.
     */
    public record SideSpec(Map<String, String> identity, boolean live) {
    }

    /**
     * A new checkpoint for a run that starts from nothing: refuses an existing checkpoint (or
     * log), which a resume continues instead, and any path that is one of the run's inputs.
     */
    public static DiffCheckpoint start(Path path, String options, SideSpec a, SideSpec b, List<Path> inputs, Duration every) throws IOException {
        DiffCheckpoint c = new DiffCheckpoint(path, options, sides(a, b), inputs, every);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !isInput(path, inputs)) {
            throw new InputException(path + ": a checkpoint exists there: go on with --resume " + path + ", or remove it to start again");
        }
        for (Side s : c.sides) {
            if (!s.live) continue;
            s.log = logOf(path, s.label);
            if (Files.exists(s.log, LinkOption.NOFOLLOW_LINKS)) {
                throw new InputException(s.log + ": a checkpoint's key log exists there: go on with --resume " + path + ", or remove it to start again");
            }
        }
        // The empty logs and the first checkpoint appear together, checked against every input.
        try (OutputPlan plan = new OutputPlan(false)) {
            plan.inputs(inputs);
            OutputPlan.FileOutput state = plan.file(path, "checkpoint");
            for (Side s : c.sides) if (s.live) plan.file(s.log, "checkpoint key log");
            plan.open();
            c.writeState(state.stream());
            plan.commit();
        }
        for (Side s : c.sides) {
            // The logs hold the server's key names: for the owner's eyes, like the run's spool.
            if (s.live && s.log.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(s.log, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        }
        c.openLogs();
        return c;
    }

    /**
     * The checkpoint at {@code path}, for a run that goes on from it. Refused, in one line, when
     * it is not a checkpoint, was written for other sources or other options, or its log is
     * shorter than it says.
     */
    public static DiffCheckpoint resume(Path path, String options, SideSpec a, SideSpec b, List<Path> inputs, Duration every) throws IOException {
        Map<String, Object> state = readState(path);
        DiffCheckpoint c = new DiffCheckpoint(path, options, sides(a, b), inputs, every);
        if (!options.equals(state.get("options"))) {
            throw new InputException(path + ": written for a diff with options [" + state.get("options") + "], this one has [" + options
                    + "]: resume with the same options");
        }
        for (Side s : c.sides) {
            Map<String, Object> saved = object(path, state, s.label);
            Map<String, Object> id = object(path, saved, "identity");
            for (Map.Entry<String, String> e : s.identity.entrySet()) {
                Object was = id.get(e.getKey());
                if (!e.getValue().equals(was)) {
                    throw new InputException(path + ": written for a diff of other sources: side " + s.label.toUpperCase(java.util.Locale.ROOT) + " "
                            + e.getKey() + " was " + (was == null ? "not recorded" : was) + ", is now " + e.getValue()
                            + " (a resume reads the same unchanged file and the same running server; a restarted server has a new run_id)");
                }
            }
            if (id.size() != s.identity.size() || s.live != Boolean.TRUE.equals(saved.get("live"))) {
                throw new InputException(path + ": written for a diff of other sources: side " + s.label.toUpperCase(java.util.Locale.ROOT)
                        + " was " + id.get(id.containsKey("server") ? "server" : "path") + " (a resume reads the same sources in the same order)");
            }
            if (!s.live) continue;
            s.records = number(path, saved, "records");
            s.logBytes = number(path, saved, "log_bytes");
            s.finished = Boolean.TRUE.equals(saved.get("finished"));
            for (Map.Entry<String, Object> e : object(path, saved, "cursors").entrySet()) s.cursors.put(e.getKey(), String.valueOf(e.getValue()));
            s.fromCheckpoint = s.records;
            s.positionsResumed = s.cursors.size();
            s.log = logOf(path, s.label);
            // the log is truncated and appended to: never one that has become an input (a link made since)
            if (isInput(s.log, inputs)) {
                throw new InputException(s.log + ": the checkpoint's key log is one of this run's inputs; it is not written to");
            }
            long size = Files.isRegularFile(s.log, LinkOption.NOFOLLOW_LINKS) ? Files.size(s.log) : -1;
            if (size < s.logBytes) {
                throw new InputException(s.log + ": the checkpoint's key log is " + (size < 0 ? "missing" : "shorter than the checkpoint says (" + size
                        + " < " + s.logBytes + " bytes)") + ": the checkpoint cannot be resumed; start again without --resume");
            }
        }
        c.run = (int) number(path, state, "run") + 1;
        c.firstStartedAt = String.valueOf(state.get("first_run_started_at"));
        c.resumed = true;
        c.openLogs();
        return c;
    }

    /** Whether {@code path} is one of the inputs (then the output plan says so, not that a checkpoint exists). */
    private static boolean isInput(Path path, List<Path> inputs) throws IOException {
        for (Path in : inputs) if (in != null && Files.exists(in) && Files.isSameFile(path, in)) return true;
        return false;
    }

    private static Side[] sides(SideSpec a, SideSpec b) {
        return new Side[] {new Side(LABELS[0], a.identity(), a.live()), new Side(LABELS[1], b.identity(), b.live())};
    }

    private static Path logOf(Path checkpoint, String label) {
        return checkpoint.resolveSibling(checkpoint.getFileName() + ".keys-" + label);
    }

    /** Each live side's log, open for appending at the end of what the checkpoint vouches for (a longer tail is cut). */
    private void openLogs() throws IOException {
        for (Side s : sides) {
            if (!s.live) continue;
            s.channel = FileChannel.open(s.log, StandardOpenOption.WRITE, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            s.channel.truncate(s.logBytes);
            s.channel.position(s.logBytes);
            s.out = new DataOutputStream(new BufferedOutputStream(Channels.newOutputStream(s.channel), 1 << 16));
        }
    }

    /** The file facts a resume checks: real path, size, modification time and SHA-256 of the first MiB. */
    public static Map<String, String> fileIdentity(Path file, String name) throws IOException {
        if (file == null) throw new InputException(name + ": a diff read from stdin cannot be resumed (nothing tells it is the same input later)");
        Path real = file.toRealPath();
        BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class);
        Map<String, String> id = new LinkedHashMap<>();
        id.put("path", real.toString());
        id.put("size", Long.toString(attrs.size()));
        id.put("mtime", attrs.lastModifiedTime().toInstant().toString());
        try (InputStream in = Files.newInputStream(real)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(in.readNBytes(HEADER_BYTES));
            id.put("first_mib_sha256", HexFormat.of().formatHex(sha.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    /** {@code source} as the diff should read it: a live side through its log and saved cursors, a file side as it is. */
    public KeySource wrap(int side, KeySource source) {
        Side s = sides[side];
        if (!s.live) return source;
        if (!(source instanceof ResumableScan scan)) throw new IllegalArgumentException(source.describe() + " cannot be resumed");
        return new Checkpointed(source, scan, s);
    }

    /** The facts for the run's report. */
    public Facts facts() {
        Map<String, Long> keys = new LinkedHashMap<>();
        Map<String, Long> positions = new LinkedHashMap<>();
        for (Side s : sides) {
            if (!s.live) continue;
            keys.put(s.label, s.fromCheckpoint);
            positions.put(s.label, s.positionsResumed);
        }
        return new Facts(path, run, resumed, firstStartedAt, written, keys, positions);
    }

    /** Live keys read so far, all sides. */
    public long keysRead() {
        long n = 0;
        for (Side s : sides) n += s.records;
        return n;
    }

    /** The diff finished and its report was given: the checkpoint and its logs go. */
    public void complete() throws IOException {
        close();
        for (Side s : sides) if (s.log != null) Files.deleteIfExists(s.log);
        Files.deleteIfExists(path);
    }

    @Override
    public void close() throws IOException {
        for (Side s : sides) {
            if (s.channel != null && s.channel.isOpen()) {
                try {
                    s.out.flush();
                } finally {
                    s.channel.close();
                }
            }
        }
    }

    /** Forces the logs, then replaces the checkpoint: it never vouches for bytes not on disk. */
    private void write() throws IOException {
        for (Side s : sides) {
            if (!s.live) continue;
            s.out.flush();
            s.channel.force(false);
            s.logBytes = s.channel.position();
        }
        try (OutputPlan plan = new OutputPlan(true)) {
            plan.inputs(inputs);
            OutputPlan.FileOutput state = plan.file(path, "checkpoint");
            plan.open();
            writeState(state.stream());
            plan.commit();
        }
        written++;
        lastWrite = System.nanoTime();
    }

    private void writeState(java.io.OutputStream os) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(os).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).useDefaultPrettyPrinter()) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeNumberField("run", run);
            g.writeStringField("first_run_started_at", firstStartedAt);
            g.writeStringField("written_at", Instant.now().toString());
            g.writeStringField("options", options);
            for (Side s : sides) {
                g.writeObjectFieldStart(s.label);
                g.writeBooleanField("live", s.live);
                g.writeObjectFieldStart("identity");
                for (Map.Entry<String, String> e : s.identity.entrySet()) g.writeStringField(e.getKey(), e.getValue());
                g.writeEndObject();
                if (s.live) {
                    g.writeBooleanField("finished", s.finished);
                    g.writeNumberField("records", s.records);
                    g.writeNumberField("log_bytes", s.logBytes);
                    g.writeObjectFieldStart("cursors");
                    for (Map.Entry<String, String> e : s.cursors.entrySet()) g.writeStringField(e.getKey(), e.getValue());
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        os.flush();
    }

    private static Map<String, Object> readState(Path path) throws IOException {
        if (!Files.isRegularFile(path)) throw new InputException(path + ": no checkpoint there (it is removed when a diff completes)");
        try (JsonParser p = JSON.createParser(Files.newInputStream(path))) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new InputException(path + ": not a Salvor diff checkpoint");
            Map<String, Object> state = readObject(p);
            if (!FORMAT.equals(state.get("format"))) throw new InputException(path + ": not a Salvor diff checkpoint");
            if (!Long.valueOf(VERSION).equals(state.get("version"))) {
                throw new InputException(path + ": a diff checkpoint of format version " + state.get("version") + ", this Salvor reads version " + VERSION);
            }
            return state;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InputException(path + ": not a Salvor diff checkpoint (" + e.getOriginalMessage() + " at byte offset "
                    + e.getLocation().getByteOffset() + ")");
        }
    }

    /** An object of strings, whole numbers, booleans and objects: all a checkpoint holds. */
    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            Object v = switch (t) {
                case START_OBJECT -> readObject(p);
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_INT -> p.getLongValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default -> {
                    p.skipChildren();
                    yield null;
                }
            };
            m.put(name, v);
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Path path, Map<String, Object> in, String name) throws InputException {
        if (in.get(name) instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new InputException(path + ": not a complete diff checkpoint (no " + name + ")");
    }

    private static long number(Path path, Map<String, Object> in, String name) throws InputException {
        if (in.get(name) instanceof Long l && l >= 0) return l;
        throw new InputException(path + ": not a complete diff checkpoint (no " + name + ")");
    }

    /** A live side read through the checkpoint: logged records first, then SCAN from the saved cursors. */
    private final class Checkpointed extends ForwardingKeySource {
        private final ResumableScan scan;
        private final Side side;

        Checkpointed(KeySource source, ResumableScan scan, Side side) {
            super(source);
            this.scan = scan;
            this.side = side;
        }

        @Override
        public void scan(KeySelector selector, Consumer<KeyRecord> sink) throws IOException {
            replay(sink);
            if (side.finished) return;
            try {
                scan.scan(selector, new TreeMap<>(side.cursors), new ResumableScan.Pages() {
                    @Override
                    public void record(KeyRecord r) {
                        try {
                            SortedRuns.writeKeyRecord(side.out, r);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        side.records++;
                        sink.accept(r);
                    }

                    @Override
                    public void pageDone(String position, String cursor) {
                        side.cursors.put(position, cursor);
                        if (System.nanoTime() - lastWrite < everyNanos) return;
                        try {
                            write();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
            } catch (UncheckedIOException e) {
                throw new IOException(path + ": cannot write the checkpoint: " + e.getCause().getMessage(), e.getCause());
            }
            side.finished = true;
            write();
        }

        /** The records the checkpoint vouches for, as read before. */
        private void replay(Consumer<KeyRecord> sink) throws IOException {
            if (side.fromCheckpoint == 0) return;
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                    new BoundedStream(Files.newInputStream(side.log), side.logBytes), 1 << 16))) {
                long n = 0;
                for (KeyRecord r; (r = SortedRuns.KEYS.read(in)) != null; ) {
                    n++;
                    sink.accept(r);
                }
                if (n != side.fromCheckpoint) {
                    throw new InputException(side.log + ": holds " + n + " keys where the checkpoint says " + side.fromCheckpoint
                            + ": the checkpoint cannot be resumed; start again without --resume");
                }
            } catch (InputException e) {
                throw e;
            } catch (IOException e) {
                throw new InputException(side.log + ": " + (e instanceof java.io.EOFException ? "ends inside a key record" : e.getMessage())
                        + ": the checkpoint cannot be resumed; start again without --resume");
            }
        }
    }

    /** The first {@code limit} bytes of a stream. */
    private static final class BoundedStream extends java.io.FilterInputStream {
        private long left;

        BoundedStream(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) return -1;
            int b = super.read();
            if (b >= 0) left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) left -= n;
            return n;
        }
    }
}
