package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.UNSUPPORTED;

import java.io.IOException;

/** A module value: its module id, then module opcodes up to their EOF, read as typed items without the module. */
final class ModuleValueDecoder extends ValueDecoder {
    private boolean read;
    long moduleId;
    String moduleName;
    long valueStart;
    long valueEnd;
    /** The value's items, read with it; null until read or when it was too large to keep. */
    ModuleValue value;

    ModuleValueDecoder(RdbInput in, RdbStrings strings, ValueCursor v) {
        super(in, strings, v);
    }

    @Override
    void begin(RdbEncoding encoding, long typeOffset) throws IOException {
        if (encoding == RdbEncoding.MODULE_PRE_GA) {
            throw in.error(UNSUPPORTED, typeOffset, "module value of the Redis 4.0 release candidates (type 6) cannot be framed without the module");
        }
        read = false;
        value = null;
        moduleId = in.rawLength("module id");
        moduleName = ModuleOpcodes.nameOf(moduleId);
    }

    @Override
    boolean next() throws IOException {
        if (read) return false;
        valueStart = in.offset();
        java.util.List<ModuleValue.Item> items = ModuleOpcodes.read(in, strings, "module " + moduleName + " value", ModuleValue.MAX_CAPTURED);
        value = new ModuleValue(moduleId, items == null ? null : java.util.List.copyOf(items));
        valueEnd = in.offset();
        read = true;
        v.fieldExpireAtMs = -1;
        v.kind = ElementKind.MODULE_VALUE;
        return true;
    }

    @Override
    void skipFraming() throws IOException {
        if (read) return;
        read = true;
        ModuleOpcodes.skip(in, strings, "module " + moduleName + " value");
    }
}
