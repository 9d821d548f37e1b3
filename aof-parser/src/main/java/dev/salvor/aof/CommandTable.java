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
    /** One command: the arities versions gave it (N: exactly N arguments with the name; -N: at least N). */
    public record Command(String name, int[] arities, int firstKey, int lastKey, int step, boolean write) {
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

    private CommandTable(Map<String, Command> commands) {
        this.commands = commands;
        java.util.Set<String> c = new java.util.HashSet<>();
        for (String n : commands.keySet()) {
            int bar = n.indexOf('|');
            if (bar > 0) c.add(n.substring(0, bar));
        }
        this.containers = java.util.Set.copyOf(c);
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
                m.put(f[0], new Command(f[0], arities, Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                        f[5].contains("write")));
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
        if (name.length < 3 || name.length > 64) return false;
        boolean dot = false;
        for (byte b : name) {
            int c = b & 0xff;
            if (c == '.') dot = true;
            else if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) return false;
        }
        return dot && name[0] != '.' && name[name.length - 1] != '.';
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

    public int size() {
        return commands.size();
    }
}
