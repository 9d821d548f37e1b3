package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;
import static dev.salvor.rdb.RdbFormatException.Reason.UNSUPPORTED;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A module value: its module id, then module opcodes up to their EOF, read as typed items without
 * the module. Dragonfly's JSON (one string of JSON text) reads as the RedisJSON value of encoding
 * version 3 it is in all but its type byte; Dragonfly's probabilistic types are read by their
 * layout ({@link DragonflySketches}) into the same model.
 */
final class ModuleValueDecoder extends ValueDecoder {
    /** RedisJSON's module name; Dragonfly's JSON is given as its encoding version 3. */
    static final String REJSON = "ReJSON-RL";
    private static final long REJSON_3 = ModuleOpcodes.idOf(REJSON, 3);

    private boolean read;
    private RdbEncoding encoding;
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
        this.encoding = encoding;
        read = false;
        value = null;
        if (dragonflyJson()) {
            moduleId = REJSON_3;
            moduleName = REJSON;
        } else if (DragonflySketches.reads(encoding)) {
            moduleId = 0;
            moduleName = encoding.label();
        } else {
            moduleId = in.rawLength("module id");
            moduleName = ModuleOpcodes.nameOf(moduleId);
        }
    }

    private boolean dragonflyJson() {
        return encoding == RdbEncoding.DF_JSON || encoding == RdbEncoding.DF_JSON_OLD;
    }

    @Override
    boolean next() throws IOException {
        if (read) return false;
        valueStart = in.offset();
        if (dragonflyJson()) {
            strings.read(strings.scratch, "Dragonfly JSON document", in.constraints.maxStringSize());
            List<ModuleValue.Item> items = strings.scratch.length() > ModuleValue.MAX_CAPTURED ? null
                    : List.of(new ModuleValue.Item(ModuleValue.Kind.STRING, 0, strings.scratch.toBytes()));
            value = new ModuleValue(moduleId, items);
        } else if (DragonflySketches.reads(encoding)) {
            List<String> names = new ArrayList<>();
            List<ModuleValue.Item> items = DragonflySketches.read(in, strings, encoding, names, ModuleValue.MAX_CAPTURED);
            value = new ModuleValue(0, items == null ? null : List.copyOf(items), DragonflySketches.typeName(encoding),
                    items == null ? null : List.copyOf(names));
        } else {
            List<ModuleValue.Item> items = ModuleOpcodes.read(in, strings, "module " + moduleName + " value", ModuleValue.MAX_CAPTURED);
            value = new ModuleValue(moduleId, items == null ? null : List.copyOf(items));
        }
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
        if (dragonflyJson()) strings.skip("Dragonfly JSON document", in.constraints.maxStringSize());
        else if (DragonflySketches.reads(encoding)) DragonflySketches.read(in, strings, encoding, null, -1);
        else ModuleOpcodes.skip(in, strings, "module " + moduleName + " value");
    }
}
