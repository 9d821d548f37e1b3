package dev.salvor.rdb;

/**
 * The server's rule for the field TTLs of a listpack hash (types 23 and 25): each is an integer
 * (or its exact text), 0 for none, at most 2^48-1 ms; fields with a TTL come first, in
 * non-decreasing order, then fields without. One per reader, reset per value.
 */
final class FieldTtlOrder {
    /** The latest field expiry a server holds (2^48-1 ms); later ones are refused. */
    static final long MAX = (1L << 48) - 1;

    private long previous;

    void reset() {
        previous = -1;
    }

    /** The TTL in ms (0 for none); -1 with {@code problem[0]} saying which rule the TTL breaks. */
    long accept(StringRef ttl, String[] problem) {
        long v;
        if (ttl.isInteger()) {
            v = ttl.integer();
        } else {
            v = CNumbers.string2ll(ttl.array(), ttl.offset(), ttl.length());
            if (v == CNumbers.NOT_A_LONG) {
                problem[0] = "is not an integer";
                return -1;
            }
        }
        if (v < 0 || v > MAX) {
            problem[0] = v + " is out of range";
            return -1;
        }
        if (v != 0 && (previous == 0 || v < previous)) {
            problem[0] = v + (previous == 0 ? " follows a field without one" : " is earlier than the previous field's " + previous);
            return -1;
        }
        previous = v;
        return v;
    }
}
