package dev.salvor.io;

import dev.salvor.export.NdjsonExporter;
import dev.salvor.rdb.RedisType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Keys chosen by database, Redis glob and type; an empty criterion accepts everything. */
public final class KeyFilter implements NdjsonExporter.Narrowing {
    private final Set<Integer> dbs;
    private final List<RedisGlob> globs;
    private final Set<RedisType> types;

    public KeyFilter(List<Integer> dbs, List<String> globs, List<RedisType> types) {
        this.dbs = dbs == null ? Set.of() : Set.copyOf(dbs);
        List<RedisGlob> g = new ArrayList<>();
        if (globs != null) for (String s : globs) g.add(new RedisGlob(s.getBytes(StandardCharsets.UTF_8)));
        this.globs = List.copyOf(g);
        this.types = types == null || types.isEmpty() ? EnumSet.allOf(RedisType.class) : EnumSet.copyOf(types);
    }

    public boolean acceptsDb(int db) {
        return dbs.isEmpty() || dbs.contains(db);
    }

    @Override
    public boolean select(int db, byte[] key, RedisType type) {
        if (!acceptsDb(db) || !types.contains(type)) return false;
        if (globs.isEmpty()) return true;
        for (RedisGlob g : globs) {
            if (g.matches(key)) return true;
        }
        return false;
    }

    /** Whether key patterns were given. */
    public boolean matchesKeys() {
        return !globs.isEmpty();
    }

    /** Whether {@code key} matches a pattern (true when none was given). */
    public boolean matchesKey(byte[] key) {
        if (globs.isEmpty()) return true;
        for (RedisGlob g : globs) {
            if (g.matches(key)) return true;
        }
        return false;
    }

    /** Whether types were named (only keys of those types are selected). */
    public boolean selectsTypes() {
        return types.size() != RedisType.values().length;
    }

    @Override
    public boolean narrows() {
        return !(dbs.isEmpty() && globs.isEmpty() && types.size() == RedisType.values().length);
    }
}
