package dev.salvor.salvage;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.salvor.export.RedisStrings;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/** Writes a {@link SalvageReport} as {@code OUT.report.json}. */
public final class SalvageReportJson {
    private static final JsonFactory JSON = new JsonFactory();

    private SalvageReportJson() {
    }

    public static void write(SalvageReport r, List<QuarantineWriter.Entry> quarantine, String quarantineFile,
                             String repairedFile, List<String> notes, OutputStream out) throws IOException {
        write(r, quarantine, quarantineFile, repairedFile, notes, List.of(), out);
    }

    /** A damaged compressed block salvage read past, and where its compressed bytes went in the quarantine file. */
    public record LostBlockEntry(dev.salvor.io.LostBlock block, String where, long quarantineOffset, long bytesKept) {
    }

    /** As above, with the damaged compressed blocks the decompression went past ({@code compressed_blocks_lost}). */
    public static void write(SalvageReport r, List<QuarantineWriter.Entry> quarantine, String quarantineFile,
                             String repairedFile, List<String> notes, List<LostBlockEntry> lostBlocks, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.useDefaultPrettyPrinter();
            writeObject(g, r, quarantine, quarantineFile, repairedFile, notes, lostBlocks);
        }
    }

    /** The report as one JSON object on {@code g} (also nested in other reports, e.g. an AOF's salvaged preamble). */
    public static void writeObject(JsonGenerator g, SalvageReport r, List<QuarantineWriter.Entry> quarantine, String quarantineFile,
                                   String repairedFile, List<String> notes) throws IOException {
        writeObject(g, r, quarantine, quarantineFile, repairedFile, notes, List.of());
    }

    private static void writeObject(JsonGenerator g, SalvageReport r, List<QuarantineWriter.Entry> quarantine, String quarantineFile,
                                    String repairedFile, List<String> notes, List<LostBlockEntry> lostBlocks) throws IOException {
        {
            g.writeStartObject();
            g.writeStringField("source", r.source());
            g.writeNumberField("size_bytes", r.sizeBytes());
            g.writeNumberField("rdb_version", r.version());
            g.writeStringField("flavor", r.flavor().name().toLowerCase(Locale.ROOT));
            g.writeBooleanField("header_damaged", r.headerDamaged());
            g.writeStringField("checksum", r.checksum().name().toLowerCase(Locale.ROOT));
            g.writeBooleanField("reached_eof", r.reachedEof());
            g.writeObjectFieldStart("counts");
            counts(g, r, false);
            g.writeEndObject();
            if (repairedFile != null) g.writeStringField("repaired_file", repairedFile);
            if (quarantineFile != null) g.writeStringField("quarantine_file", quarantineFile);
            if (!lostBlocks.isEmpty()) {
                g.writeArrayFieldStart("compressed_blocks_lost");
                for (LostBlockEntry e : lostBlocks) {
                    g.writeStartObject();
                    g.writeNumberField("compressed_start", e.block().compressedStart());
                    g.writeNumberField("compressed_end", e.block().compressedEnd());
                    g.writeStringField("compressed_in", e.where());
                    g.writeNumberField("decompressed_at", e.block().decompressedAt());
                    g.writeBooleanField("to_end", e.block().toEnd());
                    g.writeStringField("reason", e.block().why());
                    g.writeNumberField("quarantine_offset", e.quarantineOffset());
                    g.writeNumberField("quarantine_bytes", e.bytesKept());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            regions(g, r.regions(), quarantine);
            keys(g, "partial_keys", r.partialKeys());
            keys(g, "expiry_unknown_keys", r.expiryUnknownKeys());
            g.writeArrayFieldStart("assumed_db");
            for (SalvageReport.AssumedDb a : r.assumedDbs()) {
                g.writeStartObject();
                g.writeNumberField("from", a.from());
                g.writeNumberField("to", a.to());
                g.writeNumberField("db", a.db());
                g.writeNumberField("keys", a.keys());
                g.writeEndObject();
            }
            g.writeEndArray();
            keys(g, "unverified_keys", r.unverifiedKeys());
            keys(g, "doubtful_keys", r.doubtfulKeys());
            keys(g, "lost_keys", r.lostKeys());
            losses(g, r.losses());
            g.writeArrayFieldStart("notes");
            for (String n : notes) g.writeString(n);
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /**
     * What {@code salvor salvage --json} prints: the files written and the counts of the report
     * ({@code file_ends_at} among them when the file was cut off), one pretty-printed object.
     */
    public static void writeSummary(Writer out, SalvageReport r, String file, String repairedFile, String reportFile) throws IOException {
        writeSummary(out, r, file, repairedFile, reportFile, 0);
    }

    /** As above, with how many damaged compressed blocks the decompression went past (not clean when any). */
    public static void writeSummary(Writer out, SalvageReport r, String file, String repairedFile, String reportFile, int lostBlocks) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("file", file);
            g.writeStringField("repaired_file", repairedFile);
            g.writeStringField("report_file", reportFile);
            counts(g, r, true);
            if (lostBlocks > 0) g.writeNumberField("compressed_blocks_lost", lostBlocks);
            g.writeBooleanField("clean", r.clean() && lostBlocks == 0);
            g.writeEndObject();
        }
    }

    /** The key and region counts, one field each; {@code fileEnd}: with the cut-off end of a truncated file. */
    private static void counts(JsonGenerator g, SalvageReport r, boolean fileEnd) throws IOException {
        g.writeNumberField("recovered", r.keysRecovered());
        g.writeNumberField("partial", r.keysPartial());
        g.writeNumberField("lost_at_least", r.losses().atLeast());
        g.writeNumberField("lost_named", r.losses().named());
        g.writeNumberField("lost_unnamed_at_least", r.losses().unnamedAtLeast());
        if (fileEnd && r.losses().truncated()) g.writeNumberField("file_ends_at", r.losses().fileEndsAt());
        g.writeNumberField("seen_in_damage", r.losses().seenInDamage().size());
        g.writeNumberField("expiry_unknown", r.expiryUnknownKeys().size());
        g.writeNumberField("doubtful", r.doubtfulKeys().size());
        g.writeNumberField("unverified", r.unverifiedKeys().size());
        g.writeNumberField("damaged_regions", r.regions().size());
        g.writeNumberField("damaged_bytes", r.bytesDamaged());
    }

    /** The damaged regions as a "regions" array (with each one's place in the quarantine file when given). */
    public static void regions(JsonGenerator g, List<CorruptRegion> regions, List<QuarantineWriter.Entry> quarantine) throws IOException {
        g.writeArrayFieldStart("regions");
        for (int i = 0; i < regions.size(); i++) {
            CorruptRegion c = regions.get(i);
            g.writeStartObject();
            g.writeNumberField("start", c.start());
            g.writeNumberField("end", c.end());
            g.writeNumberField("length", c.length());
            g.writeNumberField("error_offset", c.errorOffset());
            g.writeStringField("reason", c.reason());
            g.writeStringField("detail", c.detail());
            g.writeBooleanField("truncated_tail", c.truncation());
            key(g, "last_good_key", c.lastGoodKey());
            key(g, "first_good_key", c.firstGoodKey());
            key(g, "lost_key", c.lostKey());
            if (quarantine != null && i < quarantine.size()) g.writeNumberField("quarantine_offset", quarantine.get(i).quarantineOffset());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Every bound on the losses: see {@link SalvageReport.Losses}. */
    public static void losses(JsonGenerator g, SalvageReport.Losses l) throws IOException {
        g.writeObjectFieldStart("losses");
        g.writeNumberField("at_least", l.atLeast());
        g.writeNumberField("named", l.named());
        g.writeNumberField("unnamed_at_least", l.unnamedAtLeast());
        // Recovered counts keys read whole; a partial key is counted apart, never in both.
        g.writeBooleanField("partial_in_recovered", false);
        if (l.truncated()) g.writeNumberField("file_ends_at", l.fileEndsAt());
        else g.writeNullField("file_ends_at");
        if (l.startLostTo() >= 0) g.writeNumberField("start_lost_to", l.startLostTo());
        else g.writeNullField("start_lost_to");
        g.writeArrayFieldStart("unknown");
        for (String u : SalvageSummary.unknowns(l)) g.writeString(u);
        g.writeEndArray();
        g.writeArrayFieldStart("databases");
        for (SalvageReport.DbCount d : l.databases()) {
            g.writeStartObject();
            g.writeNumberField("db", d.db());
            if (d.announced()) {
                g.writeNumberField("announced_keys", d.announcedKeys());
                g.writeNumberField("announced_expires", d.announcedExpires());
            } else {
                g.writeNullField("announced_keys");
                g.writeNullField("announced_expires");
            }
            g.writeNumberField("recovered", d.recovered());
            g.writeNumberField("recovered_expiring", d.recoveredExpiring());
            g.writeNumberField("partial", d.partial());
            g.writeNumberField("named_lost", d.namedLost());
            g.writeNumberField("lost_at_least", d.lostAtLeast());
            if (d.expiringLostAtLeast() >= 0) g.writeNumberField("expiring_lost_at_least", d.expiringLostAtLeast());
            else g.writeNullField("expiring_lost_at_least");
            if (d.onlyNonExpiring()) g.writeBooleanField("bound_counts_keys_without_expiry_only", true);
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeArrayFieldStart("seen_in_damage");
        for (SalvageReport.SeenKey k : l.seenInDamage()) {
            g.writeStartObject();
            g.writeNumberField("db", k.db());
            key(g, "key", k.key());
            g.writeNumberField("offset", k.offset());
            g.writeEndObject();
        }
        g.writeEndArray();
        if (l.seenLimited()) g.writeBooleanField("seen_in_damage_limited", true);
        names(g, "aux", l.aux());
        names(g, "functions", l.functions());
        g.writeEndObject();
    }

    private static void names(JsonGenerator g, String field, SalvageReport.Names n) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeArrayFieldStart("recovered");
        for (String s : n.recovered()) g.writeString(s);
        g.writeEndArray();
        g.writeArrayFieldStart("seen_in_damage");
        for (String s : n.seenInDamage()) g.writeString(s);
        g.writeEndArray();
        g.writeEndObject();
    }

    /** A list of key names as Redis strings. */
    private static void keys(JsonGenerator g, String field, List<byte[]> names) throws IOException {
        g.writeArrayFieldStart(field);
        for (byte[] k : names) RedisStrings.write(g, k);
        g.writeEndArray();
    }

    static void key(JsonGenerator g, String name, byte[] key) throws IOException {
        g.writeFieldName(name);
        if (key == null) g.writeNull();
        else RedisStrings.write(g, key);
    }
}
