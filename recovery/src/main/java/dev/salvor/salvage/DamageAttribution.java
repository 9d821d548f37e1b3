package dev.salvor.salvage;

import dev.salvor.rdb.RdbFormatException;
import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * The damage attribution rules of salvage (README, "Salvage rules"): where a damaged region
 * starts, which key it took, whether the keys read just before it were sound, and whether it is a
 * truncation. One method per rule; {@link RdbSalvager} applies them when a read fails.
 */
final class DamageAttribution {
    /** Elements a value reads cleanly before its start is taken as proven. */
    static final int PROVEN_ELEMENTS = 8;

    private DamageAttribution() {
    }

    /** A key read before the damage, kept until damage could still implicate it. */
    record RecentKey(KeyLedger.KeyId id, byte[] key, long start, long end, int db, boolean expiring, boolean unchecked,
                     boolean plausible) {
    }

    /**
     * The error concerns a whole key that read cleanly (an all-zero page inside it, or a key
     * read twice), not the byte where a read failed.
     */
    static boolean keyLevel(RdbFormatException e) {
        return e.reason() == RdbFormatException.Reason.ZEROED_PAGE || e.reason() == RdbFormatException.Reason.DUPLICATE_KEY
                || e.reason() == RdbFormatException.Reason.MISSING_BYTES && e.key() != null;
    }

    /**
     * The key the damage took, or null: none when the read failed outside a key, and none for a
     * repeated key (a misread copy of one already recovered: nothing is lost with it).
     */
    static byte[] lostKey(RdbFormatException e, RdbReader failed) {
        if (e.reason() == RdbFormatException.Reason.DUPLICATE_KEY) return null;
        if (keyLevel(e)) return e.key();
        return failed.inValue() || failed.token() == RdbToken.KEY ? failed.key() : null;
    }

    /** A lost key counts by name only when it is one a server would write: otherwise it is a misaligned read, not a loss. */
    static boolean lostByName(RdbFormatException e, RdbReader failed, byte[] key) {
        if (key == null) return false;
        return keyLevel(e) ? WrittenByServer.name(key) : WrittenByServer.key(failed, failed.version());
    }

    /** The value was cut after some intact elements: its intact part may be kept (a partial key). */
    static boolean cutAfterElements(RdbFormatException e, RdbReader failed) {
        // Inside a Dragonfly compressed blob nothing can be read again from the key's start.
        return !keyLevel(e) && failed.inValue() && failed.elementCount() > 0 && failed.compressedBlob() == null;
    }

    /**
     * Rule "start proven": a record whose value already passed a self-checking container (two
     * quicklist nodes or listpacks, or a whole stream node), or read many elements under a text
     * name, started where it did: a misaligned start fails within a few bytes. The key before it
     * is then sound.
     */
    static boolean startProven(RdbReader failed) {
        return failed.inValue() && (failed.containersOpened() >= 2 || failed.streamCompletedNodes() >= 1
                || failed.elementCount() >= PROVEN_ELEMENTS && failed.key() != null && WrittenByServer.name(failed.key()));
    }

    /**
     * Whether the read that failed at {@code start} may have been misaligned by the key before
     * it: the failure is not about a whole key read cleanly (a repeated key right after an
     * unchecked one is as much a sign of misalignment), its start is not proven, and the last key
     * read ends exactly where it began.
     */
    static boolean previousKeySuspect(RdbFormatException e, RdbReader failed, long start, Deque<RecentKey> recent) {
        boolean misalignedAt = !keyLevel(e) || e.reason() == RdbFormatException.Reason.DUPLICATE_KEY;
        return misalignedAt && !startProven(failed) && !recent.isEmpty() && recent.peekLast().end() == start;
    }

    /** The keys the damage takes back, newest first, and the key kept but flagged (its start, or -1). */
    record Absorbed(List<RecentKey> keys, long unverifiedStart) {
    }

    /**
     * Rule "the previous key absorbed the damage": damage found right after a key whose value ends
     * in unchecked bytes means that key's lengths may have run into the damage, so it goes too. A
     * key no server would have written (a misaligned read that parsed by chance) goes, and so does
     * the one before it, where the misalignment may have begun. The walk stops at a key that is
     * checked to its end and plausible, at the start of the segment, or after a plausible key: it
     * is then only likely, not proven, that the misalignment began there, so the unchecked key
     * before that one is kept, flagged.
     */
    static Absorbed absorbed(Deque<RecentKey> recent, long start, long segStart) {
        List<RecentKey> taken = new ArrayList<>();
        long unverified = -1;
        long at = start;
        Iterator<RecentKey> it = recent.descendingIterator();
        RecentKey k = it.hasNext() ? it.next() : null;
        while (k != null) {
            if (k.end() != at || k.start() < segStart || (!k.unchecked() && k.plausible())) break;
            taken.add(k);
            at = k.start();
            RecentKey prior = it.hasNext() ? it.next() : null;
            if (k.plausible()) {
                if (prior != null && prior.unchecked() && prior.end() == k.start()) unverified = prior.start();
                break;
            }
            k = prior;
        }
        return new Absorbed(taken, unverified);
    }

    /**
     * Rule "truncation": a length running past the end is a truncation only when nothing intact
     * follows ({@code found} is the search after the damage); otherwise it is a misaligned read
     * like any other, and the elements before it are not trusted.
     */
    static boolean truncation(Resynchronizer.Found found) {
        return found.offset() < 0;
    }
}
