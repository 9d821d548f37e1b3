package dev.salvor.export;

/** Counts from one export run. */
public record ExportSummary(long keysWritten, long keysSkipped, long functions, long elements) {
}
