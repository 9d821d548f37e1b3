package dev.salvor.aof;

import static dev.salvor.aof.AofFormatException.Reason.BAD_LENGTH;
import static dev.salvor.aof.AofFormatException.Reason.BAD_PREAMBLE;
import static dev.salvor.aof.AofFormatException.Reason.BAD_PREFIX;
import static dev.salvor.aof.AofFormatException.Reason.MISSING_CRLF;
import static dev.salvor.aof.AofFormatException.Reason.TRUNCATED_TAIL;
import static dev.salvor.aof.AofFormatException.Reason.UNKNOWN_COMMAND;
import static dev.salvor.aof.AofFormatException.Reason.UNTERMINATED_MULTI;
import static dev.salvor.aof.AofFormatException.Reason.WRONG_ARITY;

import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Pull parser for one AOF file (a segment): RESP commands ({@code *argc}, then {@code $len}
 * bulk arguments), {@code #} annotation lines, and an optional RDB preamble read by the RDB
 * parser. It always knows the byte offset and line of what it reads, tracks the database (SELECT),
 * transactions (MULTI ... EXEC) and the latest {@code #TS:} time, and checks each command's name
 * and arity against the {@link CommandTable}. Memory is bounded by the largest single command;
 * a length is checked against the bytes left before anything is allocated for it.
 */
public final class AofReader implements Closeable {
    /** Redis's own proto-max-bulk-len default. */
    public static final int MAX_BULK = 512 << 20;
    /** More arguments than this in one command is not something Redis writes to an AOF. */
    public static final int MAX_ARGC = 1 << 24;
    private static final int WINDOW = 256 << 10;

    private final String segment;
    private final ReadableByteChannel channel;
    private final long size;
    private final boolean validate;
    private byte[] a;
    private int mark = -1;
    private int pos;
    private int lim;
    private long base;
    private boolean eof;

    private AofToken token;
    private long start;
    private long end;
    private byte[][] argv;
    private long[] argOff = new long[16];
    private int[] argLen = new int[16];
    private int argc;
    private long markOffset;
    private String annotation;
    private int db;
    private long txCounter;
    private long txId;
    private boolean inMulti;
    private long multiStart = -1;
    private long timestampMs = -1;
    private long commands;
    private long preambleEnd = -1;
    private RdbFormatException preambleError;

    private AofReader(String segment, ReadableByteChannel channel, long size, boolean validate) {
        this.segment = segment;
        this.channel = channel;
        this.size = size;
        this.validate = validate;
        this.a = new byte[WINDOW];
    }

    /** Opens an AOF file; an RDB preamble (REDIS/VALKEY magic) is measured with the RDB parser. */
    public static AofReader open(Path file) throws IOException {
        return open(file, file.getFileName().toString());
    }

    public static AofReader open(Path file, String segment) throws IOException {
        FileChannel ch = AofSegment.open(file);
        AofReader r = new AofReader(segment, ch, ch.size(), true);
        try {
            byte[] head = new byte[6];
            int n = ch.read(ByteBuffer.wrap(head), 0);
            String magic = n > 0 ? new String(head, 0, n, StandardCharsets.ISO_8859_1) : "";
            if (magic.startsWith("REDIS") || magic.startsWith("VALKEY")) {
                try (RdbReader rdb = RdbReader.open(file)) {
                    while (rdb.next() != RdbToken.END) {
                        if (rdb.inValue()) rdb.skipValue(RdbReader.Skip.FRAMING);
                    }
                    r.preambleEnd = rdb.offset();
                } catch (RdbFormatException e) {
                    r.preambleError = e;
                }
                if (r.preambleEnd > 0) {
                    ch.position(r.preambleEnd);
                    r.base = r.preambleEnd;
                }
            }
            return r;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Reads a stream of commands (no preamble support: the RDB part needs random access). */
    public static AofReader of(InputStream in, String segment, long size) {
        return new AofReader(segment, Channels.newChannel(in), size, true);
    }

    /**
     * A reader over {@code buf[off, off+len)}, which holds the bytes from absolute offset
     * {@code absoluteStart} of a segment: used to try resynchronisation candidates in memory.
     */
    public static AofReader probe(String segment, byte[] buf, int off, int len, long absoluteStart, long size) {
        AofReader r = new AofReader(segment, null, size, true);
        r.a = buf;
        r.pos = off;
        r.lim = off + len;
        r.base = absoluteStart - off;
        r.eof = true;
        return r;
    }

    /**
     * Opens {@code file} at {@code offset}, the first byte of a command, continuing the database
     * and transaction numbering of an earlier reader (after resynchronising past damage).
     */
    public static AofReader openAt(Path file, String segment, long offset, int db, long txCounter) throws IOException {
        FileChannel ch = AofSegment.open(file);
        AofReader r = new AofReader(segment, ch, ch.size(), true);
        try {
            ch.position(offset);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        r.base = offset;
        r.inherit(db, txCounter);
        return r;
    }

    private static long countNewlines(FileChannel ch, long upTo) throws IOException {
        byte[] buf = new byte[1 << 16];
        long n = 0;
        long saved = ch.position();
        for (long p = 0; p < upTo; ) {
            int r = ch.read(ByteBuffer.wrap(buf, 0, (int) Math.min(buf.length, upTo - p)), p);
            if (r <= 0) break;
            for (int i = 0; i < r; i++) {
                if (buf[i] == '\n') n++;
            }
            p += r;
        }
        ch.position(saved);
        return n;
    }

    /** Continue the context (db, transaction) of an earlier reader, e.g. after resynchronising. */
    void inherit(int db, long txCounter) {
        this.db = db;
        this.txCounter = txCounter;
    }

    // ------------------------------------------------------------------ window

    private long offset() {
        return base + pos;
    }

    private boolean request(int n) throws IOException {
        if (lim - pos >= n) return true;
        if (eof || channel == null) return false;
        // The command being read stays in the window (its arguments are views into it).
        int from = mark >= 0 ? Math.min(mark, pos) : pos;
        int keep = lim - from;
        if (from > 0) System.arraycopy(a, from, a, 0, keep);
        base += from;
        lim = keep;
        pos -= from;
        if (mark >= 0) mark -= from;
        n += pos;
        while (lim < n && !eof) {
            if (lim == a.length) {
                // Grow with the data that arrives, never by the requested size alone.
                byte[] grown = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(a.length * 2L, 4096))];
                System.arraycopy(a, 0, grown, 0, lim);
                a = grown;
            }
            int r = channel.read(ByteBuffer.wrap(a, lim, a.length - lim));
            if (r < 0) eof = true;
            else lim += r;
        }
        if (a.length > 4 * WINDOW && lim - pos <= WINDOW && mark < 0) {
            byte[] small = new byte[WINDOW];
            System.arraycopy(a, pos, small, 0, lim - pos);
            lim -= pos;
            base += pos;
            pos = 0;
            a = small;
        }
        return lim - pos >= n - pos;
    }

    private long remaining() {
        return size < 0 ? Long.MAX_VALUE : size - offset();
    }

    private AofFormatException error(AofFormatException.Reason reason, long at, String detail) {
        return new AofFormatException(reason, segment, at, lineAt(at), detail);
    }

    private AofFormatException shortRead(String what) {
        return error(TRUNCATED_TAIL, offset(), "input ends inside " + what);
    }

    private void advance(int n) {
        pos += n;
    }

    /** Reads {@code <digits>\r\n} after a prefix byte; -1 when malformed. */
    private long number(String what) throws IOException {
        // Fast path: the digits and CRLF are already in the window.
        byte[] b = a;
        int p = pos;
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
            pos = p + 2;
            return fast;
        }
        long v = 0;
        int digits = 0;
        while (true) {
            if (!request(1)) throw shortRead(what);
            int c = a[pos];
            if (c >= '0' && c <= '9') {
                if (++digits > 18) throw error(BAD_LENGTH, offset(), what + " has too many digits");
                v = v * 10 + (c - '0');
                pos++;
            } else if (c == '\r') {
                if (digits == 0) throw error(BAD_LENGTH, offset(), "expected digits of the " + what + ", found CR");
                if (!request(2)) throw shortRead(what);
                if (a[pos + 1] != '\n') throw error(MISSING_CRLF, offset(), "expected LF after CR of the " + what + ", found " + printable(a[pos + 1]));
                pos += 2;
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
        mark = -1;
        if (preambleError != null) {
            RdbFormatException e = preambleError;
            preambleError = null;
            throw new AofFormatException(BAD_PREAMBLE, segment, e.offset(), lineAt(e.offset()), e.getMessage());
        }
        if (preambleEnd > 0 && token == null) {
            start = 0;
            end = preambleEnd;
            return token = AofToken.PREAMBLE;
        }
        start = offset();
        if (!request(1)) {
            end = start;
            if (inMulti && validate) throw error(UNTERMINATED_MULTI, multiStart, "MULTI at byte offset " + multiStart + " has no EXEC before the end of " + segment);
            return token = AofToken.END;
        }
        byte first = a[pos];
        if (first == '#') return readAnnotation();
        if (first != '*') throw error(BAD_PREFIX, start, "expected '*' starting a command, found " + printable(first));
        pos++;
        long argc = number("argument count");
        if (argc < 1 || argc > MAX_ARGC) throw error(BAD_LENGTH, start, "argument count " + argc + " is out of range");
        if (argc * 4 > remaining()) throw error(TRUNCATED_TAIL, start, argc + " arguments cannot fit in the " + remaining() + " bytes left");
        mark = pos - 1;
        markOffset = start;
        if (argOff.length < argc) {
            int cap = (int) Math.min(Math.max(argc, argOff.length * 2L), MAX_ARGC);
            argOff = new long[cap];
            argLen = new int[cap];
        }
        argc = (int) argc;
        for (int i = 0; i < argc; i++) {
            if (!request(1)) throw shortRead("argument " + (i + 1) + " of " + argc);
            if (a[pos] != '$') throw error(BAD_PREFIX, offset(), "expected '$' starting argument " + (i + 1) + " of " + argc + ", found " + printable(a[pos]));
            long argStart = offset();
            pos++;
            long len = number("bulk length");
            if (len > MAX_BULK) throw error(BAD_LENGTH, argStart, "bulk length " + len + " exceeds the limit of " + MAX_BULK);
            if (len + 2 > remaining()) throw error(TRUNCATED_TAIL, argStart, "bulk of " + len + " bytes is longer than the " + remaining() + " bytes left");
            if (!request((int) len + 2)) throw shortRead("a bulk of " + len + " bytes");
            if (a[pos + (int) len] != '\r' || a[pos + (int) len + 1] != '\n') {
                throw error(MISSING_CRLF, offset() + len, "expected CRLF after a bulk of " + len + " bytes, found "
                        + printable(a[pos + (int) len]) + " " + printable(a[pos + (int) len + 1]));
            }
            argOff[i] = offset();
            argLen[i] = (int) len;
            advance((int) len + 2);
        }
        this.argc = (int) argc;
        end = offset();
        if (validate) checkCommand();
        track();
        commands++;
        mark = -1;
        return token = AofToken.COMMAND;
    }

    private AofToken readAnnotation() throws IOException {
        int max = 1024;
        int i = 0;
        while (true) {
            if (!request(i + 1)) throw shortRead("an annotation line");
            if (a[pos + i] == '\n') break;
            if (++i > max) throw error(BAD_PREFIX, start, "annotation line longer than " + max + " bytes");
        }
        int len = i;
        if (len == 0 || a[pos + len - 1] != '\r') throw error(MISSING_CRLF, start + len, "annotation line does not end with CRLF");
        annotation = new String(a, pos + 1, len - 2, StandardCharsets.ISO_8859_1);
        advance(len + 1);
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
        String name = commandName();
        CommandTable.Command c = CommandTable.get().lookup(name, argc > 1 ? argString(1) : null);
        if (c == null && CommandTable.isModuleCommandName(arg(0))) return;
        if (c == null) {
            byte[] n = arg(0);
            throw error(UNKNOWN_COMMAND, start, "no Redis or Valkey version has a command " + dev.salvor.rdb.StringRef.printable(n, 0, n.length, 40));
        }
        if (!c.acceptsArgc(argc)) {
            throw error(WRONG_ARITY, start, c.name() + " does not take " + argc + " arguments (arity " + java.util.Arrays.toString(c.arities()) + ")");
        }
    }

    private int idx(int i) {
        return (int) (argOff[i] - base);
    }

    /** Argument {@code i} as a fresh array. */
    public byte[] arg(int i) {
        int at = idx(i);
        return java.util.Arrays.copyOfRange(a, at, at + argLen[i]);
    }

    private String argString(int i) {
        return new String(a, idx(i), Math.min(argLen[i], 64), StandardCharsets.ISO_8859_1);
    }

    public int argc() {
        return argc;
    }

    private void track() {
        String name = commandName();
        switch (name) {
            case "select" -> {
                try {
                    db = Integer.parseInt(new String(a, idx(1), argLen[1], StandardCharsets.US_ASCII));
                } catch (NumberFormatException ignored) {
                    // Redis would have refused it; the db stays as it was
                }
                txId = inMulti ? txId : 0;
            }
            case "multi" -> {
                inMulti = true;
                multiStart = start;
                txId = ++txCounter;
            }
            case "exec", "discard" -> {
                inMulti = false;
                multiStart = -1;
            }
            default -> {
                if (!inMulti) txId = 0;
            }
        }
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
        if (!(channel instanceof FileChannel ch) || offset < 0) return 0;
        try {
            return 1 + countNewlines(ch, offset);
        } catch (IOException e) {
            return 0;
        }
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

    /** The command name in lower case. */
    public String commandName() {
        return new String(a, idx(0), Math.min(argLen[0], 64), StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
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

    public long txCounter() {
        return txCounter;
    }

    /** Time of the latest {@code #TS:} annotation in Unix ms, or -1. */
    public long timestampMs() {
        return timestampMs;
    }

    /** Commands read so far. */
    public long commands() {
        return commands;
    }

    public long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) channel.close();
    }
}
