package dev.salvor.rdb;

/** A stream entry id; both parts are unsigned 64-bit numbers. */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
    public static final StreamId ZERO = new StreamId(0, 0);

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compareUnsigned(ms, o.ms);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    /** The id as Redis prints it: {@code <ms>-<seq>} in unsigned decimal. */
    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }

    /** Parses {@code <ms>-<seq>}; throws IllegalArgumentException when malformed. */
    public static StreamId parse(String s) {
        int dash = s.indexOf('-');
        if (dash < 0) throw new IllegalArgumentException("not a stream id: " + s);
        return new StreamId(Long.parseUnsignedLong(s.substring(0, dash)), Long.parseUnsignedLong(s.substring(dash + 1)));
    }
}
