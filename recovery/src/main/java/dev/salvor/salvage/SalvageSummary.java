package dev.salvor.salvage;

import dev.salvor.rdb.StringRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The text of a salvage report, worst truthful figure first: what was lost (at least), what cannot
 * be known, then what was recovered and what is in doubt. Shared by every command that shows a
 * salvage result (salvage, export --salvage, audit).
 */
public final class SalvageSummary {
    private static final int NAMES_SHOWN = 5;

    private SalvageSummary() {
    }

    /** Every line, in order. */
    public static List<String> lines(SalvageReport r) {
        List<String> out = new ArrayList<>(lossLines(r));
        out.add(recoveredLine(r));
        out.addAll(doubtLines(r));
        return out;
    }

    /** The losses: the lower bound, each database's count, and what cannot be known. */
    public static List<String> lossLines(SalvageReport r) {
        SalvageReport.Losses l = r.losses();
        List<String> out = new ArrayList<>();
        if (r.clean()) return out;
        StringBuilder lead = new StringBuilder();
        if (l.atLeast() == 0 && r.keysPartial() == 0) {
            boolean counted = !l.databases().isEmpty() && l.unannounced().isEmpty();
            lead.append(counted ? "LOST: no key (every database's own key count is met)" : "LOST: no key known lost");
        } else {
            lead.append(f("LOST: at least %,d key%s", l.atLeast(), plural(l.atLeast())));
        }
        if (l.atLeast() > 0) {
            lead.append(f(" (%,d by name", l.named()));
            if (l.unnamedAtLeast() > 0) lead.append(f(", %,d more by the databases' own key counts", l.unnamedAtLeast()));
            lead.append(')');
        }
        if (r.keysPartial() > 0) lead.append(f(", and %,d key%s kept only in part", r.keysPartial(), plural(r.keysPartial())));
        if (!unknowns(l).isEmpty()) lead.append("; more may be lost, see below");
        out.add(lead.toString());
        for (SalvageReport.DbCount d : l.databases()) {
            if (!d.announced()) continue;
            StringBuilder line = new StringBuilder(f("  db %d announced %,d key%s%s, %,d recovered", d.db(), d.announcedKeys(),
                    plural(d.announcedKeys()), d.onlyNonExpiring() ? f(" (%,d without expiry)", d.announcedKeys() - d.announcedExpires()) : "",
                    d.recovered()));
            if (d.partial() > 0) line.append(f(" and %,d partial", d.partial()));
            long fromCount = d.announcedKeys() - d.recovered() - d.partial();
            if (d.lostAtLeast() > 0) line.append(f(": at least %,d lost", d.lostAtLeast()));
            else if (fromCount < 0) line.append(": more keys than announced (keys of a later database put here, see assumed_db)");
            else line.append(": none lost");
            if (d.expiringLostAtLeast() > 0) line.append(f(" (at least %,d of them with an expiry)", d.expiringLostAtLeast()));
            out.add(line.toString());
        }
        for (String u : unknowns(l)) out.add(u);
        return out;
    }

    /**
     * What the file cannot tell: past a cut-off end, databases whose count did not survive, and
     * aux fields or functions among damaged bytes.
     */
    public static List<String> unknowns(SalvageReport.Losses l) {
        List<String> out = new ArrayList<>();
        if (l.truncated()) {
            out.add(f("the file ends at offset %,d: nothing is known of what followed (keys, databases, functions)", l.fileEndsAt()));
        }
        List<Integer> unannounced = l.unannounced();
        if (!unannounced.isEmpty()) {
            out.add((unannounced.size() == 1 ? "db " : "dbs ") + unannounced.stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + ": no key count (RESIZEDB) read, so losses there beyond the named ones cannot be counted");
        }
        if (l.startLostTo() >= 0) {
            out.add(f("the start of the file [0, %,d) is damaged: the aux fields and function libraries a server writes there are lost%s",
                    l.startLostTo(), l.aux().seenInDamage().isEmpty() && l.functions().seenInDamage().isEmpty() ? ", how many cannot be known" : ""));
        }
        if (!l.aux().seenInDamage().isEmpty()) {
            out.add(f("%,d aux field%s lost with the damage (names still readable: %s)", l.aux().seenInDamage().size(),
                    plural(l.aux().seenInDamage().size()), shown(l.aux().seenInDamage())));
        }
        if (!l.functions().seenInDamage().isEmpty()) {
            out.add(f("%,d function librar%s lost with the damage (names still readable: %s)", l.functions().seenInDamage().size(),
                    l.functions().seenInDamage().size() == 1 ? "y" : "ies", shown(l.functions().seenInDamage())));
        }
        return out;
    }

    /** Recovered keys, with partial ones counted apart. */
    public static String recoveredLine(SalvageReport r) {
        String line = f("recovered %,d key%s whole", r.keysRecovered(), plural(r.keysRecovered()));
        if (r.keysPartial() > 0) {
            line += f("; %,d more kept in part (partial, not among the %,d)", r.keysPartial(), r.keysRecovered());
        }
        SalvageReport.Losses l = r.losses();
        line += f("; aux fields %,d, function libraries %,d", l.aux().recovered().size(), l.functions().recovered().size());
        return line;
    }

    /** Keys read but in doubt, names seen in damage, assumed databases. */
    public static List<String> doubtLines(SalvageReport r) {
        List<String> out = new ArrayList<>();
        SalvageReport.Losses l = r.losses();
        if (!l.seenInDamage().isEmpty()) {
            List<String> names = l.seenInDamage().stream().map(k -> printable(k.key())).toList();
            out.add(f("%,d%s key name%s readable in the damaged bytes, not recovered: %s (see seen_in_damage; likely lost, not proof)",
                    names.size(), l.seenLimited() ? "+" : "", plural(names.size()), shown(names)));
        }
        if (!r.doubtfulKeys().isEmpty()) {
            out.add(f("%,d readable record%s right after damage not trusted: %s as well be a collection's elements (see doubtful_keys; bytes in the quarantine)",
                    r.doubtfulKeys().size(), plural(r.doubtfulKeys().size()), r.doubtfulKeys().size() == 1 ? "it could" : "they could"));
        }
        if (!r.unverifiedKeys().isEmpty()) {
            out.add(f("%,d key%s shortly before damage kept but flagged: a wrong length there may have taken bytes not %s own (see unverified_keys)",
                    r.unverifiedKeys().size(), plural(r.unverifiedKeys().size()), r.unverifiedKeys().size() == 1 ? "its" : "their"));
        }
        for (Stretch s : stretches(r)) {
            out.add(f("%,d key%s read after damage at [%d, %d)%s %s put in db %d, the database before the damage (a SELECTDB lost in the damage would mean a later one)",
                    s.keys, plural(s.keys), s.from, s.to, s.regionsCrossed > 0 ? " (across " + (s.regionsCrossed + 1) + " damaged regions)" : "",
                    s.keys == 1 ? "is" : "are", s.db));
        }
        if (!r.expiryUnknownKeys().isEmpty()) {
            out.add(f("%,d key%s right after damage ha%s no expiry of its own; one may have been lost (see expiry_unknown_keys)",
                    r.expiryUnknownKeys().size(), plural(r.expiryUnknownKeys().size()), r.expiryUnknownKeys().size() == 1 ? "s" : "ve"));
        }
        return out;
    }

    /** Keys read after damage into the database in effect before it, with the damaged regions between them. */
    private static final class Stretch {
        final long from;
        long to;
        final int db;
        long keys;
        int regionsCrossed;

        Stretch(SalvageReport.AssumedDb a) {
            from = a.from();
            to = a.to();
            db = a.db();
            keys = a.keys();
        }
    }

    /**
     * The assumed-database entries joined into stretches: entries of one database with only a
     * damaged region between them belong to one stretch (no SELECTDB was read to end it).
     */
    static List<Stretch> stretches(SalvageReport r) {
        List<Stretch> out = new ArrayList<>();
        Stretch cur = null;
        for (SalvageReport.AssumedDb a : r.assumedDbs()) {
            long prevTo = cur == null ? -1 : cur.to;
            boolean joins = cur != null && cur.db == a.db() && r.regions().stream().anyMatch(c -> c.start() == prevTo && c.end() == a.from());
            if (joins) {
                cur.to = a.to();
                cur.keys += a.keys();
                cur.regionsCrossed++;
            } else {
                cur = new Stretch(a);
                out.add(cur);
            }
        }
        return out;
    }

    private static String shown(List<String> names) {
        String s = names.stream().limit(NAMES_SHOWN).collect(Collectors.joining(", "));
        return names.size() > NAMES_SHOWN ? s + f(", and %,d more", names.size() - NAMES_SHOWN) : s;
    }

    private static String printable(byte[] key) {
        return StringRef.printable(key, 0, key.length, 60);
    }

    private static String plural(long n) {
        return n == 1 ? "" : "s";
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
