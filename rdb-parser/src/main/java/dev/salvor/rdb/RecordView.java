package dev.salvor.rdb;

import java.io.IOException;

/**
 * What a visitor sees of a top-level record (header, AUX field, SELECTDB, RESIZEDB, function,
 * module AUX data, slot records, the EOF trailer): read-only, valid until the walk moves on.
 */
public interface RecordView {
    RdbToken token();

    /** Where the record starts. */
    long tokenOffset();

    /**
     * Where the top-level record it belongs to began: its own start, except for an AUX field among
     * a key's prefixes (KeyDB writes them there), which belongs to the key's record.
     */
    long recordOffset();

    /** The Dragonfly compressed blob this was read from, or null (see {@link RdbReader#compressedBlob()}). */
    default CompressedBlob compressedBlob() {
        return null;
    }

    /** Absolute offset of the next unread byte. */
    long offset();

    /** Input size when known, else -1. */
    long size();

    String source();

    int version();

    RdbFlavor flavor();

    /** Who wrote the file as far as the header says; null for DUMP payloads and readers resumed mid-file. */
    Producer producer();

    /** The 9-byte header, or null for DUMP payloads and readers resumed mid-file. */
    String magic();

    int db();

    /** At {@link RdbToken#COMMAND}: the command's arguments; empty elsewhere. */
    default java.util.List<byte[]> commandArgs() {
        return java.util.List.of();
    }

    StringRef auxKey();

    StringRef auxValue();

    long resizeDbSize();

    long resizeExpiresSize();

    long slotId();

    long slotSize();

    long slotExpiresSize();

    StringRef functionCode();

    String functionLibraryName();

    String moduleName();

    int moduleVersion();

    long moduleWhen();

    ChecksumStatus checksumStatus();

    long storedChecksum();

    long computedChecksum();

    long eofOffset();

    /** After EOF: whether bytes follow the trailer. */
    boolean hasTrailingData() throws IOException;
}
