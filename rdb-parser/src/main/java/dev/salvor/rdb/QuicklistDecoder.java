package dev.salvor.rdb;

import static dev.salvor.rdb.RdbFormatException.Reason.BAD_ENCODING;

import java.io.IOException;

/**
 * Quicklists: a node count, then nodes that each check themselves as a whole: ziplists (RDB 7 to
 * 9), listpacks or plain single-element nodes (quicklist 2, RDB 10+).
 */
final class QuicklistDecoder extends ValueDecoder {
    private static final long PLAIN_NODE = 1;
    private static final long PACKED_NODE = 2;

    private final Blob blob;
    private RdbEncoding encoding;
    private long nodesRemaining;

    QuicklistDecoder(RdbInput in, RdbStrings strings, ValueCursor v, Blob blob) {
        super(in, strings, v);
        this.blob = blob;
    }

    @Override
    void begin(RdbEncoding encoding, long typeOffset) throws IOException {
        this.encoding = encoding;
        blob.close();
        nodesRemaining = in.count("quicklist node count");
    }

    @Override
    boolean next() throws IOException {
        ValueCursor v = this.v;
        v.fieldExpireAtMs = -1;
        while (true) {
            if (blob.isOpen()) {
                if (blob.next(v.item)) {
                    v.kind = ElementKind.LIST_ITEM;
                    return true;
                }
                blob.close();
            }
            if (nodesRemaining == 0) return false;
            nodesRemaining--;
            if (encoding == RdbEncoding.LIST_QUICKLIST_2) {
                long container = container();
                if (container == PLAIN_NODE) {
                    // A plain node holds exactly one element.
                    v.containersOpened++;
                    StringRef b = blob.read("quicklist plain node");
                    if (b.length() == 0) throw in.error(BAD_ENCODING, blob.offset, "quicklist plain node of 0 bytes");
                    v.item.setBytes(b.array(), b.offset(), b.length());
                    v.kind = ElementKind.LIST_ITEM;
                    return true;
                }
                v.containersOpened++;
                blob.open(Blob.Kind.LISTPACK, "quicklist listpack node");
            } else {
                v.containersOpened++;
                blob.open(Blob.Kind.ZIPLIST, "quicklist ziplist node");
            }
        }
    }

    private long container() throws IOException {
        long at = in.offset();
        long container = in.length("quicklist node container");
        if (container != PLAIN_NODE && container != PACKED_NODE) {
            throw in.error(BAD_ENCODING, at, "quicklist node container " + container + ", expected 1 (plain) or 2 (packed)");
        }
        return container;
    }

    @Override
    void skipFraming() throws IOException {
        blob.close();
        int max = maxString();
        for (; nodesRemaining > 0; nodesRemaining--) {
            if (encoding == RdbEncoding.LIST_QUICKLIST_2) {
                strings.skip(container() == PLAIN_NODE ? "quicklist plain node" : "quicklist listpack node", max);
            } else {
                strings.skip("quicklist ziplist node", max);
            }
        }
    }
}
