package dev.salvor.export;

/** Output layouts of an export. */
public enum ExportFormat {
    /** One JSON object per line (the documented format). */
    NDJSON,
    /** The same objects as one JSON array. */
    JSON,
    /** One line per key with its DUMP payload in base64 (what RESTORE takes). */
    DUMPS
}
