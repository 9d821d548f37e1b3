package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;
import static dev.salvor.rdb.RdbFormatException.Reason.BAD_HEADER;
import static dev.salvor.rdb.RdbFormatException.Reason.BAD_LENGTH;
import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_STREAM;
import static dev.salvor.rdb.RdbFormatException.Reason.LIMIT_EXCEEDED;
import static dev.salvor.rdb.RdbFormatException.Reason.LZF_FAILURE;
import static dev.salvor.rdb.RdbFormatException.Reason.TRUNCATED;
import static dev.salvor.rdb.RdbFormatException.Reason.UNKNOWN_TYPE;
import static dev.salvor.rdb.RdbFormatException.Reason.UNSUPPORTED;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Pull parser for RDB files and DUMP payloads of every Redis and Valkey version.
 *
 * <p>{@link #next()} returns one {@link RdbToken} at a time; values are delivered element by
 * element, so a key with millions of elements needs no more memory than its largest encoded
 * node. Accessors describe the current token. Every error is an {@link RdbFormatException} at an
 * absolute byte offset. The reader validates as it goes (lengths, LZF, ziplist/listpack/intset
 * structure); the CRC64 trailer is checked and reported by the {@link RdbToken#EOF} token without
 * stopping the parse.
 */
public final class RdbReader implements Closeable {
    private static final int MODULE_OP_EOF = 0;
    private static final int MODULE_OP_SINT = 1;
    private static final int MODULE_OP_UINT = 2;
    private static final int MODULE_OP_FLOAT = 3;
    private static final int MODULE_OP_DOUBLE = 4;
    private static final int MODULE_OP_STRING = 5;

    private static final int STREAM_ITEM_FLAG_DELETED = 1;
    private static final int STREAM_ITEM_FLAG_SAMEFIELDS = 2;

    private static final char[] MODULE_NAME_CHARSET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    private enum State { START, TOP, VALUE, DONE }

    private final ByteSource in;
    private final String source;
    private final RdbLimits limits;
    private final Closeable closeable;
    private final boolean dumpPayload;

    private State state = State.START;
    private boolean skim;
    private boolean lastStringRaw;
    private RdbToken token;
    private long tokenOffset;
    private long recordOffset;
    private int version;
    private RdbFlavor flavor = RdbFlavor.REDIS;
    private String magic;

    // Top-level records.
    private int db;
    private final StringRef auxKey = new StringRef();
    private final StringRef auxValue = new StringRef();
    private long resizeDbSize;
    private long resizeExpiresSize;
    private long slotId;
    private long slotSize;
    private long slotExpiresSize;
    private final StringRef functionCode = new StringRef();
    private String moduleName;
    private long moduleId;
    private long moduleWhen;

    // Current key.
    private byte[] key;
    private RdbEncoding encoding;
    private long expireAtMs = -1;
    private long lruIdle = -1;
    private int lfuFreq = -1;
    private long sizeHint;
    private long valueOffset;
    private long keyEndOffset;
    private long elementCount;

    // Current element.
    private ElementKind elementKind;
    private final StringRef item = new StringRef();
    private final StringRef hashValue = new StringRef();
    private final StringRef scratchRef = new StringRef();
    private double score;
    private long fieldExpireAtMs = -1;

    // Value decoding state.
    private long remaining;
    private long nodesRemaining;
    private boolean stringDone;
    private long hashMinExpire;
    private byte[] blob = new byte[256];
    private byte[] blobArray;
    private int blobStart;
    private int blobLength;
    private long blobOffset;
    private long blobDataOffset;
    private boolean blobCompressed;
    private int blobKind; // 0 none, 1 ziplist, 2 listpack, 3 intset, 4 zipmap, 5 plain node
    private int containersOpened;
    private final ZiplistDecoder ziplist = new ZiplistDecoder();
    private final ListpackDecoder listpack = new ListpackDecoder();
    private final IntsetDecoder intset = new IntsetDecoder();
    private final ZipmapDecoder zipmap = new ZipmapDecoder();

    // Stream state.
    private enum StreamPhase { NODES, META, GROUPS, GROUP_PEL, CONSUMERS, CONSUMER_PEL, DONE }
    private StreamPhase streamPhase;
    private int streamVersion;
    private long streamNodesStart = -1;
    private boolean expiryInSeconds;
    private long lastSeenEntryMs;
    private long lastSeenEntrySeq;
    private int completedNodes;
    // Consumer group checks: the group's pending ids (ms, seq pairs, in order), the last names seen.
    private long[] groupPel = new long[64];
    private int groupPelSize;
    private byte[] previousGroupName;
    private byte[] previousConsumerName;
    private StreamId consumerPelLast;
    private long completedNodesEnd = -1;
    private long completedLastMs;
    private long completedLastSeq;
    private StreamId masterId;
    private long nodeEntriesLeft;
    private int masterFieldCount;
    private StringRef[] masterFields = new StringRef[0];
    private StringRef[] entryFields = new StringRef[0];
    private StringRef[] entryValues = new StringRef[0];
    private int entryFieldCount;
    private StreamId streamId;
    private long streamLength;
    private StreamId streamLastId;
    private StreamId streamFirstId;
    private StreamId streamMaxDeletedId;
    private long streamEntriesAdded;
    private long groupsLeft;
    private long pelLeft;
    private long consumersLeft;
    private final StringRef groupName = new StringRef();
    private StreamId groupLastId;
    private long groupEntriesRead;
    private long pendingCount;
    private StreamId pendingId;
    private long deliveryTimeMs;
    private long deliveryCount;
    private final StringRef consumerName = new StringRef();
    private long seenTimeMs;
    private long activeTimeMs;
    private long moduleValueStart;
    private long moduleValueEnd;

    // Trailer.
    private ChecksumStatus checksumStatus = ChecksumStatus.NOT_REACHED;
    private long storedChecksum;
    private long computedChecksum;
    private long eofOffset = -1;

    private RdbReader(ByteSource in, String source, RdbLimits limits, Closeable closeable, boolean dumpPayload) {
        this.in = in;
        this.source = source;
        this.limits = limits;
        this.closeable = closeable;
        this.dumpPayload = dumpPayload;
    }

    /** Opens a file; its size bounds every length read from it. */
    public static RdbReader open(Path file) throws IOException {
        return open(file, RdbLimits.DEFAULT);
    }

    public static RdbReader open(Path file, RdbLimits limits) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            return new RdbReader(new ByteSource(ch, ch.size(), limits.windowSize()), file.toString(), limits, ch, false);
        } catch (RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The header facts a reader needs to resume in the middle of a file. */
    public record Context(int version, RdbFlavor flavor, int db) {
    }

    /** Header facts and current database, for {@link #resume}. */
    public Context context() {
        return new Context(version, flavor, db);
    }

    /**
     * Opens {@code file} at {@code offset}, the first byte of a top-level record, as if everything
     * before it had been read with the given context. The checksum cannot be verified.
     */
    public static RdbReader resume(Path file, long offset, Context ctx) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        try {
            ch.position(offset);
            RdbReader r = new RdbReader(new ByteSource(ch, offset, ch.size(), RdbLimits.DEFAULT.windowSize()), file.toString(), RdbLimits.DEFAULT, ch, false);
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
        RdbReader r = new RdbReader(new ByteSource(buf, off, len, absoluteStart, totalSize), source, RdbLimits.DEFAULT, null, false);
        r.startAt(ctx);
        return r;
    }

    private void startAt(Context ctx) {
        version = ctx.version();
        flavor = ctx.flavor();
        db = ctx.db();
        magic = null;
        state = State.TOP;
        checksumStatus = ChecksumStatus.UNVERIFIABLE;
        in.crcOff();
    }

    /** Reads from a stream; {@code size} is the byte count when known, else -1. */
    public static RdbReader of(InputStream stream, String source, long size) {
        return of(stream, source, size, RdbLimits.DEFAULT);
    }

    public static RdbReader of(InputStream stream, String source, long size, RdbLimits limits) {
        return new RdbReader(new ByteSource(stream, size, limits.windowSize()), source, limits, stream, false);
    }

    /**
     * Reads a DUMP payload (type byte, value, 2-byte RDB version, CRC64). The trailer is verified
     * first; the tokens are then KEY (with a null key), its ELEMENTs, KEY_END and END.
     */
    public static RdbReader ofDumpPayload(byte[] payload, String source) throws RdbFormatException {
        if (payload.length < 11) {
            throw new RdbFormatException(TRUNCATED, source, 0, -1, null, "DUMP payload of " + payload.length + " bytes is shorter than type, value and 10-byte trailer");
        }
        int end = payload.length - 10;
        int ver = (payload[end] & 0xff) | (payload[end + 1] & 0xff) << 8;
        long stored = 0;
        for (int i = 7; i >= 0; i--) stored = stored << 8 | (payload[end + 2 + i] & 0xffL);
        long computed = Crc64.of(payload, 0, payload.length - 8);
        if (stored != 0 && stored != computed) {
            throw new RdbFormatException(RdbFormatException.Reason.CHECKSUM_MISMATCH, source, payload.length - 8, -1, null,
                    "DUMP payload CRC64 is " + Long.toHexString(stored) + ", computed " + Long.toHexString(computed));
        }
        RdbReader r = new RdbReader(new ByteSource(payload, 0, end), source, RdbLimits.DEFAULT, null, true);
        r.version = ver;
        r.flavor = RdbFlavor.ofDumpVersion(ver);
        r.magic = null;
        r.checksumStatus = stored == 0 ? ChecksumStatus.DISABLED : ChecksumStatus.OK;
        r.storedChecksum = stored;
        r.computedChecksum = computed;
        return r;
    }

    // ------------------------------------------------------------------ errors and primitives

    private RdbFormatException error(RdbFormatException.Reason reason, long offset, String detail) {
        boolean inKey = state == State.VALUE || token == RdbToken.KEY;
        return new RdbFormatException(reason, source, offset, db, inKey ? key : null, detail);
    }

    private RdbFormatException truncated(String what) {
        return error(TRUNCATED, in.offset(), "input ends while reading " + what);
    }

    private void need(int n, String what) throws IOException {
        if (!in.request(n)) throw truncated(what);
    }

    private int u8(String what) throws IOException {
        if (in.pos >= in.lim && !in.request(1)) throw truncated(what);
        return in.a[in.pos++] & 0xff;
    }

    private long le(int n, String what) throws IOException {
        need(n, what);
        byte[] a = in.a;
        int p = in.pos;
        long v = 0;
        for (int i = n - 1; i >= 0; i--) v = v << 8 | (a[p + i] & 0xffL);
        in.pos = p + n;
        return v;
    }

    private long be(int n, String what) throws IOException {
        need(n, what);
        byte[] a = in.a;
        int p = in.pos;
        long v = 0;
        for (int i = 0; i < n; i++) v = v << 8 | (a[p + i] & 0xffL);
        in.pos = p + n;
        return v;
    }

    /** Length encoding; an "encoded value" prefix is an error here. */
    private long length(String what) throws IOException {
        long start = in.offset();
        int b = u8(what);
        switch (b >>> 6) {
            case 0:
                return b & 0x3f;
            case 1:
                return (b & 0x3f) << 8 | u8(what);
            case 2:
                if (b == 0x80) return be(4, what);
                if (b == 0x81) {
                    long v = be(8, what);
                    if (v < 0) throw error(BAD_LENGTH, start, what + ": 64-bit length " + Long.toUnsignedString(v) + " is out of range");
                    return v;
                }
                throw error(BAD_LENGTH, start, what + ": expected a length, found prefix byte 0x" + Integer.toHexString(b));
            default:
                throw error(BAD_LENGTH, start, what + ": expected a length, found special-encoding byte 0x" + Integer.toHexString(b));
        }
    }

    private int boundedLength(String what, int max) throws IOException {
        long start = in.offset();
        long len = length(what);
        if (len > max) throw error(LIMIT_EXCEEDED, start, what + " of " + len + " bytes exceeds the limit of " + max);
        if (len > in.remainingBound()) throw error(TRUNCATED, start, what + " of " + len + " bytes is longer than the " + in.remainingBound() + " bytes left");
        return (int) len;
    }

    /**
     * Reads an RDB string into {@code out}: a view of the window, an integer, or LZF output held
     * by {@code out}. The view is valid until the next read.
     */
    private void string(StringRef out, String what, int max) throws IOException {
        long start = in.offset();
        int b = u8(what);
        int kind = b >>> 6;
        lastStringRaw = kind != 3;
        if (kind == 3) {
            switch (b & 0x3f) {
                case 0: out.setInteger((byte) u8(what)); return;
                case 1: out.setInteger((short) le(2, what)); return;
                case 2: out.setInteger((int) le(4, what)); return;
                case 3: lzf(out, what, max, start); return;
                default:
                    throw error(BAD_ENCODING, start, what + ": unknown string encoding 0x" + Integer.toHexString(b));
            }
        }
        in.pos--; // re-read as a length
        int len = boundedLength(what, max);
        need(len, what);
        out.setBytes(in.a, in.pos, len);
        in.pos += len;
    }

    private void lzf(StringRef out, String what, int max, long start) throws IOException {
        long clen = length(what + " (compressed length)");
        long ulen = length(what + " (uncompressed length)");
        if (ulen > max) throw error(LIMIT_EXCEEDED, start, what + ": LZF string of " + ulen + " bytes exceeds the limit of " + max);
        if (clen > in.remainingBound()) throw error(TRUNCATED, start, what + ": LZF data of " + clen + " bytes is longer than the " + in.remainingBound() + " bytes left");
        if (clen == 0 || ulen > clen * Lzf.MAX_EXPANSION + 1) {
            throw error(LZF_FAILURE, start, what + ": " + clen + " compressed bytes cannot expand to " + ulen);
        }
        need((int) clen, what + " (LZF data)");
        byte[] dst = out.ownedBuffer((int) ulen + Lzf.SLACK);
        String problem = Lzf.decompress(in.a, in.pos, (int) clen, dst, (int) ulen);
        if (problem != null) throw error(LZF_FAILURE, start, what + ": " + problem);
        out.setBytes(dst, 0, (int) ulen);
        in.pos += (int) clen;
    }

    /**
     * Reads a string that must be an encoded blob (ziplist, listpack, ...). Plain blobs are decoded
     * in place in the window (nothing else is read until the blob is finished); LZF blobs are
     * decompressed into {@link #blob}.
     */
    private void readBlob(String what) throws IOException {
        blobOffset = in.offset();
        string(scratchRef, what, limits.maxStringLength());
        if (scratchRef.isInteger()) throw error(BAD_ENCODING, blobOffset, what + ": expected an encoded blob, found an integer");
        int len = scratchRef.length();
        blobArray = scratchRef.array();
        blobStart = scratchRef.offset();
        blobCompressed = blobArray != in.a;
        blobDataOffset = in.offset() - len;
        blobLength = len;
    }

    private RdbFormatException blobError(BlobException e) {
        String where = blobCompressed ? " (byte " + e.position + " of the decompressed blob)" : "";
        long at = blobCompressed ? blobOffset : blobDataOffset + e.position;
        return error(e.reason, at, e.getMessage() + where);
    }

    private double binaryDouble(String what) throws IOException {
        return Double.longBitsToDouble(le(8, what));
    }

    /** The text-encoded double of RDB type 3 and old files: length byte, or 253/254/255 for nan/inf/-inf. */
    private double textDouble(String what) throws IOException {
        long start = in.offset();
        int len = u8(what);
        if (len == 253) return Double.NaN;
        if (len == 254) return Double.POSITIVE_INFINITY;
        if (len == 255) return Double.NEGATIVE_INFINITY;
        need(len, what);
        String s = new String(in.a, in.pos, len, StandardCharsets.US_ASCII);
        in.pos += len;
        try {
            return parseScore(s);
        } catch (NumberFormatException e) {
            throw error(BAD_ENCODING, start, what + ": not a number: " + s);
        }
    }

    static double parseScore(String s) {
        switch (s) {
            case "inf": case "+inf": case "Infinity": case "+Infinity": return Double.POSITIVE_INFINITY;
            case "-inf": case "-Infinity": return Double.NEGATIVE_INFINITY;
            case "nan": return Double.NaN;
            default: return Double.parseDouble(s);
        }
    }

    private double scoreOf(StringRef ref, long at) throws RdbFormatException {
        if (ref.isInteger()) return ref.integer();
        byte[] a = ref.array();
        int off = ref.offset(), len = ref.length();
        double fast = fastDecimal(a, off, len);
        if (!Double.isNaN(fast)) return fast;
        String s = new String(a, off, len, StandardCharsets.US_ASCII);
        try {
            return parseScore(s);
        } catch (NumberFormatException e) {
            throw error(BAD_ENCODING, at, "zset score is not a number: " + StringRef.printable(a, off, len, 40));
        }
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

    /**
     * Exact parse of the common score text {@code [-]digits[.digits]} with at most 15 significant
     * digits (both the mantissa and 10^k are exact doubles, so one division rounds correctly);
     * NaN when the text needs the general parser.
     */
    static double fastDecimal(byte[] a, int off, int len) {
        if (len == 0 || len > 17) return Double.NaN;
        int i = off, end = off + len;
        boolean neg = false;
        if (a[i] == '-') {
            neg = true;
            if (++i == end) return Double.NaN;
        }
        long m = 0;
        int digits = 0, frac = -1;
        for (; i < end; i++) {
            int c = a[i];
            if (c >= '0' && c <= '9') {
                m = m * 10 + (c - '0');
                digits++;
                if (frac >= 0) frac++;
            } else if (c == '.' && frac < 0) {
                frac = 0;
            } else {
                return Double.NaN;
            }
        }
        if (digits == 0 || digits > 15 || frac == 0) return Double.NaN;
        double v = frac > 0 ? m / POW10[frac] : m;
        return neg ? -v : v;
    }

    private StreamId rawStreamId(String what) throws IOException {
        long ms = be(8, what);
        long seq = be(8, what);
        return new StreamId(ms, seq);
    }

    private StreamId lengthStreamId(String what) throws IOException {
        long ms = rawLength(what);
        long seq = rawLength(what);
        return new StreamId(ms, seq);
    }

    /** A length-encoded number that may use the full unsigned 64-bit range (stream ids). */
    private long rawLength(String what) throws IOException {
        long start = in.offset();
        int b = u8(what);
        switch (b >>> 6) {
            case 0: return b & 0x3f;
            case 1: return (b & 0x3f) << 8 | u8(what);
            case 2:
                if (b == 0x80) return be(4, what);
                if (b == 0x81) return be(8, what);
                // fall through
            default:
                throw error(BAD_LENGTH, start, what + ": expected a length, found prefix byte 0x" + Integer.toHexString(b));
        }
    }

    // ------------------------------------------------------------------ top level

    /** Advances to the next token. */
    public RdbToken next() throws IOException {
        switch (state) {
            case START:
                if (dumpPayload) return startDumpValue();
                readHeader();
                state = State.TOP;
                return token = RdbToken.HEADER;
            case TOP:
                return readTopLevel();
            case VALUE:
                tokenOffset = in.offset();
                if (skim) {
                    skimValue();
                } else if (nextElement()) {
                    return token = RdbToken.ELEMENT;
                }
                keyEndOffset = in.offset();
                state = dumpPayload ? State.DONE : State.TOP;
                return token = RdbToken.KEY_END;
            default:
                tokenOffset = in.offset();
                return token = RdbToken.END;
        }
    }

    private RdbToken startDumpValue() throws IOException {
        tokenOffset = 0;
        int type = u8("type byte");
        key = null;
        db = -1;
        expireAtMs = -1;
        lruIdle = -1;
        lfuFreq = -1;
        beginValue(type, 0);
        return token = RdbToken.KEY;
    }

    private void readHeader() throws IOException {
        tokenOffset = 0;
        if (!in.request(9)) throw error(BAD_HEADER, 0, "expected a 9-byte REDIS or VALKEY header, the input has " + in.available() + " bytes");
        byte[] a = in.a;
        int p = in.pos;
        String head = new String(a, p, 9, StandardCharsets.ISO_8859_1);
        if (head.startsWith("REDIS") && allDigits(head, 5)) {
            version = Integer.parseInt(head.substring(5));
            flavor = version >= 80 ? RdbFlavor.VALKEY : RdbFlavor.REDIS;
        } else if (head.startsWith("VALKEY") && allDigits(head, 6)) {
            version = Integer.parseInt(head.substring(6));
            flavor = RdbFlavor.VALKEY;
        } else {
            throw error(BAD_HEADER, 0, "expected REDIS<4 digits> or VALKEY<3 digits>, found " + StringRef.printable(a, p, 9, 9));
        }
        if (version < 1) throw error(BAD_HEADER, 5, "RDB version " + version + " does not exist");
        magic = head;
        in.pos += 9;
    }

    private static boolean allDigits(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    private RdbToken readTopLevel() throws IOException {
        long entryStart = in.offset();
        recordOffset = entryStart;
        key = null;
        expireAtMs = -1;
        expiryInSeconds = false;
        lruIdle = -1;
        lfuFreq = -1;
        while (true) {
            long opOffset = in.offset();
            int op = u8("record type");
            switch (op) {
                case RdbOpcode.EXPIRETIME_MS:
                    expireAtMs = le(8, "millisecond expiry");
                    expiryInSeconds = false;
                    continue;
                case RdbOpcode.EXPIRETIME:
                    expireAtMs = le(4, "second expiry") * 1000L;
                    expiryInSeconds = true;
                    continue;
                case RdbOpcode.IDLE:
                    lruIdle = length("LRU idle time");
                    continue;
                case RdbOpcode.FREQ:
                    lfuFreq = u8("LFU frequency");
                    continue;
                case RdbOpcode.KEY_META_OR_SLOT_IMPORT:
                    if (flavor == RdbFlavor.VALKEY) {
                        if (entryStart != opOffset) throw error(BAD_ENCODING, opOffset, "slot-import record between a key's prefixes and its type");
                        tokenOffset = opOffset;
                        string(scratchRef, "slot import job name", limits.maxKeyLength());
                        long ranges = length("slot import range count");
                        for (long i = 0; i < ranges; i++) {
                            length("slot range start");
                            length("slot range end");
                        }
                        return token = RdbToken.SLOT_IMPORT;
                    }
                    skipKeyMeta();
                    continue;
                default:
                    break;
            }
            if (entryStart != opOffset && op >= RdbOpcode.VALKEY_UPDATE) {
                throw error(BAD_ENCODING, opOffset, "expected a value type after expiry/LRU/LFU prefixes, found opcode " + op);
            }
            tokenOffset = opOffset;
            switch (op) {
                case RdbOpcode.EOF:
                    return readEof(opOffset);
                case RdbOpcode.SELECTDB: {
                    long d = length("database number");
                    if (d > Integer.MAX_VALUE) throw error(BAD_LENGTH, opOffset, "database number " + d + " is out of range");
                    db = (int) d;
                    return token = RdbToken.SELECT_DB;
                }
                case RdbOpcode.RESIZEDB:
                    resizeDbSize = length("RESIZEDB db size");
                    resizeExpiresSize = length("RESIZEDB expires size");
                    return token = RdbToken.RESIZE_DB;
                case RdbOpcode.AUX:
                    string(auxKey, "AUX key", limits.maxKeyLength());
                    auxKey.own();
                    string(auxValue, "AUX value", limits.maxStringLength());
                    auxValue.own();
                    return token = RdbToken.AUX;
                case RdbOpcode.MODULE_AUX: {
                    moduleId = rawLength("module id");
                    moduleName = moduleNameOf(moduleId);
                    long whenOp = length("module aux when-opcode");
                    if (whenOp != MODULE_OP_UINT) throw error(BAD_ENCODING, opOffset, "module aux for " + moduleName + ": expected when-opcode 2, found " + whenOp);
                    moduleWhen = length("module aux when");
                    skipModuleOpcodes("module aux " + moduleName);
                    return token = RdbToken.MODULE_AUX;
                }
                case RdbOpcode.FUNCTION2:
                    string(functionCode, "function library", limits.maxStringLength());
                    functionCode.own();
                    return token = RdbToken.FUNCTION;
                case RdbOpcode.FUNCTION_PRE_GA: {
                    // Redis 7.0 release candidates: name, engine, optional description, code.
                    string(scratchRef, "function name", limits.maxKeyLength());
                    string(scratchRef, "function engine", limits.maxKeyLength());
                    long hasDesc = length("function description flag");
                    if (hasDesc != 0) string(scratchRef, "function description", limits.maxStringLength());
                    string(functionCode, "function code", limits.maxStringLength());
                    functionCode.own();
                    return token = RdbToken.FUNCTION;
                }
                case RdbOpcode.SLOT_INFO:
                    slotId = length("slot id");
                    slotSize = length("slot size");
                    slotExpiresSize = length("slot expires size");
                    return token = RdbToken.SLOT_INFO;
                case RdbOpcode.VALKEY_UPDATE:
                    throw error(UNSUPPORTED, opOffset, "opcode 242 (Valkey forkless-save inline command) has no published format to read");
                default:
                    break;
            }
            tokenOffset = entryStart;
            string(scratchRef, "key", limits.maxKeyLength());
            key = scratchRef.toBytes();
            beginValue(op, opOffset);
            return token = RdbToken.KEY;
        }
    }

    /** Redis 8.6+ key metadata (opcode 243 in Redis files): class count, then per class a spec and module-style values. */
    private void skipKeyMeta() throws IOException {
        long classes = length("key metadata class count");
        for (long i = 0; i < classes; i++) {
            le(4, "key metadata class spec");
            skipModuleOpcodes("key metadata");
        }
    }

    private void skipModuleOpcodes(String what) throws IOException {
        while (true) {
            long at = in.offset();
            long op = length(what + " opcode");
            switch ((int) Math.min(op, 99)) {
                case MODULE_OP_EOF:
                    return;
                case MODULE_OP_SINT:
                case MODULE_OP_UINT:
                    rawLength(what + " integer");
                    break;
                case MODULE_OP_FLOAT:
                    le(4, what + " float");
                    break;
                case MODULE_OP_DOUBLE:
                    le(8, what + " double");
                    break;
                case MODULE_OP_STRING:
                    string(scratchRef, what + " string", limits.maxStringLength());
                    break;
                default:
                    throw error(BAD_ENCODING, at, what + ": unknown module opcode " + op);
            }
        }
    }

    static String moduleNameOf(long id) {
        char[] name = new char[9];
        for (int j = 0; j < 9; j++) {
            name[j] = MODULE_NAME_CHARSET[(int) ((id >>> (64 - 6 * (j + 1))) & 63)];
        }
        return new String(name);
    }

    private RdbToken readEof(long opOffset) throws IOException {
        eofOffset = opOffset;
        if (checksumStatus == ChecksumStatus.UNVERIFIABLE) {
            if (version >= 5) storedChecksum = le(8, "CRC64 checksum");
        } else if (version >= 5) {
            long computed = in.crcUpToHere();
            long stored = le(8, "CRC64 checksum");
            in.crcOff();
            storedChecksum = stored;
            computedChecksum = computed;
            if (stored == 0) checksumStatus = ChecksumStatus.DISABLED;
            else checksumStatus = stored == computed ? ChecksumStatus.OK : ChecksumStatus.MISMATCH;
        } else {
            in.crcOff();
            checksumStatus = ChecksumStatus.ABSENT;
        }
        state = State.DONE;
        return token = RdbToken.EOF;
    }

    // ------------------------------------------------------------------ values

    private void beginValue(int typeByte, long typeOffset) throws IOException {
        RdbEncoding enc = RdbEncoding.of(typeByte, flavor);
        if (enc == null) {
            throw error(UNKNOWN_TYPE, typeOffset, "unknown value type " + typeByte + " for " + flavor + " RDB version " + version);
        }
        encoding = enc;
        valueOffset = in.offset();
        elementCount = 0;
        containersOpened = 0;
        completedNodes = 0;
        completedNodesEnd = -1;
        sizeHint = -1;
        stringDone = false;
        blobKind = 0;
        state = State.VALUE;
        token = RdbToken.KEY; // so errors while opening the value name the key
        switch (enc) {
            case STRING:
                sizeHint = 1;
                break;
            case LIST_LINKED:
            case SET_PLAIN:
            case ZSET_TEXT_SCORES:
            case ZSET_2:
            case HASH_PLAIN:
            case HASH_2:
            case HASH_METADATA_PRE_GA:
                remaining = sizeHint = length("element count");
                break;
            case HASH_METADATA:
                hashMinExpire = le(8, "hash minimum field expiry");
                remaining = sizeHint = length("element count");
                break;
            case LIST_QUICKLIST:
            case LIST_QUICKLIST_2:
                nodesRemaining = length("quicklist node count");
                break;
            case HASH_LISTPACK_EX:
                hashMinExpire = le(8, "hash minimum field expiry");
                openBlob(2, "hash listpack");
                break;
            case HASH_LISTPACK_EX_PRE_GA:
            case HASH_LISTPACK:
            case ZSET_LISTPACK:
            case SET_LISTPACK:
                openBlob(2, enc.type().wireName() + " listpack");
                break;
            case LIST_ZIPLIST:
            case ZSET_ZIPLIST:
            case HASH_ZIPLIST:
                openBlob(1, enc.type().wireName() + " ziplist");
                break;
            case SET_INTSET:
                openBlob(3, "intset");
                if (!skim) sizeHint = intset.count();
                break;
            case HASH_ZIPMAP:
                openBlob(4, "zipmap");
                break;
            case STREAM_LISTPACKS:
            case STREAM_LISTPACKS_2:
            case STREAM_LISTPACKS_3:
                streamVersion = enc == RdbEncoding.STREAM_LISTPACKS ? 1 : enc == RdbEncoding.STREAM_LISTPACKS_2 ? 2 : 3;
                nodesRemaining = length("stream node count");
                nodeEntriesLeft = 0;
                streamNodesStart = in.offset();
                previousGroupName = null;
                groupPelSize = 0;
                streamPhase = StreamPhase.NODES;
                break;
            case MODULE_2:
                moduleId = rawLength("module id");
                moduleName = moduleNameOf(moduleId);
                break;
            case MODULE_PRE_GA:
                throw error(UNSUPPORTED, typeOffset, "module value of the Redis 4.0 release candidates (type 6) cannot be framed without the module");
            default:
                throw error(UNKNOWN_TYPE, typeOffset, "unhandled value type " + typeByte);
        }
    }

    private void openBlob(int kind, String what) throws IOException {
        if (skim) {
            skipString(what);
            return;
        }
        containersOpened++;
        readBlob(what);
        blobKind = kind;
        try {
            switch (kind) {
                case 1: ziplist.open(blobArray, blobStart, blobLength); break;
                case 2: listpack.open(blobArray, blobStart, blobLength); break;
                case 3: intset.open(blobArray, blobStart, blobLength); break;
                case 4: zipmap.open(blobArray, blobStart, blobLength); break;
                default: throw new IllegalStateException("blob kind " + kind);
            }
        } catch (BlobException e) {
            throw blobError(e);
        }
    }

    private boolean blobNext(StringRef out) throws RdbFormatException {
        try {
            switch (blobKind) {
                case 1: return ziplist.next(out);
                case 2: return listpack.next(out);
                case 3: return intset.next(out);
                default: throw new IllegalStateException("blob kind " + blobKind);
            }
        } catch (BlobException e) {
            throw blobError(e);
        }
    }

    private boolean blobNextRequired(StringRef out, String what) throws RdbFormatException {
        if (!blobNext(out)) {
            throw error(blobKind == 1 ? RdbFormatException.Reason.INVALID_ZIPLIST : RdbFormatException.Reason.INVALID_LISTPACK,
                    blobOffset, "odd number of elements: " + what + " missing at the end");
        }
        return true;
    }

    private boolean nextElement() throws IOException {
        boolean more = decodeElement();
        if (more) elementCount++;
        return more;
    }

    private boolean decodeElement() throws IOException {
        fieldExpireAtMs = -1;
        switch (encoding) {
            case STRING:
                if (stringDone) return false;
                string(item, "string value", limits.maxStringLength());
                stringDone = true;
                elementKind = ElementKind.STRING_VALUE;
                return true;
            case LIST_LINKED:
            case SET_PLAIN:
                if (remaining == 0) return false;
                remaining--;
                string(item, "element", limits.maxStringLength());
                elementKind = encoding == RdbEncoding.LIST_LINKED ? ElementKind.LIST_ITEM : ElementKind.SET_MEMBER;
                return true;
            case ZSET_TEXT_SCORES:
            case ZSET_2:
                if (remaining == 0) return false;
                remaining--;
                string(item, "zset member", limits.maxStringLength());
                item.own();
                score = encoding == RdbEncoding.ZSET_2 ? binaryDouble("zset score") : textDouble("zset score");
                elementKind = ElementKind.ZSET_ENTRY;
                return true;
            case HASH_PLAIN:
                if (remaining == 0) return false;
                remaining--;
                string(item, "hash field", limits.maxStringLength());
                item.own();
                string(hashValue, "hash value", limits.maxStringLength());
                elementKind = ElementKind.HASH_ENTRY;
                return true;
            case HASH_2:
                if (remaining == 0) return false;
                remaining--;
                string(item, "hash field", limits.maxStringLength());
                item.own();
                string(hashValue, "hash value", limits.maxStringLength());
                hashValue.own();
                long ttl = le(8, "hash field expiry");
                fieldExpireAtMs = ttl < 0 ? -1 : ttl;
                elementKind = ElementKind.HASH_ENTRY;
                return true;
            case HASH_METADATA:
            case HASH_METADATA_PRE_GA: {
                if (remaining == 0) return false;
                remaining--;
                long at = in.offset();
                long t = rawLength("hash field TTL");
                long expireAt = encoding == RdbEncoding.HASH_METADATA ? (t != 0 ? t + hashMinExpire - 1 : 0) : t;
                if (Long.compareUnsigned(expireAt, 0x0000FFFFFFFFFFFFL) > 0) throw error(BAD_ENCODING, at, "hash field expiry " + Long.toUnsignedString(expireAt) + " is out of range");
                fieldExpireAtMs = expireAt == 0 ? -1 : expireAt;
                string(item, "hash field", limits.maxStringLength());
                item.own();
                string(hashValue, "hash value", limits.maxStringLength());
                elementKind = ElementKind.HASH_ENTRY;
                return true;
            }
            case LIST_ZIPLIST:
            case SET_INTSET:
            case SET_LISTPACK:
                if (!blobNext(item)) return false;
                elementKind = encoding.type() == RedisType.LIST ? ElementKind.LIST_ITEM : ElementKind.SET_MEMBER;
                return true;
            case ZSET_ZIPLIST:
            case ZSET_LISTPACK:
                if (!blobNext(item)) return false;
                blobNextRequired(scratchRef, "score");
                score = scoreOf(scratchRef, blobOffset);
                elementKind = ElementKind.ZSET_ENTRY;
                return true;
            case HASH_ZIPLIST:
            case HASH_LISTPACK:
                if (!blobNext(item)) return false;
                blobNextRequired(hashValue, "value");
                elementKind = ElementKind.HASH_ENTRY;
                return true;
            case HASH_LISTPACK_EX:
            case HASH_LISTPACK_EX_PRE_GA:
                if (!blobNext(item)) return false;
                blobNextRequired(hashValue, "value");
                blobNextRequired(scratchRef, "field TTL");
                if (!scratchRef.isInteger()) throw error(RdbFormatException.Reason.INVALID_LISTPACK, blobOffset, "hash field TTL is not an integer");
                fieldExpireAtMs = scratchRef.integer() == 0 ? -1 : scratchRef.integer();
                elementKind = ElementKind.HASH_ENTRY;
                return true;
            case HASH_ZIPMAP:
                try {
                    if (!zipmap.next(item, hashValue)) return false;
                } catch (BlobException e) {
                    throw blobError(e);
                }
                elementKind = ElementKind.HASH_ENTRY;
                return true;
            case LIST_QUICKLIST:
            case LIST_QUICKLIST_2:
                return nextQuicklistItem();
            case STREAM_LISTPACKS:
            case STREAM_LISTPACKS_2:
            case STREAM_LISTPACKS_3:
                return nextStreamElement();
            case MODULE_2:
                if (stringDone) return false;
                moduleValueStart = in.offset();
                skipModuleOpcodes("module " + moduleName + " value");
                moduleValueEnd = in.offset();
                stringDone = true;
                elementKind = ElementKind.MODULE_VALUE;
                return true;
            default:
                throw new IllegalStateException("encoding " + encoding);
        }
    }

    private boolean nextQuicklistItem() throws IOException {
        while (true) {
            if (blobKind == 5) {
                // A plain node holds exactly one element, already delivered.
                blobKind = 0;
            }
            if (blobKind != 0) {
                if (blobNext(item)) {
                    elementKind = ElementKind.LIST_ITEM;
                    return true;
                }
                blobKind = 0;
            }
            if (nodesRemaining == 0) return false;
            nodesRemaining--;
            if (encoding == RdbEncoding.LIST_QUICKLIST_2) {
                long at = in.offset();
                long container = length("quicklist node container");
                if (container == 1) {
                    containersOpened++;
                    readBlob("quicklist plain node");
                    item.setBytes(blobArray, blobStart, blobLength);
                    blobKind = 5;
                    elementKind = ElementKind.LIST_ITEM;
                    return true;
                }
                if (container != 2) throw error(BAD_ENCODING, at, "quicklist node container " + container + ", expected 1 (plain) or 2 (packed)");
                openBlob(2, "quicklist listpack node");
            } else {
                openBlob(1, "quicklist ziplist node");
            }
        }
    }

    private static StringRef[] ensureRefs(StringRef[] refs, int n) {
        if (refs.length >= n) return refs;
        StringRef[] grown = new StringRef[Math.max(n, refs.length * 2)];
        System.arraycopy(refs, 0, grown, 0, refs.length);
        for (int i = refs.length; i < grown.length; i++) grown[i] = new StringRef();
        return grown;
    }

    private long lpInt(String what) throws IOException {
        blobNextRequiredStream(scratchRef, what);
        if (scratchRef.isInteger()) return scratchRef.integer();
        String s = scratchRef.toString();
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw error(INVALID_STREAM, blobOffset, "stream " + what + " is not an integer: " + StringRef.printable(scratchRef.array(), scratchRef.offset(), scratchRef.length(), 40));
        }
    }

    private void blobNextRequiredStream(StringRef out, String what) throws RdbFormatException {
        if (!blobNext(out)) throw error(INVALID_STREAM, blobOffset, "stream listpack ends where the " + what + " was expected");
    }

    private boolean nextStreamElement() throws IOException {
        while (true) {
            switch (streamPhase) {
                case NODES:
                    if (nodeEntriesLeft > 0) {
                        if (readStreamEntry()) return true;
                        continue;
                    }
                    if (blobKind == 2) {
                        // All entries of the node read: the listpack must end here.
                        if (blobNext(scratchRef)) throw error(INVALID_STREAM, blobOffset, "stream listpack has elements after its last entry");
                        blobKind = 0;
                        completedNodes++;
                        completedNodesEnd = in.offset();
                        completedLastMs = lastSeenEntryMs;
                        completedLastSeq = lastSeenEntrySeq;
                    }
                    if (nodesRemaining == 0) {
                        streamPhase = StreamPhase.META;
                        continue;
                    }
                    nodesRemaining--;
                    openStreamNode();
                    continue;
                case META:
                    streamLength = length("stream length");
                    streamLastId = lengthStreamId("stream last id");
                    if (streamVersion >= 2) {
                        streamFirstId = lengthStreamId("stream first id");
                        streamMaxDeletedId = lengthStreamId("stream max deleted id");
                        streamEntriesAdded = rawLength("stream entries added");
                    } else {
                        streamFirstId = null;
                        streamMaxDeletedId = null;
                        streamEntriesAdded = -1;
                    }
                    groupsLeft = length("stream consumer group count");
                    streamPhase = StreamPhase.GROUPS;
                    elementKind = ElementKind.STREAM_META;
                    return true;
                case GROUPS:
                    if (groupsLeft == 0) {
                        streamPhase = StreamPhase.DONE;
                        continue;
                    }
                    groupsLeft--;
                    long groupAt = in.offset();
                    string(groupName, "consumer group name", limits.maxKeyLength());
                    groupName.own();
                    previousGroupName = ascendingName(previousGroupName, groupName, groupAt, "consumer group");
                    previousConsumerName = null;
                    groupPelSize = 0;
                    groupLastId = lengthStreamId("consumer group last id");
                    groupEntriesRead = streamVersion >= 2 ? rawLength("consumer group entries read") : -1;
                    pendingCount = pelLeft = length("consumer group pending count");
                    streamPhase = StreamPhase.GROUP_PEL;
                    elementKind = ElementKind.STREAM_GROUP;
                    return true;
                case GROUP_PEL:
                    if (pelLeft == 0) {
                        consumersLeft = length("consumer count");
                        streamPhase = StreamPhase.CONSUMERS;
                        continue;
                    }
                    pelLeft--;
                    long pelAt = in.offset();
                    pendingId = rawStreamId("pending entry id");
                    // Servers write a pending list in id order; Redis refuses to load a repeated id.
                    if (groupPelSize > 0 && compareId(pendingId, groupPel[2 * groupPelSize - 2], groupPel[2 * groupPelSize - 1]) <= 0) {
                        throw error(INVALID_STREAM, pelAt, "consumer group pending id " + pendingId + " repeats or is out of order");
                    }
                    if (2 * groupPelSize + 2 > groupPel.length) groupPel = java.util.Arrays.copyOf(groupPel, groupPel.length * 2);
                    groupPel[2 * groupPelSize] = pendingId.ms();
                    groupPel[2 * groupPelSize + 1] = pendingId.seq();
                    groupPelSize++;
                    deliveryTimeMs = le(8, "pending entry delivery time");
                    deliveryCount = length("pending entry delivery count");
                    elementKind = ElementKind.STREAM_GROUP_PENDING;
                    return true;
                case CONSUMERS:
                    if (consumersLeft == 0) {
                        streamPhase = StreamPhase.GROUPS;
                        continue;
                    }
                    consumersLeft--;
                    long consumerAt = in.offset();
                    string(consumerName, "consumer name", limits.maxKeyLength());
                    consumerName.own();
                    previousConsumerName = ascendingName(previousConsumerName, consumerName, consumerAt, "consumer");
                    consumerPelLast = null;
                    seenTimeMs = le(8, "consumer seen time");
                    activeTimeMs = streamVersion >= 3 ? le(8, "consumer active time") : -1;
                    pendingCount = pelLeft = length("consumer pending count");
                    streamPhase = StreamPhase.CONSUMER_PEL;
                    elementKind = ElementKind.STREAM_CONSUMER;
                    return true;
                case CONSUMER_PEL:
                    if (pelLeft == 0) {
                        streamPhase = StreamPhase.CONSUMERS;
                        continue;
                    }
                    pelLeft--;
                    long idAt = in.offset();
                    pendingId = rawStreamId("consumer pending id");
                    // Each id a consumer holds must be pending in its group (Redis refuses the file otherwise).
                    if (consumerPelLast != null && pendingId.compareTo(consumerPelLast) <= 0) {
                        throw error(INVALID_STREAM, idAt, "consumer pending id " + pendingId + " repeats or is out of order");
                    }
                    if (!inGroupPel(pendingId)) throw error(INVALID_STREAM, idAt, "consumer pending id " + pendingId + " is not pending in its group");
                    consumerPelLast = pendingId;
                    elementKind = ElementKind.STREAM_CONSUMER_PENDING;
                    return true;
                default:
                    return false;
            }
        }
    }

    /** The name, kept, when it sorts after the previous one (servers write groups and consumers in name order). */
    private byte[] ascendingName(byte[] previous, StringRef name, long at, String what) throws RdbFormatException {
        byte[] b = name.toBytes();
        if (previous != null && java.util.Arrays.compareUnsigned(previous, b) >= 0) {
            throw error(INVALID_STREAM, at, what + " name " + StringRef.printable(b, 0, b.length, 40) + " repeats or is out of order");
        }
        return b;
    }

    private static int compareId(StreamId id, long ms, long seq) {
        int c = Long.compareUnsigned(id.ms(), ms);
        return c != 0 ? c : Long.compareUnsigned(id.seq(), seq);
    }

    private boolean inGroupPel(StreamId id) {
        int lo = 0, hi = groupPelSize - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = compareId(id, groupPel[2 * mid], groupPel[2 * mid + 1]);
            if (c == 0) return true;
            if (c > 0) lo = mid + 1;
            else hi = mid - 1;
        }
        return false;
    }

    private void openStreamNode() throws IOException {
        long at = in.offset();
        string(scratchRef, "stream node master id", 16);
        if (scratchRef.isInteger() || scratchRef.length() != 16) throw error(INVALID_STREAM, at, "stream node key must be a 16-byte id, found " + (scratchRef.isInteger() ? "an integer" : scratchRef.length() + " bytes"));
        byte[] a = scratchRef.array();
        int o = scratchRef.offset();
        long ms = 0, seq = 0;
        for (int i = 0; i < 8; i++) ms = ms << 8 | (a[o + i] & 0xffL);
        for (int i = 8; i < 16; i++) seq = seq << 8 | (a[o + i] & 0xffL);
        masterId = new StreamId(ms, seq);
        openBlob(2, "stream listpack");
        long count = lpInt("master entry count");
        long deleted = lpInt("master deleted count");
        long fields = lpInt("master field count");
        if (count < 0 || deleted < 0 || fields < 0 || fields > blobLength) throw error(INVALID_STREAM, blobOffset, "stream master entry has impossible counts " + count + "/" + deleted + "/" + fields);
        masterFieldCount = (int) fields;
        masterFields = ensureRefs(masterFields, masterFieldCount);
        for (int i = 0; i < masterFieldCount; i++) {
            blobNextRequiredStream(masterFields[i], "master field");
        }
        long terminator = lpInt("master entry terminator");
        if (terminator != 0) throw error(INVALID_STREAM, blobOffset, "stream master entry must end with 0, found " + terminator);
        nodeEntriesLeft = count + deleted;
        if (nodeEntriesLeft == 0) throw error(INVALID_STREAM, blobOffset, "stream node holds no entries");
    }

    /** Reads one entry of the current node; false when it was a deleted one (skipped). */
    private boolean readStreamEntry() throws IOException {
        nodeEntriesLeft--;
        long flags = lpInt("entry flags");
        long msDiff = lpInt("entry ms delta");
        long seqDiff = lpInt("entry seq delta");
        int n;
        if ((flags & STREAM_ITEM_FLAG_SAMEFIELDS) != 0) {
            n = masterFieldCount;
            entryFields = ensureRefs(entryFields, n);
            entryValues = ensureRefs(entryValues, n);
            for (int i = 0; i < n; i++) {
                StringRef f = masterFields[i];
                if (f.isInteger()) entryFields[i].setInteger(f.integer());
                else entryFields[i].setBytes(f.array(), f.offset(), f.length());
                blobNextRequiredStream(entryValues[i], "entry value");
            }
        } else {
            long fields = lpInt("entry field count");
            if (fields < 0 || fields > blobLength) throw error(INVALID_STREAM, blobOffset, "stream entry field count " + fields + " is impossible");
            n = (int) fields;
            entryFields = ensureRefs(entryFields, n);
            entryValues = ensureRefs(entryValues, n);
            for (int i = 0; i < n; i++) {
                blobNextRequiredStream(entryFields[i], "entry field");
                blobNextRequiredStream(entryValues[i], "entry value");
            }
        }
        long lpCount = lpInt("entry element count");
        long expected = (flags & STREAM_ITEM_FLAG_SAMEFIELDS) != 0 ? n + 3 : 2L * n + 4;
        if (lpCount != expected) throw error(INVALID_STREAM, blobOffset, "stream entry back-count " + lpCount + ", expected " + expected);
        lastSeenEntryMs = masterId.ms() + msDiff;
        lastSeenEntrySeq = masterId.seq() + seqDiff;
        if ((flags & STREAM_ITEM_FLAG_DELETED) != 0) return false;
        entryFieldCount = n;
        streamId = new StreamId(lastSeenEntryMs, lastSeenEntrySeq);
        elementKind = ElementKind.STREAM_ENTRY;
        return true;
    }

    /**
     * Skim mode: values are walked by their framing only (lengths, counts, opcodes) and no ELEMENT
     * tokens are produced; LZF data and encoded blobs are not decoded. Every byte still goes
     * through the CRC64, so a file whose checksum matches is proven intact at a fraction of the
     * cost of a full decode. Takes effect from the next key.
     */
    public RdbReader skim(boolean on) {
        this.skim = on;
        return this;
    }

    private void skipString(String what) throws IOException {
        long start = in.offset();
        int b = u8(what);
        if (b >>> 6 == 3) {
            switch (b & 0x3f) {
                case 0: skipBytes(1, what); return;
                case 1: skipBytes(2, what); return;
                case 2: skipBytes(4, what); return;
                case 3: {
                    long clen = length(what + " (compressed length)");
                    long ulen = length(what + " (uncompressed length)");
                    if (ulen > limits.maxStringLength()) throw error(LIMIT_EXCEEDED, start, what + ": LZF string of " + ulen + " bytes exceeds the limit of " + limits.maxStringLength());
                    if (clen == 0 || ulen > clen * Lzf.MAX_EXPANSION + 1) throw error(LZF_FAILURE, start, what + ": " + clen + " compressed bytes cannot expand to " + ulen);
                    if (clen > in.remainingBound()) throw error(TRUNCATED, start, what + ": LZF data of " + clen + " bytes is longer than the " + in.remainingBound() + " bytes left");
                    skipBytes(clen, what);
                    return;
                }
                default:
                    throw error(BAD_ENCODING, start, what + ": unknown string encoding 0x" + Integer.toHexString(b));
            }
        }
        in.pos--;
        skipBytes(boundedLength(what, limits.maxStringLength()), what);
    }

    private void skipBytes(long n, String what) throws IOException {
        if (in.lim - in.pos >= n) {
            in.pos += (int) n;
        } else if (!in.skip(n)) {
            throw truncated(what);
        }
    }

    /** Walks the current value by its framing alone (see {@link #skim(boolean)}). */
    private void skimValue() throws IOException {
        switch (encoding) {
            case STRING -> skipString("string value");
            case LIST_LINKED, SET_PLAIN -> {
                for (; remaining > 0; remaining--) skipString("element");
            }
            case ZSET_TEXT_SCORES -> {
                for (; remaining > 0; remaining--) {
                    skipString("zset member");
                    int len = u8("zset score");
                    if (len < 253) skipBytes(len, "zset score");
                }
            }
            case ZSET_2 -> {
                for (; remaining > 0; remaining--) {
                    skipString("zset member");
                    skipBytes(8, "zset score");
                }
            }
            case HASH_PLAIN -> {
                for (; remaining > 0; remaining--) {
                    skipString("hash field");
                    skipString("hash value");
                }
            }
            case HASH_2 -> {
                for (; remaining > 0; remaining--) {
                    skipString("hash field");
                    skipString("hash value");
                    skipBytes(8, "hash field expiry");
                }
            }
            case HASH_METADATA, HASH_METADATA_PRE_GA -> {
                for (; remaining > 0; remaining--) {
                    rawLength("hash field TTL");
                    skipString("hash field");
                    skipString("hash value");
                }
            }
            case LIST_QUICKLIST, LIST_QUICKLIST_2 -> {
                for (; nodesRemaining > 0; nodesRemaining--) {
                    if (encoding == RdbEncoding.LIST_QUICKLIST_2) {
                        long at = in.offset();
                        long container = length("quicklist node container");
                        if (container != 1 && container != 2) throw error(BAD_ENCODING, at, "quicklist node container " + container + ", expected 1 (plain) or 2 (packed)");
                    }
                    skipString("quicklist node");
                }
            }
            case STREAM_LISTPACKS, STREAM_LISTPACKS_2, STREAM_LISTPACKS_3 -> {
                for (; nodesRemaining > 0; nodesRemaining--) {
                    skipString("stream node master id");
                    skipString("stream listpack");
                }
                streamPhase = StreamPhase.META;
                while (nextStreamElement()) {
                    // metadata, groups, pending entries and consumers are read (and checked) as usual
                }
            }
            case MODULE_2 -> skipModuleOpcodes("module " + moduleName + " value");
            default -> {
                // Blob encodings were read whole (and their headers checked) when the value was opened.
            }
        }
    }

    /** Consumes the rest of the current key's value (still validating it). */
    public void skipValue() throws IOException {
        while (state == State.VALUE) {
            next();
        }
    }

    // ------------------------------------------------------------------ accessors

    public RdbToken token() {
        return token;
    }

    /** Where the current token starts; for KEY, the first byte of its expiry/LRU/LFU prefixes. */
    public long tokenOffset() {
        return tokenOffset;
    }

    /**
     * Where the current top-level record began (for a key, its first prefix opcode); set as soon
     * as the record is entered, so it is valid in the error path too.
     */
    public long recordOffset() {
        return recordOffset;
    }

    /** Whether the last string read was stored as plain bytes (not an integer, not LZF). */
    public boolean lastStringRaw() {
        return lastStringRaw;
    }

    /**
     * After a key's value was read: whether it ends in bytes no structure check covers (raw string
     * bytes, a plain collection's last element, a stream's metadata, a module's opcodes), so that a
     * wrong length inside it could have run into foreign bytes unnoticed. See {@link RdbEncoding.Family}.
     */
    public boolean endsUnchecked() {
        return encoding.family() == RdbEncoding.Family.STRING ? lastStringRaw : encoding.family().endsUnchecked();
    }

    /** Whether the reader is inside a key's value (between KEY and KEY_END). */
    public boolean inValue() {
        return state == State.VALUE;
    }

    /** Absolute offset of the next unread byte. */
    public long offset() {
        return in.offset();
    }

    /** Input size when known, else -1. */
    public long size() {
        return in.size();
    }

    public String source() {
        return source;
    }

    public int version() {
        return version;
    }

    public RdbFlavor flavor() {
        return flavor;
    }

    /** The 9-byte header, or null for DUMP payloads. */
    public String magic() {
        return magic;
    }

    public int db() {
        return db;
    }

    public StringRef auxKey() {
        return auxKey;
    }

    public StringRef auxValue() {
        return auxValue;
    }

    public long resizeDbSize() {
        return resizeDbSize;
    }

    public long resizeExpiresSize() {
        return resizeExpiresSize;
    }

    public long slotId() {
        return slotId;
    }

    public long slotSize() {
        return slotSize;
    }

    public long slotExpiresSize() {
        return slotExpiresSize;
    }

    public StringRef functionCode() {
        return functionCode;
    }

    /** The library name from the code's shebang line ({@code #!lua name=mylib}), or "" when absent. */
    public String functionLibraryName() {
        String code = functionCode.toString();
        int nl = code.indexOf('\n');
        String first = nl < 0 ? code : code.substring(0, nl);
        for (String part : first.split("\\s+")) {
            if (part.startsWith("name=")) return part.substring(5);
        }
        return "";
    }

    /** Module name (9 characters) for MODULE_AUX and module values. */
    public String moduleName() {
        return moduleName;
    }

    /** Module encoding version (low 10 bits of the module id). */
    public int moduleVersion() {
        return (int) (moduleId & 1023);
    }

    public long moduleWhen() {
        return moduleWhen;
    }

    /** The current key's name (a fresh array per key), or null inside a DUMP payload. */
    public byte[] key() {
        return key;
    }

    public RedisType type() {
        return encoding.type();
    }

    public RdbEncoding encoding() {
        return encoding;
    }

    /** Absolute expiry in Unix ms, or -1. */
    public long expireAtMs() {
        return expireAtMs;
    }

    /** Whether the current key's expiry came in the old 4-byte seconds form (servers before 2.6). */
    public boolean expiryInSeconds() {
        return expiryInSeconds;
    }

    /** LRU idle seconds from the IDLE opcode, or -1. */
    public long lruIdle() {
        return lruIdle;
    }

    /** LFU counter from the FREQ opcode, or -1. */
    public int lfuFreq() {
        return lfuFreq;
    }

    /** Element count announced by the encoding when it states one up front, else -1. */
    public long sizeHint() {
        return sizeHint;
    }

    /** Offset of the current key's value (after the key name). */
    public long valueOffset() {
        return valueOffset;
    }

    /** After KEY_END: offset just past the value. */
    public long keyEndOffset() {
        return keyEndOffset;
    }

    /**
     * Encoded containers (ziplists, listpacks, quicklist nodes, stream nodes) opened so far for
     * the current key. Each is validated as a unit, so after damage the elements of containers
     * before the current one are known intact.
     */
    public int containersOpened() {
        return containersOpened;
    }

    /**
     * Decoded byte length of the container opened last (a ziplist, listpack, intset or zipmap, or
     * a quicklist plain node): the size of the block a server holds it in when it loads the value
     * as it is.
     */
    public int containerLength() {
        return blobLength;
    }

    /** Elements delivered so far for the current key. */
    public long elementCount() {
        return elementCount;
    }

    public ElementKind elementKind() {
        return elementKind;
    }

    /** String value, list item, set member, zset member or hash field. */
    public StringRef item() {
        return item;
    }

    public StringRef hashValue() {
        return hashValue;
    }

    public double score() {
        return score;
    }

    /** Hash field expiry in Unix ms (Redis 7.4+, Valkey 9), or -1. */
    public long fieldExpireAtMs() {
        return fieldExpireAtMs;
    }

    public StreamId streamId() {
        return streamId;
    }

    public int streamFieldCount() {
        return entryFieldCount;
    }

    public StringRef streamField(int i) {
        return entryFields[i];
    }

    public StringRef streamValue(int i) {
        return entryValues[i];
    }

    public long streamLength() {
        return streamLength;
    }

    public StreamId streamLastId() {
        return streamLastId;
    }

    /** Where the stream's first node begins (after its node count). */
    public long streamNodesStart() {
        return streamNodesStart;
    }

    /** Stream nodes read completely and found valid so far (the first ones of the value). */
    public int streamCompletedNodes() {
        return completedNodes;
    }

    /** Where the last completely read stream node ends; -1 before one was. */
    public long streamCompletedNodesEnd() {
        return completedNodesEnd;
    }

    /** Id of the last entry, deleted ones included, of the last completely read stream node. */
    public StreamId streamCompletedLastId() {
        return new StreamId(completedLastMs, completedLastSeq);
    }

    /** 1, 2 or 3: the stream encoding's metadata layout (first id, max deleted id, entries added from 2). */
    public int streamEncodingVersion() {
        return streamVersion;
    }

    /** Null for stream encoding v1. */
    public StreamId streamFirstId() {
        return streamFirstId;
    }

    /** Null for stream encoding v1. */
    public StreamId streamMaxDeletedId() {
        return streamMaxDeletedId;
    }

    /** -1 for stream encoding v1. */
    public long streamEntriesAdded() {
        return streamEntriesAdded;
    }

    public StringRef groupName() {
        return groupName;
    }

    public StreamId groupLastId() {
        return groupLastId;
    }

    /** -1 for stream encoding v1. */
    public long groupEntriesRead() {
        return groupEntriesRead;
    }

    /** Pending entries of the current group or consumer. */
    public long pendingCount() {
        return pendingCount;
    }

    public StreamId pendingId() {
        return pendingId;
    }

    public long deliveryTimeMs() {
        return deliveryTimeMs;
    }

    public long deliveryCount() {
        return deliveryCount;
    }

    public StringRef consumerName() {
        return consumerName;
    }

    public long seenTimeMs() {
        return seenTimeMs;
    }

    /** -1 before stream encoding v3. */
    public long activeTimeMs() {
        return activeTimeMs;
    }

    public long moduleValueStart() {
        return moduleValueStart;
    }

    public long moduleValueEnd() {
        return moduleValueEnd;
    }

    public ChecksumStatus checksumStatus() {
        return checksumStatus;
    }

    public long storedChecksum() {
        return storedChecksum;
    }

    public long computedChecksum() {
        return computedChecksum;
    }

    /** Offset of the EOF opcode, or -1 before it was reached. */
    public long eofOffset() {
        return eofOffset;
    }

    /** After EOF: whether bytes follow the trailer (an AOF tail, or garbage). */
    public boolean hasTrailingData() throws IOException {
        return !in.atEnd();
    }

    /** Bytes already buffered past the current position (for an AOF that follows a preamble). */
    public byte[] bufferedUnread() {
        return in.unread();
    }

    @Override
    public void close() throws IOException {
        in.release();
        if (closeable != null) closeable.close();
    }
}
