package dev.salvor.rdb;

import java.util.List;

/**
 * A module value as the module saved it: its module id and the typed items (module opcodes) up
 * to their EOF, read without the module. Enough to export a document a module's format is known
 * for (RedisJSON), to compare two values item by item, and to rebuild the value as a DUMP payload
 * that RESTORE takes in a server where the module is loaded.
 *
 * <p>Dragonfly's own probabilistic types (33 to 37) are values of no module: they are given in the
 * same model, their fields as typed items in the order Dragonfly's loader reads them, each named
 * ({@link #names()}), under {@link #dragonflyType()} and module id 0; no DUMP payload of a module
 * holds them.
 *
 * @param moduleId      the 64-bit module id (name in the top 54 bits, encoding version in the low 10)
 * @param items         the items in file order; null when the value was larger than
 *                      {@link #MAX_CAPTURED} bytes and only framed
 * @param dragonflyType for a Dragonfly type that no module writes ("bloom", "count-min", ...), else null
 * @param names         the name of each item of such a type, else null
 */
public record ModuleValue(long moduleId, List<Item> items, String dragonflyType, List<String> names) {
    /** Items are kept for values up to this size; a larger value is framed and located only. */
    public static final int MAX_CAPTURED = 64 << 20;

    /** A module's value. */
    public ModuleValue(long moduleId, List<Item> items) {
        this(moduleId, items, null, null);
    }

    /** Whether this is a value of a module (not one of Dragonfly's own types), so a DUMP payload can hold it. */
    public boolean ofModule() {
        return dragonflyType == null;
    }

    /**
     * One saved item. {@code bits} holds an integer (SINT and UINT items are the same 64 bits: a
     * module's signed save stores them as unsigned), a FLOAT's 32 or a DOUBLE's 64 IEEE-754 bits.
     */
    public record Item(Kind kind, long bits, byte[] string) {
    }

    /** The module opcodes, by their number in the file. */
    public enum Kind {
        SINT(ModuleOpcodes.SINT), UINT(ModuleOpcodes.UINT), FLOAT(ModuleOpcodes.FLOAT), DOUBLE(ModuleOpcodes.DOUBLE),
        STRING(ModuleOpcodes.STRING);

        final int opcode;

        Kind(int opcode) {
            this.opcode = opcode;
        }
    }

    public String moduleName() {
        return ModuleOpcodes.nameOf(moduleId);
    }

    public int encodingVersion() {
        return (int) (moduleId & 1023);
    }

    /** Whether the items were kept (the value was not larger than {@link #MAX_CAPTURED}). */
    public boolean captured() {
        return items != null;
    }

    /**
     * The value as a DUMP payload: the MODULE_2 type byte, the module id, each item with its
     * opcode (lengths in their shortest form, strings uncompressed, as a server saves them
     * without compression), the EOF opcode, then the footer for RDB version {@code rdbVersion}.
     */
    public byte[] dumpPayload(int rdbVersion) {
        if (dragonflyType != null) throw new IllegalStateException("Dragonfly's " + dragonflyType + " is the value of no module");
        if (items == null) throw new IllegalStateException("module value larger than " + MAX_CAPTURED + " bytes was not kept");
        long size = 1 + 9 + 1 + DumpFooter.SIZE;
        for (Item i : items) size += 1 + (i.string != null ? 9 + i.string.length : 9);
        byte[] out = new byte[(int) Math.min(size, Integer.MAX_VALUE - 16)];
        int at = 0;
        out[at++] = (byte) RdbEncoding.MODULE_2.rdbType();
        at = RdbLength.write(moduleId, out, at);
        for (Item i : items) {
            at = RdbLength.write(i.kind.opcode, out, at);
            switch (i.kind) {
                case SINT, UINT -> at = RdbLength.write(i.bits, out, at);
                case FLOAT -> {
                    for (int b = 0; b < 4; b++) out[at++] = (byte) (i.bits >>> (8 * b));
                }
                case DOUBLE -> {
                    for (int b = 0; b < 8; b++) out[at++] = (byte) (i.bits >>> (8 * b));
                }
                case STRING -> {
                    at = RdbLength.write(i.string.length, out, at);
                    System.arraycopy(i.string, 0, out, at, i.string.length);
                    at += i.string.length;
                }
            }
        }
        out[at++] = (byte) ModuleOpcodes.EOF;
        return DumpFooter.seal(out, at, rdbVersion);
    }
}
