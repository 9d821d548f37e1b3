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

    /** The module's 9-character name, from the top 54 bits of its id. */
    static String nameOf(long id) {
        char[] name = new char[9];
        for (int j = 0; j < 9; j++) {
            name[j] = NAME_CHARSET[(int) ((id >>> (64 - 6 * (j + 1))) & 63)];
        }
        return new String(name);
    }
}
