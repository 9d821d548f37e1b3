package dev.salvor.aof;

import static dev.salvor.aof.AofFormatException.Reason.BAD_LENGTH;
import static dev.salvor.aof.AofFormatException.Reason.BAD_PREAMBLE;
import static dev.salvor.aof.AofFormatException.Reason.BAD_PREFIX;
import static dev.salvor.aof.AofFormatException.Reason.MISSING_CRLF;
import static dev.salvor.aof.AofFormatException.Reason.TRUNCATED_TAIL;
import static dev.salvor.aof.AofFormatException.Reason.UNKNOWN_COMMAND;
import static dev.salvor.aof.AofFormatException.Reason.UNTERMINATED_MULTI;
import static dev.salvor.aof.AofFormatException.Reason.WRONG_ARITY;

import dev.salvor.format.ByteWindow;
import dev.salvor.rdb.ReadConstraints;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Pull parser for one AOF file (a segment): RESP commands ({@code *argc}, then {@code $len}
 * bulk arguments), {@code #} annotation lines, and an optional RDB preamble measured by the RDB
 * parser ({@link AofPreamble}). It always knows the byte offset of what it reads (lines are
 * counted on demand, by a {@link LineIndex}), tracks the database (SELECT), transactions
 * (MULTI ... EXEC) and the latest {@code #TS:} time, and checks each command's name and arity
 * against the {@link CommandTable}. Memory is bounded by the largest single command: a length is
 * checked against the bytes left before anything is allocated for it, and per-argument state
 * grows with the arguments actually read, never with a declared count.
 */
public final class AofReader implements Closeable {
    /**
     * The server reads an annotation into a buffer of 1024 bytes with fgets: a longer line (LF
     * included, 1023 bytes at most) is split, and its rest fails as a command.
     */
    public static final int MAX_ANNOTATION = 1023;

    private final String segment;
    // Bounds on declared lengths (ReadConstraints.maxStringSize per bulk, maxArgc per command) and the window's size.
    private final ReadConstraints constraints;
    private final Closeable channel;
    private final ByteWindow in;
    private final LineIndex lines;

    private AofToken token;
    private long start;
    private long end;
    private byte[][] argv;
    private long[] argOff = new long[16];
    private int[] argLen = new int[16];
    private int argc;
    private CommandTable.Command command;
    private String annotation;
    private int db;
    private long txCounter;
    private long txId;
    private boolean inMulti;
    private long multiStart = -1;
    private long timestampMs = -1;
    private long commands;
    private AofPreamble preamble;
    private boolean preambleReported;

    private AofReader(String segment, Closeable channel, ByteWindow in, LineIndex lines) {
        this.segment = segment;
        this.channel = channel;
        this.in = in;
        this.lines = lines;
        this.constraints = ReadConstraints.defaults();
    }

    /** Opens an AOF file; an RDB preamble (REDIS/VALKEY magic) is measured with the RDB parser. */
    public static AofReader open(Path file) throws IOException {
        return open(file, file.getFileName().toString());
    }

    public static AofReader open(Path file, String segment) throws IOException {
        return open(file, segment, new LineIndex(file));
    }

    /** As {@link #open(Path, String)}, counting lines with {@code lines} (shared with other readers of the file). */
    public static AofReader open(Path file, String segment, LineIndex lines) throws IOException {
        AofPreamble preamble = AofPreamble.measure(file);
        FileChannel ch = AofSegment.open(file);
        try {
            long start = preamble != null && preamble.error() == null ? preamble.end() : 0;
            ch.position(start);
            AofReader r = new AofReader(segment, ch, ByteWindow.of(ch, start, ch.size(), ReadConstraints.defaults().windowSize()), lines);
            r.preamble = preamble;
            return r;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Reads a stream of commands (no preamble support: the RDB part needs random access). */
    public static AofReader of(InputStream in, String segment, long size) {
        return new AofReader(segment, in, ByteWindow.of(in, size, ReadConstraints.defaults().windowSize()), null);
    }

    /**
     * A reader over {@code buf[off, off+len)}, which holds the bytes from absolute offset
     * {@code absoluteStart} of a segment: used to try resynchronisation candidates in memory.
     */
    public static AofReader probe(String segment, byte[] buf, int off, int len, long absoluteStart, long size) {
        return new AofReader(segment, null, ByteWindow.slice(buf, off, len, absoluteStart, size), null);
    }

    /**
     * Opens {@code file} at {@code offset}, the first byte of a command, continuing the database
     * and transaction numbering of an earlier reader (after resynchronising past damage).
     */
    public static AofReader openAt(Path file, String segment, long offset, int db, long txCounter) throws IOException {
        return openAt(file, segment, offset, db, txCounter, -1, new LineIndex(file));
    }

    /**
     * As {@link #openAt(Path, String, long, int, long)}, counting lines with {@code lines}, with the
     * time of the latest {@code #TS:} annotation before {@code offset} ({@code timestampMs}, or -1).
     */
    public static AofReader openAt(Path file, String segment, long offset, int db, long txCounter, long timestampMs, LineIndex lines)
            throws IOException {
        FileChannel ch = AofSegment.open(file);
        AofReader r;
        try {
            ch.position(offset);
            r = new AofReader(segment, ch, ByteWindow.of(ch, offset, ch.size(), ReadConstraints.defaults().windowSize()), lines);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        r.db = db;
        r.txCounter = txCounter;
        r.timestampMs = timestampMs;
        return r;
    }

    // ------------------------------------------------------------------ window

    private long offset() {
        return in.offset();
    }

    private boolean request(int n) throws IOException {
        return in.request(n);
    }

    private long remaining() {
        return in.remainingBound();
    }

    private AofFormatException error(AofFormatException.Reason reason, long at, String detail) {
        return new AofFormatException(reason, segment, at, lineAt(at), detail);
    }

    private AofFormatException shortRead(String what) {
        return error(TRUNCATED_TAIL, offset(), "input ends inside " + what);
    }

    /** Reads {@code <digits>\r\n} after a prefix byte. */
    private long number(String what) throws IOException {
        // Fast path: the digits and CRLF are already in the window.
        ByteWindow w = in;
        byte[] b = w.array();
        int p = w.position();
        int lim = w.limit();
        long fast = 0;
        int n = 0;
        while (p < lim && n < 19) {
            int c = b[p];
            if (c < '0' || c > '9') break;
            fast = fast * 10 + (c - '0');
            p++;
            n++;
        }
        if (n > 0 && n < 19 && p + 1 < lim && b[p] == '\r' && b[p + 1] == '\n') {
            w.position(p + 2);
            return fast;
        }
        return slowNumber(what);
    }

    /** {@link #number} when the digits run past the window, or are not digits and CRLF. */
    private long slowNumber(String what) throws IOException {
        long v = 0;
        int digits = 0;
        while (true) {
            if (!request(1)) throw shortRead(what);
            byte[] b = in.array();
            int p = in.position();
            int c = b[p];
            if (c >= '0' && c <= '9') {
                if (++digits > 18) throw error(BAD_LENGTH, offset(), what + " has too many digits");
                v = v * 10 + (c - '0');
                in.position(p + 1);
            } else if (c == '\r') {
                if (digits == 0) throw error(BAD_LENGTH, offset(), "expected digits of the " + what + ", found CR");
                if (!request(2)) throw shortRead(what);
                b = in.array();
                p = in.position();
                if (b[p + 1] != '\n') throw error(MISSING_CRLF, offset(), "expected LF after CR of the " + what + ", found " + printable(b[p + 1]));
                in.position(p + 2);
                return v;
            } else {
                throw error(BAD_LENGTH, offset(), "expected digits of the " + what + ", found " + printable((byte) c));
            }
        }
    }

    static String printable(byte b) {
        int c = b & 0xff;
        return c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
    }

    // ------------------------------------------------------------------ tokens

    public AofToken next() throws IOException {
        annotation = null;
        argv = null;
        argc = 0;
        command = null;
        in.unmark();
        if (preamble != null && !preambleReported) {
            preambleReported = true;
            if (preamble.error() != null) {
                long at = preamble.error().offset();
                throw new AofFormatException(BAD_PREAMBLE, segment, at, lineAt(at), preamble.error().getMessage());
            }
            start = 0;
            end = preamble.end();
            return token = AofToken.PREAMBLE;
        }
        start = offset();
        // The whole token stays in the window until the next one, so it can be copied out raw.
        in.mark();
        if (!request(1)) {
            end = start;
            if (inMulti) throw error(UNTERMINATED_MULTI, multiStart, "MULTI at byte offset " + multiStart + " has no EXEC before the end of " + segment);
            return token = AofToken.END;
        }
        byte first = in.array()[in.position()];
        if (first == '#') return readAnnotation();
        if (first != '*') throw error(BAD_PREFIX, start, "expected '*' starting a command, found " + printable(first));
        in.advance(1);
        long declared = number("argument count");
        if (declared < 1) throw error(BAD_LENGTH, start, "argument count " + declared + " is out of range");
        if (declared > constraints.maxArgc()) throw error(BAD_LENGTH, start, "argument count " + declared + " exceeds the limit of " + constraints.maxArgc());
        if (declared * 4 > remaining()) throw error(TRUNCATED_TAIL, start, declared + " arguments cannot fit in the " + remaining() + " bytes left");
        int n = (int) declared;
        ByteWindow w = in;
        for (int i = 0; i < n; i++) {
            if (w.available() < 1 && !request(1)) throw shortRead("argument " + (i + 1) + " of " + n);
            byte prefix = w.array()[w.position()];
            if (prefix != '$') throw error(BAD_PREFIX, offset(), "expected '$' starting argument " + (i + 1) + " of " + n + ", found " + printable(prefix));
            long argStart = offset();
            w.advance(1);
            long len = number("bulk length");
            if (len > constraints.maxStringSize()) {
                throw error(BAD_LENGTH, argStart, "bulk length " + len + " exceeds the limit of " + constraints.maxStringSize());
            }
            if (len + 2 > remaining()) throw error(TRUNCATED_TAIL, argStart, "bulk of " + len + " bytes is longer than the " + remaining() + " bytes left");
            if (w.available() < len + 2 && !request((int) len + 2)) throw shortRead("a bulk of " + len + " bytes");
            byte[] b = w.array();
            int at = w.position() + (int) len;
            if (b[at] != '\r' || b[at + 1] != '\n') {
                throw error(MISSING_CRLF, offset() + len, "expected CRLF after a bulk of " + len + " bytes, found "
                        + printable(b[at]) + " " + printable(b[at + 1]));
            }
            if (i == argOff.length) {
                // Grown as arguments arrive: a declared count alone allocates nothing.
                int cap = (int) Math.min(n, argOff.length * 2L);
                argOff = Arrays.copyOf(argOff, cap);
                argLen = Arrays.copyOf(argLen, cap);
            }
            argOff[i] = w.offset();
            argLen[i] = (int) len;
            w.position(at + 2);
        }
        argc = n;
        end = offset();
        checkCommand();
        track();
        commands++;
        in.unmark();
        return token = AofToken.COMMAND;
    }

    private AofToken readAnnotation() throws IOException {
        int i = 0;
        while (true) {
            if (!request(i + 1)) throw shortRead("an annotation line");
            if (in.array()[in.position() + i] == '\n') break;
            if (++i >= MAX_ANNOTATION) throw error(BAD_PREFIX, start, "annotation line longer than the " + MAX_ANNOTATION + " bytes the server reads as one line");
        }
        int len = i;
        if (len == 0 || in.array()[in.position() + len - 1] != '\r') throw error(MISSING_CRLF, start + len, "annotation line does not end with CRLF");
        annotation = new String(in.array(), in.position() + 1, len - 2, StandardCharsets.ISO_8859_1);
        in.advance(len + 1);
        end = offset();
        if (annotation.startsWith("TS:")) {
            try {
                timestampMs = Long.parseLong(annotation.substring(3).trim()) * 1000L;
            } catch (NumberFormatException e) {
                throw error(BAD_PREFIX, start, "timestamp annotation is not a number: " + annotation);
            }
        }
        return token = AofToken.ANNOTATION;
    }

    private void checkCommand() throws AofFormatException {
        int nameAt = idx(0);
        CommandTable.Command c = argc > 1
                ? CommandTable.get().lookup(in.array(), nameAt, argLen[0], idx(1), argLen[1])
                : CommandTable.get().lookup(in.array(), nameAt, argLen[0], 0, -1);
        if (c == null) {
            if (CommandTable.isModuleCommandName(in.array(), nameAt, argLen[0])) return;
            throw error(UNKNOWN_COMMAND, start, "no Redis or Valkey version has a command " + dev.salvor.rdb.StringRef.printable(in.array(), nameAt, argLen[0], 40));
        }
        if (!c.acceptsArgc(argc)) {
            throw error(WRONG_ARITY, start, c.name() + " does not take " + argc + " arguments (arity " + Arrays.toString(c.arities()) + ")");
        }
        command = c;
    }

    private int idx(int i) {
        return in.indexOf(argOff[i]);
    }

    private void track() {
        CommandTable.Role role = command == null ? CommandTable.Role.OTHER : command.role();
        switch (role) {
            case SELECT -> {
                int d = selectedDb();
                // Redis would have refused a SELECT of no number; the db stays as it was
                if (d >= 0) db = d;
                txId = inMulti ? txId : 0;
            }
            case MULTI -> {
                inMulti = true;
                multiStart = start;
                txId = ++txCounter;
            }
            case EXEC, DISCARD -> {
                inMulti = false;
                multiStart = -1;
            }
            default -> {
                if (!inMulti) txId = 0;
            }
        }
    }

    private int selectedDb() {
        int at = idx(1);
        int len = argLen[1];
        if (len == 0 || len > 9) return -1;
        int v = 0;
        for (int i = 0; i < len; i++) {
            int c = in.array()[at + i];
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    // ------------------------------------------------------------------ accessors

    public AofToken token() {
        return token;
    }

    public String segment() {
        return segment;
    }

    /** First byte of the current token. */
    public long start() {
        return start;
    }

    /** Just past the current token. */
    public long end() {
        return end;
    }

    /**
     * 1-based line of the current token's first byte, counted from the file when asked (the scan
     * itself does not count lines); 0 when the reader has no file (probes, streams).
     */
    public long line() {
        return lineAt(start);
    }

    private long lineAt(long offset) {
        if (lines == null || offset < 0) return 0;
        try {
            return lines.lineAt(offset);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The RDB part at the start of the file (intact or damaged), or null when there is none. */
    public AofPreamble preamble() {
        return preamble;
    }

    /** Argument {@code i} as a fresh array. */
    public byte[] arg(int i) {
        int at = idx(i);
        return Arrays.copyOfRange(in.array(), at, at + argLen[i]);
    }

    /** Length of argument {@code i}. */
    public int argLength(int i) {
        return argLen[i];
    }

    public int argc() {
        return argc;
    }

    /** The command's arguments (name first), copied out of the reader. */
    public byte[][] argv() {
        if (argv == null && argc > 0) {
            byte[][] out = new byte[argc][];
            for (int i = 0; i < argc; i++) out[i] = arg(i);
            argv = out;
        }
        return argv;
    }

    /** The current command's entry in the command table (a subcommand's where it has one), or null for a module command. */
    public CommandTable.Command command() {
        return command;
    }

    /** The command name in lower case (a container's own name, e.g. {@code config} for CONFIG SET). */
    public String commandName() {
        if (command != null) {
            String n = command.name();
            int bar = n.indexOf('|');
            return bar < 0 ? n : n.substring(0, bar);
        }
        return new String(in.array(), idx(0), Math.min(argLen[0], 64), StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Writes the current token's bytes exactly as they are in the file (a command's RESP, an
     * annotation line with its CRLF).
     */
    public void writeRaw(OutputStream out) throws IOException {
        out.write(in.array(), in.indexOf(start), (int) (end - start));
    }

    public String annotation() {
        return annotation;
    }

    /** Database the command applies to (after any SELECT). */
    public int db() {
        return db;
    }

    /** Transaction number (MULTI ... EXEC, counted from 1 per segment), or 0 outside one. */
    public long txId() {
        return txId;
    }

    public boolean inMulti() {
        return inMulti;
    }

    /** Offset of the MULTI of the open transaction, or -1. */
    public long multiStart() {
        return multiStart;
    }

    public long txCounter() {
        return txCounter;
    }

    /** Time of the latest {@code #TS:} annotation in Unix ms, or -1. */
    public long timestampMs() {
        return timestampMs;
    }

    /**
     * Continues the time of the files before this one (the server loads them as one history):
     * until this file's first {@code #TS:} annotation, its commands are from that time on.
     */
    public void inheritTimestamp(long ms) {
        if (timestampMs < 0) timestampMs = ms;
    }

    /** Commands read so far. */
    public long commands() {
        return commands;
    }

    public long size() {
        return in.size();
    }

    @Override
    public void close() throws IOException {
        if (channel != null) channel.close();
    }
}
