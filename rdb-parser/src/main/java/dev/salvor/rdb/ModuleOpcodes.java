package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;

import java.io.IOException;

/**
 * The self-describing opcodes modules save their data with (module values, module AUX records,
 * Redis 8.6 key metadata): typed items up to an EOF opcode, which frame the data without the module.
 */
final class ModuleOpcodes {
    static final int EOF = 0;
    static final int SINT = 1;
    static final int UINT = 2;
    static final int FLOAT = 3;
    static final int DOUBLE = 4;
    static final int STRING = 5;

    private static final char[] NAME_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

    private ModuleOpcodes() {
    }

    /** Skips typed items up to and including the EOF opcode. */
    static void skip(RdbInput in, RdbStrings strings, String what) throws IOException {
        while (true) {
            long at = in.offset();
            long op = in.length(what + " opcode");
            switch ((int) Math.min(op, 99)) {
                case EOF:
                    return;
                case SINT:
                case UINT:
                    in.rawLength(what + " integer");
                    break;
                case FLOAT:
                    in.le(4, what + " float");
                    break;
                case DOUBLE:
                    in.le(8, what + " double");
                    break;
                case STRING:
                    strings.read(strings.scratch, what + " string", in.constraints.maxStringSize());
                    break;
                default:
                    throw in.error(BAD_ENCODING, at, what + ": unknown module opcode " + op);
            }
        }
    }

    /**
     * Reads typed items up to and including the EOF opcode, keeping them while their total stays
     * within {@code keep} bytes; returns them, or null when the value was larger (then it is only
     * framed, as {@link #skip} does).
     */
    static java.util.List<ModuleValue.Item> read(RdbInput in, RdbStrings strings, String what, long keep) throws IOException {
        java.util.List<ModuleValue.Item> items = new java.util.ArrayList<>();
        long kept = 0;
        while (true) {
            long at = in.offset();
            long op = in.length(what + " opcode");
            ModuleValue.Item item;
            switch ((int) Math.min(op, 99)) {
                case EOF:
                    return items;
                case SINT:
                    item = new ModuleValue.Item(ModuleValue.Kind.SINT, in.rawLength(what + " integer"), null);
                    break;
                case UINT:
                    item = new ModuleValue.Item(ModuleValue.Kind.UINT, in.rawLength(what + " integer"), null);
                    break;
                case FLOAT:
                    item = new ModuleValue.Item(ModuleValue.Kind.FLOAT, in.le(4, what + " float"), null);
                    break;
                case DOUBLE:
                    item = new ModuleValue.Item(ModuleValue.Kind.DOUBLE, in.le(8, what + " double"), null);
                    break;
                case STRING:
                    strings.read(strings.scratch, what + " string", in.constraints.maxStringSize());
                    item = items == null || kept + strings.scratch.length() > keep ? null
                            : new ModuleValue.Item(ModuleValue.Kind.STRING, 0, strings.scratch.toBytes());
                    break;
                default:
                    throw in.error(BAD_ENCODING, at, what + ": unknown module opcode " + op);
            }
            kept += 10 + (item != null && item.string() != null ? item.string().length : 0);
            if (item == null || kept > keep) items = null;
            if (items != null) items.add(item);
        }
    }

    /** The id of module {@code name} (9 characters of the module charset) at encoding version {@code encver} (redis module.c moduleTypeEncodeId). */
    static long idOf(String name, int encver) {
        long id = 0;
        for (int j = 0; j < 9; j++) id = id << 6 | indexOf(name.charAt(j));
        return id << 10 | (encver & 1023);
    }

    private static int indexOf(char c) {
        for (int i = 0; i < NAME_CHARSET.length; i++) if (NAME_CHARSET[i] == c) return i;
        throw new IllegalArgumentException("not a module name character: " + c);
    }

    /** The module's 9-character name, from the top 54 bits of its id. */
    static String nameOf(long id) {
        char[] name = new char[9];
        for (int j = 0; j < 9; j++) {
            name[j] = NAME_CHARSET[(int) ((id >>> (64 - 6 * (j + 1))) & 63)];
        }
        return new String(name);
    }
}
