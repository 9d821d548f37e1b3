package dev.salvor.aof;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Names and arities of every command of every Redis and Valkey version in the project's table
 * (generated from the servers' own COMMAND replies by scripts/make-command-table.py), used to tell
 * a plausible AOF command from garbage.
 */
public final class CommandTable {
    /** What a command means to an AOF reader beyond its arity. */
    public enum Role {
        /** SELECT: changes the database of the commands after it. */
        SELECT,
        /** MULTI: opens a transaction. */
        MULTI,
        /** EXEC: applies the open transaction. */
        EXEC,
        /** DISCARD: drops the open transaction. */
        DISCARD,
        /** Any other command. */
        OTHER
    }

    /**
     * One command: the arities versions gave it (N: exactly N arguments with the name; -N: at least N).
     *
     * @param write     some version flags it {@code write}
     * @param replicated some version flags it {@code write} or {@code may_replicate}: it can reach an AOF
     * @param movableKeys its keys are not (all) where firstKey, lastKey and step say (EVAL, SORT, ...)
     */
    public record Command(String name, int[] arities, int firstKey, int lastKey, int step, boolean write, boolean replicated,
                          boolean movableKeys, Role role) {
        public boolean acceptsArgc(int argc) {
            for (int a : arities) {
                if (a >= 0 ? argc == a : argc >= -a) return true;
            }
            return false;
        }
    }

    private static volatile CommandTable instance;
    private final Map<String, Command> commands;
    private final java.util.Set<String> containers;
    // Open addressing over the lower-case name bytes, so a reader looks names up without allocating.
    private final Command[] slots;
    private final byte[][] slotNames;
    private final boolean[] slotContainer;
    private final int mask;

    private CommandTable(Map<String, Command> commands) {
        this.commands = commands;
        java.util.Set<String> c = new java.util.HashSet<>();
        for (String n : commands.keySet()) {
            int bar = n.indexOf('|');
            if (bar > 0) c.add(n.substring(0, bar));
        }
        this.containers = java.util.Set.copyOf(c);
        int size = Integer.highestOneBit(Math.max(16, commands.size() * 4)) * 2;
        slots = new Command[size];
        slotNames = new byte[size][];
        slotContainer = new boolean[size];
        mask = size - 1;
        for (Command cmd : commands.values()) {
            byte[] n = cmd.name().getBytes(StandardCharsets.ISO_8859_1);
            int i = hash(n, 0, n.length, FNV) & mask;
            while (slots[i] != null) i = (i + 1) & mask;
            slots[i] = cmd;
            slotNames[i] = n;
            slotContainer[i] = containers.contains(cmd.name());
        }
    }

    private static final int FNV = 0x811c9dc5;

    private static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    private static int hash(byte[] b, int off, int len, int h) {
        for (int i = 0; i < len; i++) h = (h ^ lower(b[off + i] & 0xff)) * 0x01000193;
        return h;
    }

    /**
     * The command named by {@code buf[off, off+len)} in any case, and for a container command
     * (CONFIG, XGROUP, ...) by its subcommand {@code buf[subOff, subOff+subLen)} when the table has
     * it (subLen &lt; 0: none); null when no version has it. Allocates nothing.
     */
    public Command lookup(byte[] buf, int off, int len, int subOff, int subLen) {
        if (len > 64) return null;
        int h = hash(buf, off, len, FNV);
        int i = h & mask;
        Command top = null;
        boolean container = false;
        for (Command c; (c = slots[i]) != null; i = (i + 1) & mask) {
            if (equalsLower(slotNames[i], buf, off, len, -1, 0, 0)) {
                top = c;
                container = slotContainer[i];
                break;
            }
        }
        if (top == null || !container || subLen < 0 || subLen > 64) return top;
        int hs = hash(buf, subOff, subLen, (h ^ '|') * 0x01000193);
        for (int j = hs & mask; slots[j] != null; j = (j + 1) & mask) {
            if (equalsLower(slotNames[j], buf, off, len, '|', subOff, subLen)) return slots[j];
        }
        return top;
    }

    /** Whether {@code name} equals {@code buf[off,off+len)} (then {@code sep} and the sub name, when sep &gt;= 0), ignoring case. */
    private static boolean equalsLower(byte[] name, byte[] buf, int off, int len, int sep, int subOff, int subLen) {
        int total = sep < 0 ? len : len + 1 + subLen;
        if (name.length != total) return false;
        for (int i = 0; i < len; i++) if (name[i] != lower(buf[off + i] & 0xff)) return false;
        if (sep < 0) return true;
        if (name[len] != sep) return false;
        for (int i = 0; i < subLen; i++) if (name[len + 1 + i] != lower(buf[subOff + i] & 0xff)) return false;
        return true;
    }

    public static CommandTable get() {
        CommandTable t = instance;
        if (t == null) {
            synchronized (CommandTable.class) {
                if (instance == null) instance = load();
                t = instance;
            }
        }
        return t;
    }

    private static CommandTable load() {
        Map<String, Command> m = new HashMap<>();
        try (InputStream in = CommandTable.class.getResourceAsStream("commands.tsv")) {
            if (in == null) throw new IllegalStateException("commands.tsv is missing from the class path");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) continue;
                String[] f = line.split("\t");
                String[] ar = f[1].split(",");
                int[] arities = new int[ar.length];
                for (int i = 0; i < ar.length; i++) arities[i] = Integer.parseInt(ar[i]);
                java.util.List<String> flags = java.util.Arrays.asList(f[5].split(","));
                Role role = switch (f[0]) {
                    case "select" -> Role.SELECT;
                    case "multi" -> Role.MULTI;
                    case "exec" -> Role.EXEC;
                    case "discard" -> Role.DISCARD;
                    default -> Role.OTHER;
                };
                m.put(f[0], new Command(f[0], arities, Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                        flags.contains("write"), flags.contains("write") || flags.contains("may_replicate"), flags.contains("movablekeys"), role));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new CommandTable(Map.copyOf(m));
    }

    /**
     * Module commands are named {@code module.command} and are not in any server's table; a name
     * of that shape is accepted with any arity.
     */
    public static boolean isModuleCommandName(byte[] name) {
        return isModuleCommandName(name, 0, name.length);
    }

    /** As {@link #isModuleCommandName(byte[])}, for {@code buf[off, off+len)}. */
    public static boolean isModuleCommandName(byte[] buf, int off, int len) {
        if (len < 3 || len > 64) return false;
        boolean dot = false;
        for (int i = off; i < off + len; i++) {
            int c = buf[i] & 0xff;
            if (c == '.') dot = true;
            else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) return false;
        }
        return dot && buf[off] != '.' && buf[off + len - 1] != '.';
    }

    /** The command named by {@code name} (any case), or null. */
    public Command lookup(String name) {
        return commands.get(name.toLowerCase(Locale.ROOT));
    }

    /** By name and first argument: container commands (CONFIG SET) by their subcommand when the table has it. */
    public Command lookup(String name, String firstArg) {
        String lower = name.toLowerCase(Locale.ROOT);
        Command top = commands.get(lower);
        if (top == null || firstArg == null || !hasSubcommands(lower)) return top;
        Command sub = commands.get(lower + "|" + firstArg.toLowerCase(Locale.ROOT));
        return sub != null ? sub : top;
    }

    private boolean hasSubcommands(String name) {
        return containers.contains(name);
    }

    /** The command for a whole argv: container commands (CONFIG SET) by their subcommand when the table has it. */
    public Command lookup(byte[][] argv) {
        String name = new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        Command top = commands.get(name);
        if (top == null || argv.length < 2) return top;
        Command sub = commands.get(name + "|" + new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT));
        return sub != null ? sub : top;
    }

    /** Whether {@code name} (lower case), or any of its subcommands, can reach an AOF (write or may_replicate). */
    public boolean replicatedAny(String name) {
        Command c = commands.get(name);
        if (c != null && c.replicated()) return true;
        if (!containers.contains(name)) return false;
        for (Command sub : commands.values()) {
            if (sub.name().startsWith(name + "|") && sub.replicated()) return true;
        }
        return false;
    }

    public int size() {
        return commands.size();
    }
}
