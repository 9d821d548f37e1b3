package dev.salvor.rdb;

import dev.salvor.format.ByteWindow;
import dev.salvor.format.InputFile;

import static dev.salvor.rdb.RdbFormatException.Reason.EMPTY_VALUE;
import static dev.salvor.rdb.RdbFormatException.Reason.UNKNOWN_TYPE;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Pull parser for RDB files and DUMP payloads of every Redis and Valkey version.
 *
 * <p>{@link #next()} returns one {@link RdbToken} at a time; values are delivered element by
 * element, so a key with millions of elements needs no more memory than its largest encoded
 * node, and a string value longer than the window comes in chunks ({@link #nextChunk()}).
 * Accessors describe the current token. Every error is an {@link RdbFormatException} at an
 * absolute byte offset. The reader validates as it goes (lengths, LZF, ziplist/listpack/intset
 * structure); the CRC64 trailer is checked and reported by the {@link RdbToken#EOF} token without
 * stopping the parse.
 *
 * <p>After an error the reader is failed: {@link #next()} throws the same error again, and the
 * accessors keep describing where it stopped (the record, key and value it was in), for
 * post-mortem use.
 *
 * <p>This class is a facade over package-private parts: {@link RdbInput} (input primitives and
 * location), {@link RdbStrings} (the one string/LZF routine), {@link TopLevelRecords}, and one
 * {@link ValueDecoder} per {@link RdbEncoding.Family}.
 */
public final class RdbReader implements Closeable, RecordView, KeyHeader, ElementView, ReadProgress {
    private enum State { START, TOP, VALUE, DONE, FAILED }

    /** Redis's GCRA rate-limiter type: numbered in Redis's rdb.h, its layout unpublished. */
    private static final int GCRA_TYPE = 33;
    /** Valkey 9.2's path hash (RDB 81): numbered in valkey's rdb.h, its layout unpublished. */
    private static final int PATH_HASH_TYPE = 23;

    /** How {@link #skipValue(Skip)} walks the rest of a value. */
    public enum Skip {
        /**
         * Decode every element (and so check it) without delivering it. String values and hash
         * values, whose contents no rule inspects, are checked without being copied or
         * decompressed (LZF data by its tokens, which alone make it valid or not).
         */
        DECODE,
        /**
         * Walk the framing only (lengths, counts, opcodes): encoded blobs and LZF data are skipped,
         * not decoded, though every byte still passes through the CRC64, so a file whose checksum
         * matches is proven intact at a fraction of the cost of a full decode.
         */
        FRAMING
    }

    private final ByteWindow bytes;
    private final RdbInput in;
    private final RdbStrings strings;
    private final TopLevelRecords records;
    private final ValueCursor v = new ValueCursor();
    private final Blob blob;
    private final StringValueDecoder stringValues;
    private final ModuleValueDecoder modules;
    private final PlainCollectionDecoder plain;
    private final PackedCollectionDecoder packed;
    private final QuicklistDecoder quicklists;
    private final StreamDecoder streams;
    private final TemplateHashDecoder templateHashes;
    private final ArrayDecoder arrays;
    private final CronDecoder crons;
    private final Closeable closeable;
    private final boolean dumpPayload;

    private State state = State.START;
    private State failedIn;
    private IOException failure;
    private RuntimeException failureUnchecked;
    private RdbToken token;
    private RdbEncoding.Family family;
    private long valueOffset;
    private long keyEndOffset;
    /** Where the key's record ends: past the member expiries KeyDB writes after its value. */
    private long keyRecordEndOffset;
    /** A chunked string value was delivered and nobody has read its chunks yet. */
    private boolean gatherPending;
    /** The last module id read came from a MODULE_AUX record (else from a module value). */
    private boolean moduleFromAux;
    /** The Dragonfly compressed blob the current token was read from, or null. */
    private CompressedBlob tokenBlob;

    private RdbReader(ByteWindow bytes, String source, ReadConstraints constraints, Closeable closeable, boolean dumpPayload) {
        this.bytes = bytes;
        this.in = new RdbInput(bytes, source, constraints, dumpPayload);
        this.strings = new RdbStrings(in);
        this.records = new TopLevelRecords(in, strings);
        this.blob = new Blob(in, strings);
        this.stringValues = new StringValueDecoder(in, strings, v);
        this.modules = new ModuleValueDecoder(in, strings, v);
        this.plain = new PlainCollectionDecoder(in, strings, v);
        this.packed = new PackedCollectionDecoder(in, strings, v, blob);
        this.quicklists = new QuicklistDecoder(in, strings, v, blob);
        this.streams = new StreamDecoder(in, strings, v, blob);
        this.templateHashes = new TemplateHashDecoder(in, strings, v, blob, records.templates);
        this.arrays = new ArrayDecoder(in, strings, v);
        this.crons = new CronDecoder(in, strings, v);
        this.closeable = closeable;
        this.dumpPayload = dumpPayload;
    }

    /** Opens a file; its size bounds every length read from it. */
    public static RdbReader open(Path file) throws IOException {
        return open(file, ReadConstraints.defaults());
    }

    public static RdbReader open(Path file, ReadConstraints constraints) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new RdbReader(ByteWindow.of(ch, 0, ch.size(), constraints.windowSize()), file.toString(), constraints, ch, false);
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Reads an input opened once ({@link InputFile}) from its start; closing the reader leaves the
     * file open for the other readers of the same run.
     */
    public static RdbReader open(InputFile file) {
        ReadConstraints c = ReadConstraints.defaults();
        return new RdbReader(ByteWindow.at(file.channel(), 0, file.size(), c.windowSize()), file.source(), c, null, false);
    }

    /**
     * As {@link #open(InputFile)}, for a caller that checksums the file's bytes itself (in parts,
     * on several threads): this reader computes no CRC64; at the trailer it reads the stored one
     * ({@link #storedChecksum()}) and reports {@link ChecksumStatus#UNVERIFIABLE}.
     */
    public static RdbReader openChecksummedElsewhere(InputFile file) {
        RdbReader r = open(file);
        r.records.checksumStatus = ChecksumStatus.UNVERIFIABLE;
        r.bytes.tap(null);
        return r;
    }

    /**
     * From here on, the CRC64 of the bytes this reader consumes (a resumed reader computes none by
     * default): a part of a file checksummed where it is read anyway, to be joined with the other
     * parts' ({@link Crc64#combine}).
     */
    public void checksumFromHere() {
        in.crc.reset();
        bytes.tap(in.crc);
    }

    /** The CRC64 of the bytes consumed since {@link #checksumFromHere()}. */
    public long checksumSoFar() {
        bytes.flushTap();
        return in.crc.value();
    }

    /** As {@link #resume(Path, long, Context)}, through an input opened once. */
    public static RdbReader resume(InputFile file, long offset, Context ctx) {
        return resume(file, offset, ctx, ReadConstraints.defaults());
    }

    /** As {@link #resume(InputFile, long, Context)}, within {@code c}. */
    public static RdbReader resume(InputFile file, long offset, Context ctx, ReadConstraints c) {
        return resumed(ByteWindow.at(file.channel(), offset, file.size(), c.windowSize()), file.source(), c, ctx);
    }

    /**
     * A new reader of the same file at {@code offset}, the first byte of a top-level record, as
     * {@link #resume(Path, long, Context)}: it reads through this reader's open file (never by the
     * file's name again), so it reads the very bytes this one does. Close it before this one.
     *
     * @throws IOException when this reader does not read a file opened once ({@link InputFile})
     */
    public RdbReader reread(long offset, Context ctx) throws IOException {
        FileChannel ch = bytes.file();
        if (ch == null) throw new IOException(in.source + ": the input was not opened once for the run and is not read again");
        return resumed(ByteWindow.at(ch, offset, bytes.size(), in.constraints.windowSize()), in.source, in.constraints, ctx);
    }

    private static RdbReader resumed(ByteWindow bytes, String source, ReadConstraints constraints, Context ctx) {
        RdbReader r = new RdbReader(bytes, source, constraints, null, false);
        r.startAt(ctx);
        return r;
    }

    /**
     * The facts a reader needs to resume in the middle of a file: the header's, the current
     * database, and the hash templates declared before that point (Redis 8.10 files declare them
     * at the top; a template hash read without its template is an error).
     */
    public record Context(int version, RdbFlavor flavor, int db, HashTemplates templates) {
        public Context {
            if (templates == null) templates = HashTemplates.NONE;
        }

        /** The same file position facts in database {@code db}. */
        public Context withDb(int db) {
            return new Context(version, flavor, db, templates);
        }

        /** The same facts without the hash templates (as after damage that took their records). */
        public Context withoutTemplates() {
            return new Context(version, flavor, db, HashTemplates.NONE);
        }

        /** Without hash templates: what any file before RDB 15 needs. */
        public Context(int version, RdbFlavor flavor, int db) {
            this(version, flavor, db, HashTemplates.NONE);
        }
    }

    /** Header facts, current database and the templates declared so far, for {@link #resume}. */
    public Context context() {
        // Inside a blob: the facts where the blob begins, the record a resumed read starts at.
        return new Context(records.version, records.flavor, in.blob != null ? in.blob.db() : in.db, records.templates.snapshot());
    }

    /**
     * Opens {@code file} at {@code offset}, the first byte of a top-level record, as if everything
     * before it had been read with the given context. The checksum cannot be verified.
     */
    public static RdbReader resume(Path file, long offset, Context ctx) throws IOException {
        return resume(file, offset, ctx, ReadConstraints.defaults());
    }

    public static RdbReader resume(Path file, long offset, Context ctx, ReadConstraints constraints) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ch.position(offset);
            RdbReader r = new RdbReader(ByteWindow.of(ch, offset, ch.size(), constraints.windowSize()), file.toString(), constraints, ch, false);
            r.startAt(ctx);
            return r;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * A reader over {@code buf[off, off+len)}, which holds bytes from absolute offset
     * {@code absoluteStart} of an input of {@code totalSize} bytes, starting at a top-level record.
     * Used to try candidate resynchronisation points without touching the file.
     */
    public static RdbReader probe(byte[] buf, int off, int len, long absoluteStart, long totalSize, String source, Context ctx) {
        RdbReader r = new RdbReader(ByteWindow.slice(buf, off, len, absoluteStart, totalSize), source, ReadConstraints.defaults(), null, false);
        r.startAt(ctx);
        return r;
    }

    private void startAt(Context ctx) {
        records.version = ctx.version();
        records.flavor = ctx.flavor();
        // Right after the 9-byte magic, the header's AUX records are read again: a context taken
        // at the HEADER token knows only what the magic says, so they decide the producer again.
        if (bytes.offset() == 9) records.redetectFromHeader();
        records.templates.addAll(ctx.templates());
        in.db = ctx.db();
        records.magic = null;
        state = State.TOP;
        records.checksumStatus = ChecksumStatus.UNVERIFIABLE;
        bytes.tap(null);
    }

    /** Reads from a stream; {@code size} is the byte count when known, else -1. */
    public static RdbReader of(InputStream stream, String source, long size) {
        return of(stream, source, size, ReadConstraints.defaults());
    }

    public static RdbReader of(InputStream stream, String source, long size, ReadConstraints constraints) {
        return new RdbReader(ByteWindow.of(stream, size, constraints.windowSize()), source, constraints, stream, false);
    }

    /**
     * Reads a DUMP payload (type byte, value, 2-byte RDB version, CRC64). The footer is verified
     * first ({@link DumpFooter}: checksum, a version some server writes, a type that version
     * has); the tokens are then KEY (with a null key), its ELEMENTs, KEY_END and END. The value is
     * checked as RESTORE checks it with {@code sanitize-dump-payload yes}, which also refuses an
     * empty collection.
     */
    public static RdbReader ofDumpPayload(byte[] payload, String source) throws RdbFormatException {
        return ofDumpPayload(payload, source, ReadConstraints.defaults());
    }

    public static RdbReader ofDumpPayload(byte[] payload, String source, ReadConstraints constraints) throws RdbFormatException {
        DumpFooter footer = DumpFooter.of(payload, source);
        // The server reads the value from the whole payload: a value that runs into the footer's
        // bytes loads, and bytes between the value and the footer are never looked at.
        // Errors in the value say which version the payload claims.
        String named = (source == null ? "DUMP payload" : source) + " (" + DumpFooter.claim(footer.version()) + ")";
        RdbReader r = new RdbReader(ByteWindow.slice(payload, 0, payload.length, 0, payload.length), named, constraints, null, true);
        r.records.version = footer.version();
        r.records.flavor = RdbFlavor.ofDumpVersion(footer.version());
        r.records.magic = null;
        r.records.checksumStatus = ChecksumStatus.OK;
        r.records.storedChecksum = footer.storedChecksum();
        r.records.computedChecksum = footer.computedChecksum();
        return r;
    }

    // ------------------------------------------------------------------ states

    /** Advances to the next token. */
    public RdbToken next() throws IOException {
        try {
            RdbToken t;
            switch (state) {
                case VALUE:
                    t = element();
                    break;
                case TOP:
                    t = record();
                    break;
                case START:
                    t = start();
                    break;
                case DONE:
                    in.tokenOffset = in.offset();
                    t = token = RdbToken.END;
                    break;
                default:
                    throw failure();
            }
            settle();
            return t;
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        }
    }

    /**
     * After a token: notes the blob it was read from; once a blob's content is read to its end
     * (only the appended end opcode left), the reader is back in the file, right after the blob,
     * so {@link #offset()} says where reading goes on.
     */
    private void settle() {
        tokenBlob = in.blob;
        if (state == State.TOP && in.inBlobContent()) {
            ByteWindow s = in.in;
            if (s.available() == 1 && (s.array()[s.position()] & 0xff) == RdbOpcode.DF_COMPRESSED_BLOB_END) {
                s.advance(1);
                in.leaveBlob();
            }
        }
    }

    private void fail(Exception e) {
        if (state == State.FAILED) return;
        failedIn = state;
        state = State.FAILED;
        if (e instanceof IOException io) failure = io;
        else failureUnchecked = (RuntimeException) e;
    }

    /** The error that failed the reader, to throw again. */
    private IOException failure() {
        if (failureUnchecked != null) throw failureUnchecked;
        return failure;
    }

    private RdbToken start() throws IOException {
        if (dumpPayload) return startDumpValue();
        records.readHeader();
        state = State.TOP;
        return token = RdbToken.HEADER;
    }

    private RdbToken startDumpValue() throws IOException {
        in.tokenOffset = 0;
        int type = in.u8("type byte");
        records.key = null;
        in.db = -1;
        records.expireAtMs = -1;
        records.lruIdle = -1;
        records.lfuFreq = -1;
        beginValue(type, 0);
        return token = RdbToken.KEY;
    }

    private RdbToken record() throws IOException {
        RdbToken t = records.read();
        switch (t) {
            case KEY:
                beginValue(records.typeByte, records.typeOffset);
                break;
            case EOF:
                state = State.DONE;
                break;
            case MODULE_AUX:
                moduleFromAux = true;
                break;
            default:
                break;
        }
        return token = t;
    }

    private void beginValue(int typeByte, long typeOffset) throws IOException {
        RdbEncoding enc = RdbEncoding.of(typeByte, records.flavor);
        if (enc == null) {
            if (typeByte == GCRA_TYPE && records.flavor == RdbFlavor.REDIS) {
                throw in.error(RdbFormatException.Reason.UNSUPPORTED, typeOffset,
                        "value type 33 (Redis's GCRA rate limiter) has no published layout to read");
            }
            if (typeByte == PATH_HASH_TYPE && records.flavor == RdbFlavor.VALKEY && records.version >= 81) {
                // valkey src/rdb.h names RDB_TYPE_PATH_HASH ("path hash paths with field/value
                // payloads", RDB 81, Valkey 9.2); no saver or loader of it is public to read it by.
                throw in.error(RdbFormatException.Reason.UNSUPPORTED, typeOffset,
                        "value type 23 (Valkey 9.2's PATH_HASH) has no published layout to read");
            }
            Producer p = records.producer();
            throw in.error(UNKNOWN_TYPE, typeOffset, "unknown value type " + typeByte + " for " + (p != null ? p.label() + ", " : records.flavor + " ")
                    + "RDB version " + records.version);
        }
        v.reset(enc);
        family = enc.family();
        valueOffset = in.offset();
        gatherPending = false;
        state = State.VALUE;
        token = RdbToken.KEY; // so errors while opening the value name the key
        in.key = records.key;
        decoder().begin(enc, typeOffset);
        if (family == RdbEncoding.Family.MODULE) moduleFromAux = false;
    }

    private ValueDecoder decoder() {
        switch (family) {
            case PACKED: return packed;
            case PLAIN: return plain;
            case STRING: return stringValues;
            case QUICKLIST: return quicklists;
            case STREAM: return streams;
            case TEMPLATE_HASH: return templateHashes;
            case ARRAY: return arrays;
            case CRON: return crons;
            default: return modules;
        }
    }

    private RdbToken element() throws IOException {
        in.tokenOffset = in.offset();
        gatherPending = false;
        boolean more;
        switch (family) {
            case PACKED: more = packed.next(); break;
            case PLAIN: more = plain.next(); break;
            case STRING: more = stringValues.next(); break;
            case QUICKLIST: more = quicklists.next(); break;
            case STREAM: more = streams.next(); break;
            case TEMPLATE_HASH: more = templateHashes.next(); break;
            case ARRAY: more = arrays.next(); break;
            case CRON: more = crons.next(); break;
            default: more = modules.next(); break;
        }
        if (!more) {
            if (dumpPayload && v.elements == 0 && emptiable(v.encoding.type())) {
                throw in.error(EMPTY_VALUE, valueOffset, "a " + v.encoding.type().wireName() + " with no elements: RESTORE refuses an empty value");
            }
            return endValue();
        }
        v.elements++;
        if (family == RdbEncoding.Family.STRING) gatherPending = stringValues.chunked();
        return token = RdbToken.ELEMENT;
    }

    /** Types of which a value with no elements is an "empty key" to the server (streams may be empty). */
    private static boolean emptiable(RedisType t) {
        return t == RedisType.LIST || t == RedisType.SET || t == RedisType.ZSET || t == RedisType.HASH;
    }

    private RdbToken endValue() throws IOException {
        keyEndOffset = in.offset();
        // KeyDB writes a key's member expiries right after its value (src/rdb.cpp), and its loader
        // attaches them to the key just loaded: they belong to this key's record.
        if (!dumpPayload) records.readMemberExpiries(v.memberExpiries);
        keyRecordEndOffset = in.offset();
        in.key = null;
        state = dumpPayload ? State.DONE : State.TOP;
        return token = RdbToken.KEY_END;
    }

    /** Consumes the rest of the current key's value (still validating it). */
    public void skipValue() throws IOException {
        skipValue(Skip.DECODE);
    }

    /**
     * Consumes the rest of the current key's value, up to and including its KEY_END; with
     * {@link Skip#FRAMING} without decoding what is left of it. Does nothing outside a value.
     */
    public void skipValue(Skip how) throws IOException {
        if (state == State.FAILED) throw failure();
        if (how == Skip.DECODE) {
            v.unread = true;
            try {
                while (state == State.VALUE) next();
            } finally {
                v.unread = false;
            }
            return;
        }
        if (state != State.VALUE) return;
        try {
            gatherPending = false;
            decoder().skipFraming();
            endValue();
            settle();
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        }
    }

    // ------------------------------------------------------------------ string values in chunks

    /**
     * At a {@link ElementKind#STRING_VALUE} element: whether the value is longer than the window
     * and so comes in chunks ({@link #nextChunk()}, {@link #chunk()}); {@link #item()} gathers
     * them into one string when asked.
     */
    public boolean isChunked() {
        return token == RdbToken.ELEMENT && family == RdbEncoding.Family.STRING && stringValues.chunked();
    }

    /** At a chunked string value: its length as declared (after LZF decompression). */
    public long chunkedLength() {
        return strings.chunkTotal();
    }

    /** Moves to the next piece of a chunked string value; false when all of it was read. */
    public boolean nextChunk() throws IOException {
        if (state == State.FAILED) throw failure();
        if (!isChunked()) return false;
        gatherPending = false;
        try {
            return strings.nextChunk(v.item);
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        }
    }

    /** The current piece of a chunked string value (a view, valid until the next read). */
    public StringRef chunk() {
        return v.item;
    }

    // ------------------------------------------------------------------ accessors

    public RdbToken token() {
        return token;
    }

    /** Where the current token starts; for KEY, the first byte of its expiry/LRU/LFU prefixes. */
    public long tokenOffset() {
        CompressedBlob b = compressedBlob();
        return b != null ? b.start() : in.tokenOffset;
    }

    /**
     * Where the current top-level record began (for a key, its first prefix opcode); set as soon
     * as the record is entered, so it is valid in the error path too.
     */
    public long recordOffset() {
        CompressedBlob b = compressedBlob();
        return b != null ? b.start() : in.recordOffset;
    }

    /**
     * The Dragonfly compressed blob the current token was read from (after a failure: the blob
     * being read), or null. Inside a blob no record has file bytes of its own: every record-level
     * offset ({@link #tokenOffset()}, {@link #recordOffset()}, {@link #valueOffset()},
     * {@link #offset()}) is the blob's start, {@link #keyEndOffset()} and
     * {@link #keyRecordEndOffset()} its end, and {@link #blobOffset()} says where in its content
     * the reader is; offsets within a value ({@link #moduleValueStart()}, stream node bounds) are
     * offsets in its content.
     */
    public CompressedBlob compressedBlob() {
        return state == State.FAILED ? in.blob : tokenBlob;
    }

    /** Inside a compressed blob's content: the offset of the next unread byte of that content, else -1. */
    public long blobOffset() {
        return in.inBlobContent() ? in.offset() : -1;
    }

    /**
     * At KEY_END of a key read from a compressed blob: a copy of its value's bytes (what follows
     * the type byte and name), taken from the blob's content; null for a key read from the file.
     */
    public byte[] blobValueBytes() {
        CompressedBlob b = compressedBlob();
        return b == null || b.content() == null || token != RdbToken.KEY_END ? null : b.bytes(valueOffset, keyEndOffset);
    }

    /** Whether the last string read was stored as plain bytes (not an integer, not LZF). */
    public boolean lastStringRaw() {
        return strings.lastRaw;
    }

    /**
     * After a key's value was read: whether it ends in bytes no structure check covers (raw string
     * bytes, LZF data whose last literal run is copied unchecked, a plain collection's last element,
     * a stream's metadata, a module's opcodes), so that a wrong length inside it could have run
     * into foreign bytes unnoticed. Only a string stored as an integer ends checked. See
     * {@link RdbEncoding.Family}.
     */
    public boolean endsUnchecked() {
        // A blob's frame was decompressed whole and ends where its length says: what follows it
        // cannot have been misread through a key inside it.
        if (compressedBlob() != null) return false;
        return family == RdbEncoding.Family.STRING ? strings.lastRaw || strings.lastLzf : family.endsUnchecked();
    }

    /**
     * Whether the reader stands between two top-level records of the file itself: not in a value,
     * not between a key's prefixes and its type, not in a compressed blob's content, not failed or done.
     */
    public boolean betweenRecords() {
        return state == State.TOP && !records.prefixesPending() && in.blob == null;
    }

    /**
     * Goes on reading at {@code offset}, a record start of the same file, keeping everything this
     * reader carries from record to record (database, templates, producer, the empty key seen): for
     * a walk that knows from elsewhere that the records in between change none of it (speculative
     * framing on several threads, {@link dev.salvor.rdb.walk.ParallelRanges}). Only between records,
     * on a reader of an input opened once that computes no checksum.
     */
    public void continueAt(long offset) {
        if (!betweenRecords()) throw new IllegalStateException(in.source + ": a reader moves only between records");
        bytes.seek(offset);
    }

    /** Whether the reader is inside a key's value (between KEY and KEY_END), or failed inside one. */
    public boolean inValue() {
        return state == State.VALUE || state == State.FAILED && failedIn == State.VALUE;
    }

    /** Whether an error stopped the reader (every further {@link #next()} throws it again). */
    public boolean failed() {
        return state == State.FAILED;
    }

    /** Absolute offset of the next unread byte. */
    public long offset() {
        return in.blob != null ? in.blob.start() : in.offset();
    }

    /** Input size when known, else -1. */
    public long size() {
        return bytes.size();
    }

    public String source() {
        return in.source;
    }

    public ReadConstraints constraints() {
        return in.constraints;
    }

    public int version() {
        return records.version;
    }

    public RdbFlavor flavor() {
        return records.flavor;
    }

    /**
     * Who wrote the file, as far as the header read so far says (final once the first key or
     * database is reached: producers name themselves in the header's AUX fields); null for a DUMP
     * payload and for a reader resumed in the middle of a file.
     */
    public Producer producer() {
        return records.producer();
    }

    /** The 9-byte header, or null for DUMP payloads. */
    public String magic() {
        return records.magic;
    }

    public int db() {
        return in.db;
    }

    public StringRef auxKey() {
        return records.auxKey;
    }

    public StringRef auxValue() {
        return records.auxValue;
    }

    public long resizeDbSize() {
        return records.resizeDbSize;
    }

    public long resizeExpiresSize() {
        return records.resizeExpiresSize;
    }

    /** At {@link RdbToken#COMMAND}: the command's arguments (Valkey's UPDATE record), in order. */
    public java.util.List<byte[]> commandArgs() {
        return records.commandArgs.isEmpty() ? java.util.List.of() : java.util.Collections.unmodifiableList(records.commandArgs);
    }

    /** At {@link RdbToken#HASH_TEMPLATE}: the template's id. */
    public long hashTemplateId() {
        return records.templateId;
    }

    /** At {@link RdbToken#HASH_TEMPLATE}: how many field names it declares. */
    public int hashTemplateFields() {
        return records.templateFields;
    }

    public long slotId() {
        return records.slotId;
    }

    public long slotSize() {
        return records.slotSize;
    }

    public long slotExpiresSize() {
        return records.slotExpiresSize;
    }

    public StringRef functionCode() {
        return records.functionCode;
    }

    /** The library name from the code's shebang line ({@code #!lua name=mylib}), or "" when absent. */
    public String functionLibraryName() {
        String code = records.functionCode.toString();
        int nl = code.indexOf('\n');
        String first = nl < 0 ? code : code.substring(0, nl);
        for (String part : first.split("\\s+")) {
            if (part.startsWith("name=")) return part.substring(5);
        }
        return "";
    }

    /** Module name (9 characters) for MODULE_AUX and module values. */
    public String moduleName() {
        return moduleFromAux ? records.moduleName : modules.moduleName;
    }

    /** Module encoding version (low 10 bits of the module id). */
    public int moduleVersion() {
        return (int) ((moduleFromAux ? records.moduleId : modules.moduleId) & 1023);
    }

    public long moduleWhen() {
        return records.moduleWhen;
    }

    /** The current key's name (a fresh array per key), or null inside a DUMP payload. */
    public byte[] key() {
        return records.key;
    }

    public RedisType type() {
        return v.encoding.type();
    }

    public RdbEncoding encoding() {
        return v.encoding;
    }

    /**
     * The current key's Redis 8.6+ metadata classes (KEY_META before it), in file order; empty when
     * none (then no view is made: this is asked once per key).
     */
    public java.util.List<KeyMetadata> keyMetadata() {
        return records.keyMetadata.isEmpty() ? java.util.List.of() : java.util.Collections.unmodifiableList(records.keyMetadata);
    }

    /** Dragonfly: the current key's flags (its DF_MASK record: bit 0 sticky, bit 1 memcached flags), 0 when none. */
    public long dragonflyMask() {
        return records.dragonflyMask;
    }

    /** Dragonfly: the current key's memcached flags (with bit 1 of its mask), else 0. */
    public long memcachedFlags() {
        return records.memcachedFlags;
    }

    /** Dragonfly's replication records outside keys (full-sync end 200, journal offset 211) read so far. */
    public long dragonflyRecords() {
        return records.dragonflyRecords;
    }

    /** Redis Enterprise's own records (RAM LRU 107, slot number 121) read so far: one length each, which only Redis Enterprise uses. */
    public long enterpriseRecords() {
        return records.enterpriseRecords;
    }

    /** KeyDB: the key's MVCC stamp (an {@code mvcc-tstamp} AUX record right before it), or -1. */
    public long mvccTimestamp() {
        return records.mvccTimestamp;
    }

    /** Absolute expiry in Unix ms, or -1. */
    public long expireAtMs() {
        return records.expireAtMs;
    }

    /** Whether the current key's expiry came in the old 4-byte seconds form (servers before 2.6). */
    public boolean expiryInSeconds() {
        return records.expiryInSeconds;
    }

    /** LRU idle seconds from the IDLE opcode, or -1. */
    public long lruIdle() {
        return records.lruIdle;
    }

    /** LFU counter from the FREQ opcode, or -1. */
    public int lfuFreq() {
        return records.lfuFreq;
    }

    /** Element count announced by the encoding when it states one up front, else -1. */
    public long sizeHint() {
        return v.sizeHint;
    }

    /** Offset of the current key's value (after the key name). */
    public long valueOffset() {
        CompressedBlob b = compressedBlob();
        return b != null ? b.start() : valueOffset;
    }

    /** After KEY_END: offset just past the value. */
    public long keyEndOffset() {
        CompressedBlob b = compressedBlob();
        return b != null ? b.end() : keyEndOffset;
    }

    /** After KEY_END: where the key's record ends, past KeyDB member expiries after its value. */
    public long keyRecordEndOffset() {
        CompressedBlob b = compressedBlob();
        return b != null ? b.end() : keyRecordEndOffset;
    }

    /**
     * After KEY_END: members with their own expiry that the elements do not carry (KeyDB's AUX
     * pairs after the value, Dragonfly's set members with expiry), in file order; empty when none.
     */
    public java.util.List<MemberExpiry> memberExpiries() {
        return v.memberExpiries.isEmpty() ? java.util.List.of() : java.util.Collections.unmodifiableList(v.memberExpiries);
    }

    /**
     * Encoded containers (ziplists, listpacks, quicklist nodes, stream nodes) opened so far for
     * the current key. Each is validated as a unit, so after damage the elements of containers
     * before the current one are known intact.
     */
    public int containersOpened() {
        return v.containersOpened;
    }

    /**
     * Decoded byte length of the container opened last (a ziplist, listpack, intset or zipmap, or
     * a quicklist plain node): the size of the block a server holds it in when it loads the value
     * as it is.
     */
    public int containerLength() {
        return blob.length();
    }

    /** Elements delivered so far for the current key. */
    public long elementCount() {
        return v.elements;
    }

    public ElementKind elementKind() {
        return v.kind;
    }

    /**
     * String value, list item, set member, zset member or hash field. At a chunked string value
     * ({@link #isChunked()}) whose chunks were not read, the chunks are gathered into one string
     * first (as long as the value, at most {@link ReadConstraints#maxStringSize()}).
     */
    public StringRef item() throws IOException {
        if (gatherPending) gather();
        return v.item;
    }

    private void gather() throws IOException {
        gatherPending = false;
        if (state == State.FAILED) return;
        try {
            strings.gather(v.item);
        } catch (IOException | RuntimeException e) {
            fail(e);
            throw e;
        }
    }

    public StringRef hashValue() {
        return v.hashValue;
    }

    public double score() {
        return v.score;
    }

    /** At {@link ElementKind#STREAM_IDMP}: how long ids are kept, in seconds. */
    public long idmpDuration() {
        return streams.idmpDuration;
    }

    /** At {@link ElementKind#STREAM_IDMP}: the maximum entries kept per producer. */
    public long idmpMaxEntries() {
        return streams.idmpMaxEntries;
    }

    /** At {@link ElementKind#STREAM_IDMP}: how many producers follow. */
    public long idmpProducers() {
        return streams.idmpProducers;
    }

    /** At {@link ElementKind#STREAM_IDMP_PRODUCER} and its entries: the producer's id. */
    public StringRef idmpProducer() {
        return streams.idmpProducer;
    }

    /** At {@link ElementKind#STREAM_IDMP_PRODUCER}: how many entries it has. */
    public long idmpProducerEntries() {
        return streams.idmpProducerEntries;
    }

    /** At {@link ElementKind#STREAM_IDMP_ENTRY}: the idempotency id. */
    public StringRef idmpIid() {
        return streams.idmpIid;
    }

    /** At {@link ElementKind#STREAM_IDMP_ENTRY}: the stream entry it produced. */
    public StreamId idmpStreamId() {
        return streams.idmpStreamId;
    }

    /** At {@link ElementKind#STREAM_IDMP_STATS}: ids added. */
    public long idmpIidsAdded() {
        return streams.idmpIidsAdded;
    }

    /** At {@link ElementKind#STREAM_IDMP_STATS}: duplicate ids seen. */
    public long idmpIidsDuplicates() {
        return streams.idmpIidsDuplicates;
    }

    /** At an {@link ElementKind#ARRAY_ELEMENT}: its index (unsigned 64-bit). */
    public long arrayIndex() {
        return v.arrayIndex;
    }

    public long cronStartMs() {
        return v.cronStartMs;
    }

    public long cronIntervalMs() {
        return v.cronIntervalMs;
    }

    /** For a sparse array (from its KEY): the insert cursor (unsigned 64-bit), or -1 (2^64 - 1) when it has none. */
    public long arrayInsertIndex() {
        return v.arrayInsertIndex;
    }

    /** Hash field expiry in Unix ms (Redis 7.4+, Valkey 9), or -1. */
    public long fieldExpireAtMs() {
        return v.fieldExpireAtMs;
    }

    public StreamId streamId() {
        return streams.id;
    }

    public int streamFieldCount() {
        return streams.fieldCount;
    }

    /**
     * Field {@code i} of the current stream entry: a view valid until the next call of this
     * method (or the next read); {@link StringRef#toBytes()} keeps it.
     */
    public StringRef streamField(int i) {
        return streams.field(i);
    }

    /** Value {@code i} of the current stream entry, valid as {@link #streamField(int)} is. */
    public StringRef streamValue(int i) {
        return streams.value(i);
    }

    public long streamLength() {
        return streams.length;
    }

    public StreamId streamLastId() {
        return streams.lastId;
    }

    /** Where the stream's first node begins (after its node count). */
    public long streamNodesStart() {
        return streams.nodesStart;
    }

    private boolean inStream() {
        return family == RdbEncoding.Family.STREAM;
    }

    /** Stream nodes read completely and found valid so far (the first ones of the value). */
    public int streamCompletedNodes() {
        return inStream() ? streams.completedNodes : 0;
    }

    /** Where the last completely read stream node ends; -1 before one was. */
    public long streamCompletedNodesEnd() {
        return inStream() ? streams.completedNodesEnd : -1;
    }

    /** Id of the last entry, deleted ones included, of the last completely read stream node. */
    public StreamId streamCompletedLastId() {
        return new StreamId(streams.completedLastMs, streams.completedLastSeq);
    }

    /** 1 to 5: the stream encoding's layout (first id, max deleted id, entries added from 2; IDMP state from 4; nacked ids from 5). */
    public int streamEncodingVersion() {
        return streams.encodingVersion;
    }

    /** Null for stream encoding v1. */
    public StreamId streamFirstId() {
        return streams.firstId;
    }

    /** Null for stream encoding v1. */
    public StreamId streamMaxDeletedId() {
        return streams.maxDeletedId;
    }

    /** -1 for stream encoding v1. */
    public long streamEntriesAdded() {
        return streams.entriesAdded;
    }

    public StringRef groupName() {
        return streams.groupName;
    }

    public StreamId groupLastId() {
        return streams.groupLastId;
    }

    /** -1 for stream encoding v1. */
    public long groupEntriesRead() {
        return streams.groupEntriesRead;
    }

    /** Pending entries of the current group or consumer. */
    public long pendingCount() {
        return streams.pendingCount;
    }

    public StreamId pendingId() {
        return streams.pendingId;
    }

    public long deliveryTimeMs() {
        return streams.deliveryTimeMs;
    }

    public long deliveryCount() {
        return streams.deliveryCount;
    }

    public StringRef consumerName() {
        return streams.consumerName;
    }

    public long seenTimeMs() {
        return streams.seenTimeMs;
    }

    /** -1 before stream encoding v3. */
    public long activeTimeMs() {
        return streams.activeTimeMs;
    }

    public ModuleValue moduleValue() {
        return modules.value;
    }

    public long moduleValueStart() {
        return modules.valueStart;
    }

    public long moduleValueEnd() {
        return modules.valueEnd;
    }

    public ChecksumStatus checksumStatus() {
        return records.checksumStatus;
    }

    public long storedChecksum() {
        return records.storedChecksum;
    }

    public long computedChecksum() {
        return records.computedChecksum;
    }

    /** Offset of the EOF opcode, or -1 before it was reached. */
    public long eofOffset() {
        return records.eofOffset;
    }

    /** After EOF: whether bytes follow the trailer (an AOF tail, or garbage). */
    public boolean hasTrailingData() throws IOException {
        return !bytes.atEnd();
    }

    /** Bytes already buffered past the current position (for an AOF that follows a preamble). */
    public byte[] bufferedUnread() {
        return bytes.unread();
    }

    @Override
    public void close() throws IOException {
        bytes.release();
        if (closeable != null) closeable.close();
    }
}
