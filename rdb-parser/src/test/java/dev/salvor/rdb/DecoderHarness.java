package dev.salvor.rdb;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Runs one value decoder over a value's bytes: its elements as text, and where decoding and skimming end. */
final class DecoderHarness {
    interface Factory {
        ValueDecoder make(Parts p);
    }

    record Result(List<String> elements, long decodedEnd, long skimmedEnd, int containers, long sizeHint) {
    }

    static Result run(Factory f, RdbEncoding encoding, byte[] value) throws IOException {
        Parts p = new Parts(value);
        ValueDecoder d = f.make(p);
        p.v.reset(encoding);
        d.begin(encoding, 0);
        List<String> out = new ArrayList<>();
        // As the reader does: each element's token starts where it is read, and delivered elements are counted.
        while (true) {
            p.in.tokenOffset = p.in.offset();
            if (!d.next()) break;
            p.v.elements++;
            out.add(text(p.v));
        }
        long decodedEnd = p.in.offset();
        Parts q = new Parts(value);
        ValueDecoder s = f.make(q);
        q.v.reset(encoding);
        s.begin(encoding, 0);
        s.skipFraming();
        return new Result(out, decodedEnd, q.in.offset(), p.v.containersOpened, p.v.sizeHint);
    }

    /** Where a framing walk of the value ends (without decoding it). */
    static long skimEnd(Factory f, RdbEncoding encoding, byte[] value) throws IOException {
        Parts q = new Parts(value);
        ValueDecoder s = f.make(q);
        q.v.reset(encoding);
        s.begin(encoding, 0);
        s.skipFraming();
        return q.in.offset();
    }

    static String text(ValueCursor v) {
        return switch (v.kind) {
            case ZSET_ENTRY -> v.item + ":" + v.score;
            case HASH_ENTRY -> v.item + "=" + v.hashValue + (v.fieldExpireAtMs >= 0 ? "@" + v.fieldExpireAtMs : "");
            default -> v.kind == ElementKind.MODULE_VALUE || v.kind.name().startsWith("STREAM") ? v.kind.name() : v.item.toString();
        };
    }
}
