package dev.salvor.rdb;

import dev.salvor.format.ByteWindow;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;
import static dev.salvor.rdb.RdbFormatException.Reason.BAD_HEADER;
import static dev.salvor.rdb.RdbFormatException.Reason.BAD_LENGTH;
import static dev.salvor.rdb.RdbFormatException.Reason.DUPLICATE_KEY;
import static dev.salvor.rdb.RdbFormatException.Reason.LIMIT_EXCEEDED;
import static dev.salvor.rdb.RdbFormatException.Reason.UNKNOWN_TYPE;
import static dev.salvor.rdb.RdbFormatException.Reason.UNSUPPORTED;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The records between keys: the header, AUX fields, SELECTDB and RESIZEDB, functions, module AUX
 * data, cluster slot records, the prefixes of a key (expiry, LRU, LFU, key metadata) up to its
 * type byte and name, and the EOF trailer with its checksum.
 */
final class TopLevelRecords {
    private final RdbInput in;
    private final RdbStrings strings;

    private final ProducerAssumption assumption;
    /** The hash templates declared so far (Redis 8.10), for the decoders of template hashes. */
    final HashTemplates templates = new HashTemplates();
    long templateId;
    int templateFields;
    int version;
    RdbFlavor flavor = RdbFlavor.REDIS;
    String magic;
    /** Decides the producer from the header; null when the header was not read (DUMP payloads, resumed reads). */
    private Producer.Detector detector;
    /** Whether a key was read: the numbering is settled by then. */
    private boolean keySeen;
    /** A key's prefixes were read and an AUX record came before its type (KeyDB's layout). */
    private boolean prefixesPending;
    /** Where the current key's first prefix is. */
    private long prefixStart;
    final StringRef auxKey = new StringRef();
    final StringRef auxValue = new StringRef();
    long resizeDbSize;
    long resizeExpiresSize;
    long slotId;
    long slotSize;
    long slotExpiresSize;
    final StringRef functionCode = new StringRef();
    String moduleName;
    long moduleId;
    long moduleWhen;

    // A key's prefixes, its type byte and name.
    /** Key metadata classes before the key (Redis 8.6+); Redis allows 7, more are framed but not kept. */
    final java.util.List<KeyMetadata> keyMetadata = new java.util.ArrayList<>();
    private static final int MAX_KEY_METADATA = 64;
    /** Dragonfly: the current key's flags (DF_MASK, 0 when none) and memcached flags. */
    long dragonflyMask;
    long memcachedFlags;
    /** Dragonfly's replication records outside keys (full-sync end, journal offset) read so far. */
    long dragonflyRecords;
    /** Redis Enterprise's RAM LRU (107) and slot number (121) records read so far. */
    long enterpriseRecords;
    long expireAtMs = -1;
    /** KeyDB: the key's MVCC stamp (an {@code mvcc-tstamp} AUX record right before it), or -1. */
    long mvccTimestamp = -1;
    private long pendingMvcc = -1;
    private static final byte[] MVCC_TSTAMP = "mvcc-tstamp".getBytes(StandardCharsets.US_ASCII);
    boolean expiryInSeconds;
    long lruIdle = -1;
    int lfuFreq = -1;
    int typeByte;
    long typeOffset;
    byte[] key;
    // Where the empty key was last read (db, record offset): zero bytes read as such keys.
    private int emptyKeyDb = Integer.MIN_VALUE;
    private long emptyKeyOffset = -1;

    // The trailer.
    ChecksumStatus checksumStatus = ChecksumStatus.NOT_REACHED;
    long storedChecksum;
    long computedChecksum;
    long eofOffset = -1;

    TopLevelRecords(RdbInput in, RdbStrings strings) {
        this(in, strings, ProducerAssumption.defaults());
    }

    TopLevelRecords(RdbInput in, RdbStrings strings, ProducerAssumption assumption) {
        this.in = in;
        this.strings = strings;
        this.assumption = assumption;
    }

    /**
     * The 9-byte magic: REDIS and four digits, or VALKEY and three; a version Salvor does not know
     * fails here, at its digits. The run's {@link ProducerAssumption} replaces what the header says
     * (and stands in for a header too damaged to read).
     */
    void readHeader() throws IOException {
        in.tokenOffset = 0;
        ByteWindow s = in.in;
        if (!s.request(9)) throw in.error(BAD_HEADER, 0, "expected a 9-byte REDIS or VALKEY header, the input has " + s.available() + " bytes");
        String head = new String(s.array(), s.position(), 9, StandardCharsets.ISO_8859_1);
        boolean valkeyMagic;
        int digitsAt;
        if (head.startsWith("REDIS") && allDigits(head, 5)) {
            valkeyMagic = false;
            digitsAt = 5;
        } else if (head.startsWith("VALKEY") && allDigits(head, 6)) {
            valkeyMagic = true;
            digitsAt = 6;
        } else if (assumption.any()) {
            valkeyMagic = assumption.producer() == RdbProducer.VALKEY;
            digitsAt = -1;
        } else {
            throw in.error(BAD_HEADER, 0, "expected REDIS<4 digits> or VALKEY<3 digits>, found " + StringRef.printable(s.array(), s.position(), 9, 9));
        }
        version = digitsAt < 0 ? assumption.versionWithoutHeader() : Integer.parseInt(head.substring(digitsAt));
        if (digitsAt >= 0 && version < 1) throw in.error(BAD_HEADER, digitsAt, "RDB version " + version + " does not exist");
        if (assumption.version() > 0) version = assumption.version();
        if (!Producer.supported(valkeyMagic, version)) {
            String what = digitsAt >= 0 && assumption.version() == 0 ? "RDB version " + version + " (" + head + ")" : "assumed RDB version " + version;
            throw in.error(UNSUPPORTED, Math.max(digitsAt, 0), what + " is not one Salvor reads (Redis 1 to " + Producer.REDIS_LATEST_VERSION
                    + ", up to Redis 8.10; Valkey " + Producer.VALKEY_FIRST_VERSION + " and " + Producer.VALKEY_LATEST_VERSION
                    + ", Valkey 9.0 and 9.2); --assume-version N reads it as version N");
        }
        detector = new Producer.Detector(valkeyMagic, version, assumption);
        flavor = detector.kind().flavorAt(version);
        // What is read is what the magic says; when an assumption replaced the header, the magic
        // of what is read instead (a repaired file gets a header that matches its records).
        magic = digitsAt >= 0 && assumption.version() == 0 ? head
                : flavor == RdbFlavor.VALKEY ? String.format("VALKEY%03d", version) : String.format("REDIS%04d", version);
        s.advance(9);
    }

    /**
     * A read resumed right after the magic: when the flavor is the one the magic alone gives (no
     * producer decided yet, none assumed), the AUX records about to be read decide it, as on the
     * first read.
     */
    void redetectFromHeader() {
        boolean valkeyMagic = flavor == RdbFlavor.VALKEY && version >= Producer.VALKEY_FIRST_VERSION;
        Producer.Detector d = new Producer.Detector(valkeyMagic, version, ProducerAssumption.defaults());
        if (d.kind().flavorAt(version) != flavor) return;
        detector = d;
        keySeen = false;
    }

    /** A key's prefixes were read and an AUX record came between them and its type. */
    boolean prefixesPending() {
        return prefixesPending;
    }

    /** Who wrote the file as far as the header read so far says; null for a DUMP payload or a resumed read. */
    Producer producer() {
        return detector == null ? null : detector.producer();
    }

    private static boolean allDigits(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return true;
    }

    /**
     * Reads the next top-level record. For a key, reads its prefixes, type byte and name and
     * returns {@link RdbToken#KEY}: the value is the caller's to read.
     */
    RdbToken read() throws IOException {
        long entryStart = in.offset();
        key = null;
        if (prefixesPending) {
            // A key's prefixes were read before an AUX record: they still apply to the key.
            in.recordOffset = prefixStart;
        } else {
            in.recordOffset = prefixStart = entryStart;
            keyMetadata.clear();
            dragonflyMask = 0;
            memcachedFlags = 0;
            expireAtMs = -1;
            expiryInSeconds = false;
            lruIdle = -1;
            lfuFreq = -1;
        }
        while (true) {
            long opOffset = in.offset();
            int op = in.u8("record type");
            switch (op) {
                case RdbOpcode.EXPIRETIME_MS:
                    expireAtMs = in.le(8, "millisecond expiry");
                    expiryInSeconds = false;
                    continue;
                case RdbOpcode.EXPIRETIME:
                    expireAtMs = in.le(4, "second expiry") * 1000L;
                    expiryInSeconds = true;
                    continue;
                case RdbOpcode.IDLE:
                    lruIdle = in.length("LRU idle time");
                    continue;
                case RdbOpcode.FREQ:
                    lfuFreq = in.u8("LFU frequency");
                    continue;
                case RdbOpcode.ENTERPRISE_RAM_LRU:
                case RdbOpcode.ENTERPRISE_SLOT_NUM:
                    // Redis Enterprise writes these among a key's prefixes; librdb reads one length
                    // and goes on to the type, as here. No other producer uses the bytes there.
                    if (flavor != RdbFlavor.REDIS) break;
                    in.length(op == RdbOpcode.ENTERPRISE_RAM_LRU ? "Redis Enterprise RAM LRU" : "Redis Enterprise slot number");
                    enterpriseRecords++;
                    continue;
                case RdbOpcode.DF_MASK:
                    // Dragonfly: key flags before a key (bit 0 sticky, bit 1 memcached flags, which
                    // follow as 4 more bytes); dragonfly rdb_load.cc Load, rdb_extensions.h.
                    if (flavor != RdbFlavor.DRAGONFLY) break;
                    dragonflyMask = in.le(4, "Dragonfly key flags");
                    if ((dragonflyMask & 2) != 0) memcachedFlags = in.le(4, "Dragonfly memcached flags");
                    continue;
                case RdbOpcode.DF_FULLSYNC_END:
                case RdbOpcode.DF_JOURNAL_OFFSET:
                    // Dragonfly's replication stream: the end of the full sync and the journal
                    // offset, 8 bytes each (rdb_load.cc: "ignore 8 bytes", FetchInt<uint64_t>).
                    // They belong to no key.
                    if (flavor != RdbFlavor.DRAGONFLY || prefixesPending || opOffset != entryStart) break;
                    in.skip(8, op == RdbOpcode.DF_JOURNAL_OFFSET ? "Dragonfly journal offset" : "Dragonfly full-sync end");
                    dragonflyRecords++;
                    entryStart = in.offset();
                    in.recordOffset = prefixStart = entryStart;
                    continue;
                case RdbOpcode.DF_COMPRESSED_ZSTD_BLOB_START:
                case RdbOpcode.DF_COMPRESSED_LZ4_BLOB_START:
                    // Dragonfly: ordinary records, compressed together (rdb_load.cc HandleCompressedBlob).
                    if (flavor != RdbFlavor.DRAGONFLY) break;
                    if (prefixesPending || opOffset != entryStart) throw in.error(BAD_ENCODING, opOffset, "compressed blob between a key's prefixes and its type");
                    if (in.inBlobContent()) {
                        throw in.error(BAD_ENCODING, opOffset, "a compressed blob inside a compressed blob (Dragonfly compresses the records it serialised, never a blob)");
                    }
                    in.tokenOffset = opOffset;
                    openBlob(op, opOffset);
                    return RdbToken.COMPRESSED_BLOB;
                case RdbOpcode.DF_COMPRESSED_BLOB_END:
                    // The opcode Dragonfly's loader appends to a blob's content (detail/decompress.cc):
                    // back to the file. Anywhere else it means nothing.
                    if (flavor != RdbFlavor.DRAGONFLY) break;
                    if (!in.inBlobContent()) throw in.error(UNKNOWN_TYPE, opOffset, "compressed-blob end (opcode 203) outside a compressed blob");
                    if (prefixesPending || opOffset != entryStart) throw in.error(BAD_ENCODING, opOffset, "the blob's content ends between a key's prefixes and its type");
                    if (in.in.available() != 0) {
                        throw in.error(BAD_ENCODING, opOffset, "opcode 203 (compressed-blob end) " + in.in.available()
                                + " bytes before the end of the decompressed content, where Dragonfly's loader requires it last");
                    }
                    in.leaveBlob();
                    entryStart = in.offset();
                    in.recordOffset = prefixStart = entryStart;
                    continue;
                case RdbOpcode.DF_JOURNAL_BLOB:
                case RdbOpcode.DF_VECTOR_INDEX:
                case RdbOpcode.DF_SHARD_DOC_INDEX:
                case RdbOpcode.DF_TAGGED_CHUNK:
                    if (flavor != RdbFlavor.DRAGONFLY) break;
                    throw in.error(UNKNOWN_TYPE, opOffset, "Dragonfly opcode " + op + " (" + RdbOpcode.dragonflyName(op) + ") is not one Salvor reads");
                case RdbOpcode.ENTERPRISE_GCAS:
                case RdbOpcode.ENTERPRISE_GFLAGS:
                    // No published layout: an unknown record, as any unknown byte is (salvage
                    // resynchronises past it), named for what it would be.
                    if (flavor != RdbFlavor.REDIS) break;
                    throw in.error(UNKNOWN_TYPE, opOffset, "opcode " + op + " (Redis Enterprise " + (op == RdbOpcode.ENTERPRISE_GCAS ? "GCAS" : "GFLAGS")
                            + ") has no published layout, so nothing after it can be framed (librdb names it and does not read it either)");
                case RdbOpcode.KEY_META_OR_SLOT_IMPORT:
                    if (flavor == RdbFlavor.VALKEY) {
                        if (entryStart != opOffset) throw in.error(BAD_ENCODING, opOffset, "slot-import record between a key's prefixes and its type");
                        in.tokenOffset = opOffset;
                        strings.read(strings.scratch, "slot import job name", in.constraints.maxKeySize());
                        long ranges = in.length("slot import range count");
                        for (long i = 0; i < ranges; i++) {
                            in.length("slot range start");
                            in.length("slot range end");
                        }
                        return RdbToken.SLOT_IMPORT;
                    }
                    readKeyMeta();
                    continue;
                default:
                    break;
            }
            boolean afterPrefixes = prefixesPending || entryStart != opOffset;
            if (afterPrefixes && op >= RdbOpcode.FIRST) {
                // KeyDB writes an AUX record (mvcc-tstamp) between a key's expiry and its type; every
                // server keeps the expiry for the next key across it. Nothing else comes between.
                if (op != RdbOpcode.AUX) throw in.error(BAD_ENCODING, opOffset, "expected a value type after expiry/LRU/LFU prefixes, found opcode " + op);
                prefixesPending = true;
            }
            in.tokenOffset = opOffset;
            switch (op) {
                case RdbOpcode.EOF:
                    if (in.inBlobContent()) throw in.error(BAD_ENCODING, opOffset, "EOF opcode inside a compressed blob's content");
                    return readEof(opOffset);
                case RdbOpcode.SELECTDB: {
                    long d = in.length("database number");
                    if (d > Integer.MAX_VALUE) throw in.error(BAD_LENGTH, opOffset, "database number " + d + " is out of range");
                    in.db = (int) d;
                    return RdbToken.SELECT_DB;
                }
                case RdbOpcode.RESIZEDB:
                    resizeDbSize = in.length("RESIZEDB db size");
                    resizeExpiresSize = in.length("RESIZEDB expires size");
                    return RdbToken.RESIZE_DB;
                case RdbOpcode.AUX:
                    strings.read(auxKey, "AUX key", in.constraints.maxKeySize());
                    auxKey.own();
                    strings.read(auxValue, "AUX value", in.constraints.maxStringSize());
                    auxValue.own();
                    // Producers name themselves in the header's AUX fields, before any byte whose
                    // meaning depends on them.
                    if (detector != null) {
                        String k = auxKey.toString();
                        if (Producer.Detector.identifies(k) && detector.aux(k, auxValue.toString()) && !keySeen) {
                            flavor = detector.kind().flavorAt(version);
                        }
                    }
                    // KeyDB writes each key's MVCC stamp (active replication) as this AUX record right
                    // before the key's type (KeyDB src/rdb.cpp rdbSaveKeyValuePair; its loader keeps
                    // it for the key loaded next).
                    if (auxKey.contentEquals(MVCC_TSTAMP)) pendingMvcc = parseMillis(auxValue.toString());
                    return RdbToken.AUX;
                case RdbOpcode.MODULE_AUX: {
                    moduleId = in.rawLength("module id");
                    moduleName = ModuleOpcodes.nameOf(moduleId);
                    long whenOp = in.length("module aux when-opcode");
                    if (whenOp != ModuleOpcodes.UINT) {
                        throw in.error(BAD_ENCODING, opOffset, "module aux for " + moduleName + ": expected when-opcode 2, found " + whenOp);
                    }
                    moduleWhen = in.length("module aux when");
                    ModuleOpcodes.skip(in, strings, "module aux " + moduleName);
                    return RdbToken.MODULE_AUX;
                }
                case RdbOpcode.FUNCTION2:
                    strings.read(functionCode, "function library", in.constraints.maxStringSize());
                    functionCode.own();
                    return RdbToken.FUNCTION;
                case RdbOpcode.FUNCTION_PRE_GA: {
                    // Redis 7.0 release candidates: name, engine, optional description, code.
                    strings.read(strings.scratch, "function name", in.constraints.maxKeySize());
                    strings.read(strings.scratch, "function engine", in.constraints.maxKeySize());
                    long hasDesc = in.length("function description flag");
                    if (hasDesc != 0) strings.read(strings.scratch, "function description", in.constraints.maxStringSize());
                    strings.read(functionCode, "function code", in.constraints.maxStringSize());
                    functionCode.own();
                    return RdbToken.FUNCTION;
                }
                case RdbOpcode.SLOT_INFO:
                    slotId = in.length("slot id");
                    slotSize = in.length("slot size");
                    slotExpiresSize = in.length("slot expires size");
                    return RdbToken.SLOT_INFO;
                case RdbOpcode.HASH_TEMPLATE:
                    if (flavor == RdbFlavor.REDIS) {
                        readHashTemplate(opOffset);
                        return RdbToken.HASH_TEMPLATE;
                    }
                    if (flavor == RdbFlavor.VALKEY) {
                        if (opOffset != entryStart) throw in.error(BAD_ENCODING, opOffset, "UPDATE command between a key's prefixes and its type");
                        readUpdate();
                        return RdbToken.COMMAND;
                    }
                    throw in.error(UNKNOWN_TYPE, opOffset, "opcode 242 means nothing to " + (producer() != null ? producer().label() : flavor.toString()));
                default:
                    break;
            }
            // The key's record begins at its first prefix, before any AUX record read among them.
            in.tokenOffset = prefixStart;
            prefixesPending = false;
            mvccTimestamp = pendingMvcc;
            pendingMvcc = -1;
            strings.read(strings.scratch, "key", in.constraints.maxKeySize());
            key = strings.scratch.toBytes();
            keySeen = true;
            typeByte = op;
            typeOffset = opOffset;
            if (key.length == 0) emptyKey(entryStart);
            return RdbToken.KEY;
        }
    }

    /** Valkey's UPDATE (242): the command's arguments, or empty outside one. */
    final java.util.List<byte[]> commandArgs = new java.util.ArrayList<>();

    /**
     * Valkey's UPDATE record (opcode 242, "inline replication command during forkless save",
     * valkey src/rdb.h): a RESP multibulk, not RDB-encoded ({@code *<argc>\r\n}, then per
     * argument {@code $<len>\r\n<bytes>\r\n}; writeReplicationData in Valkey's forkless save).
     * Counts and lengths are checked against the read limits before anything is allocated.
     */
    private void readUpdate() throws IOException {
        commandArgs.clear();
        long argc = respNumber('*', "UPDATE command argument count");
        if (argc < 1 || argc > in.constraints.maxArgc()) {
            throw in.error(BAD_LENGTH, in.tokenOffset, "UPDATE command: " + argc + " arguments (1 to " + in.constraints.maxArgc() + ")");
        }
        for (long i = 0; i < argc; i++) {
            long at = in.offset();
            long len = respNumber('$', "UPDATE command argument length");
            if (len > in.constraints.maxStringSize()) throw in.error(LIMIT_EXCEEDED, at, "UPDATE command argument of " + len + " bytes exceeds the limit of " + in.constraints.maxStringSize());
            if (len > in.in.remainingBound()) throw in.error(RdbFormatException.Reason.TRUNCATED, at, "UPDATE command argument of " + len + " bytes runs past the end of the input");
            byte[] arg = new byte[(int) len];
            ByteWindow s = in.in;
            int done = 0;
            while (done < len) {
                if (!s.request(1)) throw in.truncated("an UPDATE command argument");
                int take = (int) Math.min(len - done, s.available());
                System.arraycopy(s.array(), s.position(), arg, done, take);
                s.advance(take);
                done += take;
            }
            crlf("UPDATE command argument");
            commandArgs.add(arg);
        }
    }

    /** {@code <prefix><decimal>\r\n}, as RESP writes counts and lengths. */
    private long respNumber(char prefix, String what) throws IOException {
        long at = in.offset();
        int c = in.u8(what);
        if (c != prefix) throw in.error(BAD_ENCODING, at, what + ": expected '" + prefix + "', found byte 0x" + Integer.toHexString(c));
        long v = 0;
        int digits = 0;
        while (true) {
            int d = in.u8(what);
            if (d == '\r') break;
            if (d < '0' || d > '9' || digits == 18) throw in.error(BAD_ENCODING, at, what + ": not a decimal number");
            v = v * 10 + (d - '0');
            digits++;
        }
        if (digits == 0 || in.u8(what) != '\n') throw in.error(BAD_ENCODING, at, what + ": not a decimal number ended by CRLF");
        return v;
    }

    private void crlf(String what) throws IOException {
        long at = in.offset();
        if (in.u8(what) != '\r' || in.u8(what) != '\n') throw in.error(BAD_ENCODING, at, what + ": expected CRLF after it");
    }

    /**
     * A Dragonfly compressed blob: the frame as an RDB string (rdb_save.cc CompressBlob: opcode,
     * packed length, frame; rdb_load.cc HandleCompressedBlob reads it with FetchGenericString),
     * decompressed whole as Dragonfly's loader does (detail/decompress.cc), then read as a source
     * nested in the file until its end. The blob is known (its file extent) before it is
     * decompressed, so a frame that does not decompress is damage of that blob alone.
     */
    private void openBlob(int op, long opOffset) throws IOException {
        FrameDecompressor.Codec codec = op == RdbOpcode.DF_COMPRESSED_ZSTD_BLOB_START ? FrameDecompressor.Codec.ZSTD : FrameDecompressor.Codec.LZ4;
        String what = "Dragonfly " + codec + " compressed blob";
        strings.read(strings.scratch, what, in.constraints.maxStringSize());
        StringRef frame = strings.scratch;
        long end = in.offset();
        CompressedBlob framed = new CompressedBlob(codec, opOffset, end, in.db, null);
        in.blob = framed;
        FrameDecompressor d = FrameDecompressors.installed();
        if (d == null) {
            throw in.error(UNSUPPORTED, opOffset, what + " (frame of " + frame.length() + " bytes): no " + codec
                    + " decompressor on the class path (salvor-recovery provides one)");
        }
        byte[] content;
        try {
            content = d.decompress(codec, frame.array(), frame.offset(), frame.length(), in.constraints.maxStringSize());
        } catch (FrameDecompressor.FrameException e) {
            // A raw string's frame bytes are the file's: the place in the frame is a file offset.
            long at = e.frameOffset() >= 0 && strings.lastRaw ? end - frame.length() + e.frameOffset() : opOffset;
            throw in.error(e.limit() ? LIMIT_EXCEEDED : BAD_ENCODING, at, what + " at offset " + opOffset + " (frame of " + frame.length()
                    + " bytes) does not decompress: " + e.getMessage());
        }
        byte[] c = java.util.Arrays.copyOf(content, content.length + 1);
        c[content.length] = (byte) RdbOpcode.DF_COMPRESSED_BLOB_END;
        in.enterBlob(new CompressedBlob(codec, opOffset, end, in.db, c));
    }

    /**
     * A Redis 8.10 HASH_TEMPLATE record (librdb parser.c elementHashTemplate): the template id, the
     * field count (at least 1), then the field names in strictly ascending order (shorter first,
     * then by bytes). An id declared twice, no fields or unsorted fields are errors, as in Redis's
     * loader. The names are kept for the hashes that refer to the template; they are read one by
     * one, so a damaged count allocates nothing.
     */
    private void readHashTemplate(long opOffset) throws IOException {
        long id = in.rawLength("hash template id");
        long count = in.count("hash template field count");
        if (count == 0) throw in.error(BAD_ENCODING, opOffset, "hash template " + Long.toUnsignedString(id) + " has no fields");
        if (templates.has(id)) throw in.error(BAD_ENCODING, opOffset, "hash template " + Long.toUnsignedString(id) + " is declared twice");
        java.util.List<byte[]> fields = new java.util.ArrayList<>();
        for (long i = 0; i < count; i++) {
            long at = in.offset();
            strings.read(strings.scratch, "hash template field", in.constraints.maxKeySize());
            byte[] f = strings.scratch.toBytes();
            if (!fields.isEmpty() && !HashTemplates.inOrder(fields.get(fields.size() - 1), f)) {
                throw in.error(BAD_ENCODING, at, "hash template " + Long.toUnsignedString(id) + ": fields are not in strictly ascending order (by length, then bytes)");
            }
            fields.add(f);
        }
        templates.put(id, fields.toArray(new byte[0][]));
        templateId = id;
        templateFields = fields.size();
    }

    /**
     * Three zero bytes read as a record: the string "" named "". A run of zeros (a zeroed page, a
     * file padded or overwritten with zeros, an endless stream of them) is that record again and
     * again, which no server writes: a database holds each key once. The second empty key in one
     * database ends the read there, however long the run.
     */
    private void emptyKey(long entryStart) throws RdbFormatException {
        if (emptyKeyDb == in.db) {
            in.key = key;
            throw in.error(DUPLICATE_KEY, entryStart, "the empty key again in db " + in.db + " (first at offset " + emptyKeyOffset
                    + "): a database holds each key once, and a run of zero bytes reads as this record repeated");
        }
        emptyKeyDb = in.db;
        emptyKeyOffset = entryStart;
    }

    /**
     * Redis 8.6+ key metadata (opcode 243 in Redis files), before a key's type byte: the class
     * count, then per class its 4-byte spec and its value as module opcodes ending in EOF (redis
     * src/keymeta.c rdbSaveKeyMetadata; its loader skips a class it does not know the same way).
     */
    private void readKeyMeta() throws IOException {
        long classes = in.count("key metadata class count");
        for (long i = 0; i < classes; i++) {
            long spec = in.le(4, "key metadata class spec");
            long start = in.offset();
            ModuleOpcodes.skip(in, strings, "key metadata");
            if (keyMetadata.size() < MAX_KEY_METADATA) keyMetadata.add(KeyMetadata.of(spec, start, in.offset() - start));
        }
    }

    private static final byte[] SUBEXPIRE_KEY = "keydb-subexpire-key".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SUBEXPIRE_WHEN = "keydb-subexpire-when".getBytes(StandardCharsets.US_ASCII);

    /**
     * After a key's value: KeyDB's member expiries, AUX {@code keydb-subexpire-key} (the member)
     * and {@code keydb-subexpire-when} (its Unix ms as text) pairs (KeyDB src/rdb.cpp, written
     * after the value "as it will apply to the previously loaded key"). Only AUX records with
     * these names are taken; anything else is left for the next record.
     */
    void readMemberExpiries(java.util.List<MemberExpiry> out) throws IOException {
        while (auxNamed(SUBEXPIRE_KEY)) {
            long at = in.offset();
            in.skip(2 + SUBEXPIRE_KEY.length, "member expiry AUX key");
            strings.read(strings.scratch, "member expiry member", in.constraints.maxStringSize());
            byte[] member = strings.scratch.toBytes();
            long when = -1;
            if (auxNamed(SUBEXPIRE_WHEN)) {
                in.skip(2 + SUBEXPIRE_WHEN.length, "member expiry AUX key");
                strings.read(strings.scratch, "member expiry time", in.constraints.maxKeySize());
                when = parseMillis(strings.scratch.toString());
            }
            out.add(new MemberExpiry(member, when, at));
        }
    }

    /** Whether the next bytes are an AUX record whose key is {@code name}, stored plain (as every server writes so short a name). */
    private boolean auxNamed(byte[] name) throws IOException {
        ByteWindow s = in.in;
        int n = 2 + name.length;
        if (!s.request(n)) return false;
        byte[] a = s.array();
        int p = s.position();
        return (a[p] & 0xff) == RdbOpcode.AUX && (a[p + 1] & 0xff) == name.length
                && java.util.Arrays.equals(a, p + 2, p + n, name, 0, name.length);
    }

    /** A decimal Unix ms time as KeyDB writes it ("%lld"); -1 when the text is not one. */
    private static long parseMillis(String text) {
        try {
            long v = Long.parseLong(text);
            return v < 0 ? -1 : v;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private RdbToken readEof(long opOffset) throws IOException {
        eofOffset = opOffset;
        ByteWindow s = in.in;
        if (checksumStatus == ChecksumStatus.UNVERIFIABLE) {
            if (version >= 5) storedChecksum = in.le(8, "CRC64 checksum");
        } else if (version >= 5) {
            in.in.flushTap();
            long computed = in.crc.value();
            long stored = in.le(8, "CRC64 checksum");
            s.tap(null);
            storedChecksum = stored;
            computedChecksum = computed;
            checksumStatus = ChecksumStatus.of(version, stored, computed);
        } else {
            s.tap(null);
            checksumStatus = ChecksumStatus.ABSENT;
        }
        return RdbToken.EOF;
    }
}
