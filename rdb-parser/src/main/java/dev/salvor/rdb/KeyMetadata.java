package dev.salvor.rdb;

/**
 * One class of Redis 8.6+ key metadata (a KEY_META record, opcode 243, before a key): the class's
 * four-character name, its version and flags from the 32-bit class spec (redis src/keymeta.c
 * keyMetaClassDecode: 24-bit name of 6-bit characters, 5-bit version, 3-bit flags), and where its
 * value lies in the file: module opcodes up to their EOF, framed but not decoded (the module that
 * owns the class decodes it), as module values are.
 *
 * @param valueOffset where the class's value (its module opcodes) starts
 * @param valueLength its length in bytes, the closing EOF opcode included
 */
public record KeyMetadata(String className, int version, int flags, long valueOffset, long valueLength) {
    /** The key-metadata charset (redis src/keymeta.c keyMetaCharSet), which ends "_-", unlike module names' "-_". */
    private static final String CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    /** Decodes a class spec as read from the file (little-endian, as every server that writes it stores it). */
    static KeyMetadata of(long spec, long valueOffset, long valueLength) {
        int flags = (int) (spec & 7);
        int version = (int) ((spec >>> 3) & 31);
        long name = spec >>> 8;
        char[] c = new char[4];
        for (int i = 3; i >= 0; i--) {
            c[i] = CHARSET.charAt((int) (name & 63));
            name >>>= 6;
        }
        return new KeyMetadata(new String(c), version, flags, valueOffset, valueLength);
    }
}
