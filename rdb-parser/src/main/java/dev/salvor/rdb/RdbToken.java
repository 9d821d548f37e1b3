package dev.salvor.rdb;

/** What {@link RdbReader#next()} found. */
public enum RdbToken {
    /** The magic and version; see {@link RdbReader#version()} and {@link RdbReader#flavor()}. */
    HEADER,
    /** An AUX field: {@link RdbReader#auxKey()}, {@link RdbReader#auxValue()}. */
    AUX,
    /** SELECTDB: {@link RdbReader#db()}. */
    SELECT_DB,
    /** RESIZEDB hint: {@link RdbReader#resizeDbSize()}, {@link RdbReader#resizeExpiresSize()}. */
    RESIZE_DB,
    /** A Redis Functions library: {@link RdbReader#functionCode()}. */
    FUNCTION,
    /** Module auxiliary data: {@link RdbReader#moduleName()}. */
    MODULE_AUX,
    /** Cluster slot sizes (Redis 7.4+): {@link RdbReader#slotId()}. */
    SLOT_INFO,
    /** Valkey 9 slot import state; its content is skipped. */
    SLOT_IMPORT,
    /** A Redis 8.10 hash template: {@link RdbReader#hashTemplateId()}, {@link RdbReader#hashTemplateFields()}. */
    HASH_TEMPLATE,
    /**
     * A Dragonfly compressed blob ({@link RdbReader#compressedBlob()}): the records that follow,
     * up to the blob's end, are read from its decompressed content.
     */
    COMPRESSED_BLOB,
    /**
     * Valkey's UPDATE (opcode 242): a command the server replays while loading, written into the
     * replication stream of a forkless save: {@link RdbReader#commandArgs()}.
     */
    COMMAND,
    /** Start of a key: {@link RdbReader#key()}, {@link RdbReader#type()}, {@link RdbReader#expireAtMs()}... */
    KEY,
    /** One element of the current key's value; see {@link RdbReader#elementKind()}. */
    ELEMENT,
    /** End of the current key's value. */
    KEY_END,
    /** The EOF opcode and checksum: {@link RdbReader#checksumStatus()}. */
    EOF,
    /** Nothing more: after EOF, or the end of a DUMP payload. */
    END
}
