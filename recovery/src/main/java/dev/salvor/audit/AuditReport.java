package dev.salvor.audit;

import dev.salvor.check.CheckReport;
import dev.salvor.diff.DiffEngine;
import dev.salvor.diff.Difference;
import dev.salvor.diff.KeySample;
import dev.salvor.salvage.SalvageReport;
import dev.salvor.salvage.SalvageSummary;

import java.time.Instant;
import java.util.List;

/**
 * What an audit found: the backup's health, what salvage recovered when it is damaged, the
 * comparison with the restored server, and the verdict.
 *
 * @param salvage        salvage's report when the backup is damaged (its recovered keys were compared), else null
 * @param onlyDb         the database the server URL names (both sides restricted to it), or -1
 * @param sample         the share of keys audited (1: all)
 * @param backupSeen     backup keys the filters selected
 * @param backupSampled  of those, the ones sampled
 */
public record AuditReport(Instant generatedAt, String salvorVersion, boolean pass, CheckReport health, long checkMs,
                          DiffEngine.Report diff, SalvageReport salvage, int onlyDb, double sample, long backupSeen,
                          long backupSampled) {
    /** Differences listed by kind in the reports, at most. */
    public static final int SAMPLES = 50;

    /** Whether the backup's bytes are intact: no problem but empty collections (which the server drops on load). */
    public static boolean intact(CheckReport health) {
        return health.problems().stream().allMatch(p -> p.reason().equals("empty value"));
    }

    /** The backup's health in words: clean, intact with empty collections, or its problem count. */
    public String healthWords() {
        if (health.clean()) return "clean";
        long empty = health.problems().stream().filter(p -> p.reason().equals("empty value")).count();
        if (empty == health.problems().size()) return "intact; " + empty + " empty " + (empty == 1 ? "collection" : "collections") + " the server drops on load";
        return health.problems().size() + " problems";
    }

    /** What the sample proves, from the keys really sampled out of those the backup holds. */
    public String sampleStatement() {
        return KeySample.statement(backupSampled, backupSeen);
    }

    /** The verdict's reason in one line. */
    public String verdictLine() {
        long n = diff.differences().stream().filter(diff::counted).count();
        long dropped = diff.differences().stream().filter(d -> d.kind() == Difference.Kind.DROPPED_ON_LOAD).count();
        String droppedNote = dropped == 0 || diff.strict() ? ""
                : " (" + dropped + (dropped == 1 ? " key" : " keys") + " of the backup the server drops on load: empty or expired; --strict counts them)";
        if (intact(health)) return (n == 0 ? "the server holds exactly what the backup held" : n + " keys differ") + droppedNote;
        List<String> losses = salvage == null ? List.of() : SalvageSummary.lossLines(salvage);
        return "the backup itself is damaged" + (losses.isEmpty() ? "" : " (" + losses.get(0) + ")")
                + "; of what could be read from it, " + (n == 0 ? "the server holds every key as it was" : n + " keys differ") + droppedNote;
    }

    /** A kind of difference in an audit's words: the backup is A, the restored server B. */
    public static String label(String kind) {
        return switch (kind) {
            case "only_in_a" -> "missing on server";
            case "only_in_b" -> "extra on server";
            case "dropped_on_load" -> "dropped on load";
            default -> kind.replace('_', ' ');
        };
    }
}
