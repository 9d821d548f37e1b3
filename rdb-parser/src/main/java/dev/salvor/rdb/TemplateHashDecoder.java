package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;
import static dev.salvor.rdb.RdbFormatException.Reason.INVALID_LISTPACK;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Hashes stored against a template of field names (Redis 8.10, RDB 15; layouts as redis/librdb's
 * parser.c reads them):
 * <ul>
 * <li>{@link RdbEncoding#HASH_TMPL_ARRAY_REF} (32): the template id, then one value string per
 * template field;</li>
 * <li>{@link RdbEncoding#HASH_TMPL_LP_REF} (30): one listpack whose first entry is the template id
 * (an integer) and whose other entries are the values, one per field;</li>
 * <li>{@link RdbEncoding#HASH_TMPL_LP} (29) and {@link RdbEncoding#HASH_TMPL_ARRAY} (31), the
 * self-contained forms of DUMP payloads: a fields format (0: the names in one listpack, 1: a count
 * and the names as strings), then the values as 30 or 32 hold them (the listpack's leading id is
 * the source template's, and is not looked up).</li>
 * </ul>
 * Elements are the hash's fields and values in the template's order, without field expiries.
 */
final class TemplateHashDecoder extends ValueDecoder {
    private final Blob blob;
    private final HashTemplates templates;
    private RdbEncoding encoding;
    private byte[][] fields;
    private int next;
    /** The values listpack (30, 29) was read and its id entry consumed. */
    private boolean opened;
    private long valuesOffset;

    TemplateHashDecoder(RdbInput in, RdbStrings strings, ValueCursor v, Blob blob, HashTemplates templates) {
        super(in, strings, v);
        this.blob = blob;
        this.templates = templates;
    }

    @Override
    void begin(RdbEncoding encoding, long typeOffset) throws IOException {
        this.encoding = encoding;
        fields = null;
        next = 0;
        opened = false;
        switch (encoding) {
            case HASH_TMPL_ARRAY_REF -> {
                long at = in.offset();
                fields = template(in.rawLength("hash template id"), at);
            }
            case HASH_TMPL_LP_REF -> {
                // The id is the listpack's first entry: the blob is read when the first element is asked for.
            }
            default -> fields = inlineFields();
        }
        if (fields != null) v.sizeHint = fields.length;
        if (encoding == RdbEncoding.HASH_TMPL_LP_REF || encoding == RdbEncoding.HASH_TMPL_LP) {
            valuesOffset = in.offset();
            blob.readHeader("template hash values listpack");
        }
    }

    private byte[][] template(long id, long at) throws RdbFormatException {
        byte[][] f = templates.get(id);
        if (f == null) {
            throw in.error(BAD_ENCODING, at, "template-encoded hash refers to template " + Long.toUnsignedString(id)
                    + ", which no HASH_TEMPLATE record read before it declares");
        }
        return f;
    }

    /** The field names a self-contained template hash carries (format 0: one listpack; 1: count and strings). */
    private byte[][] inlineFields() throws IOException {
        long at = in.offset();
        long format = in.rawLength("hash template fields format");
        List<byte[]> names = new ArrayList<>();
        if (format == 0) {
            blob.open(Blob.Kind.LISTPACK, "hash template fields listpack");
            v.containersOpened++;
            StringRef s = v.scratch;
            while (blob.next(s)) addField(names, s.toBytes(), at);
            blob.close();
        } else if (format == 1) {
            long count = in.count("hash template field count");
            for (long i = 0; i < count; i++) {
                strings.read(v.scratch, "hash template field", in.constraints.maxKeySize());
                addField(names, v.scratch.toBytes(), at);
            }
        } else {
            throw in.error(BAD_ENCODING, at, "hash template fields format " + Long.toUnsignedString(format) + " is neither 0 (listpack) nor 1 (strings)");
        }
        if (names.isEmpty()) throw in.error(BAD_ENCODING, at, "hash template has no fields");
        return names.toArray(new byte[0][]);
    }

    private void addField(List<byte[]> names, byte[] f, long at) throws RdbFormatException {
        if (!names.isEmpty() && !HashTemplates.inOrder(names.get(names.size() - 1), f)) {
            throw in.error(BAD_ENCODING, at, "hash template fields are not in strictly ascending order (by length, then bytes)");
        }
        names.add(f);
    }

    /** Reads the values listpack and its leading id entry (looked up for the reference form). */
    private void openValues() throws IOException {
        opened = true;
        v.containersOpened++;
        blob.open(Blob.Kind.LISTPACK);
        StringRef id = v.scratch;
        if (!blob.next(id) || !id.isInteger() || id.integer() < 0) {
            throw in.error(INVALID_LISTPACK, valuesOffset, "template hash values listpack does not start with a template id");
        }
        if (encoding == RdbEncoding.HASH_TMPL_LP_REF) {
            fields = template(id.integer(), valuesOffset);
            v.sizeHint = fields.length;
        }
    }

    @Override
    boolean next() throws IOException {
        ValueCursor v = this.v;
        v.fieldExpireAtMs = -1;
        boolean packed = encoding == RdbEncoding.HASH_TMPL_LP_REF || encoding == RdbEncoding.HASH_TMPL_LP;
        if (packed) {
            if (!opened) openValues();
            if (next == fields.length) {
                if (blob.next(v.scratch)) {
                    throw in.error(INVALID_LISTPACK, valuesOffset, "template hash values listpack holds more values than the template's "
                            + fields.length + " fields");
                }
                blob.close();
                return false;
            }
            if (!blob.next(v.hashValue)) {
                throw in.error(INVALID_LISTPACK, valuesOffset, "template hash values listpack ends after " + next + " of "
                        + fields.length + " values");
            }
        } else {
            if (next == fields.length) return false;
            strings.read(v.hashValue, "hash value", maxString());
        }
        byte[] f = fields[next++];
        v.item.setBytes(f, 0, f.length);
        v.kind = ElementKind.HASH_ENTRY;
        return true;
    }

    @Override
    void skipFraming() throws IOException {
        if (encoding == RdbEncoding.HASH_TMPL_LP_REF || encoding == RdbEncoding.HASH_TMPL_LP) {
            if (!opened) {
                blob.skipBody();
            } else {
                while (next()) {
                    // the rest of a listpack already in memory
                }
            }
            return;
        }
        int max = maxString();
        for (; next < fields.length; next++) strings.skip("hash value", max);
    }
}
