package dev.salvor.salvage;

import dev.salvor.rdb.RdbReader;
import dev.salvor.rdb.RdbToken;

import java.io.IOException;

/**
 * What a real server writes, as far as a record read after damage can show it: the rules by which
 * a misaligned read that parsed by chance is told from a record a server wrote. Each is one
 * method; salvage asks them of candidate chains, of the key before damage and of names seen in
 * damaged bytes.
 */
final class WrittenByServer {
    /** Expiry times a real server writes: from 2000 to the end of year 9999 (a common "never"). */
    static final long MIN_EXPIRY = 946_684_800_000L;
    static final long MAX_EXPIRY = 253_402_300_800_000L;
    /** Redis's databases setting has no hard limit, but real servers stay far below this. */
    static final int MAX_DB = 1 << 16;

    private WrittenByServer() {
    }

    /**
     * A key name as servers' users write them: non-empty UTF-8 text without control characters.
     * The first key after damage is the one most likely to be garbage that happens to end where
     * real records start; a binary-named key there is lost rather than risk inventing one.
     */
    static boolean name(byte[] key) {
        if (key.length == 0) return false;
        int i = 0;
        while (i < key.length) {
            int c = key[i] & 0xff;
            if (c < 0x80) {
                if (c < 0x20 || c == 0x7f) return false;
                i++;
            } else {
                int n = c >= 0xf0 && c < 0xf5 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 0;
                if (n == 0 || i + n > key.length) return false;
                for (int k = 1; k < n; k++) {
                    if ((key[i + k] & 0xc0) != 0x80) return false;
                }
                i += n;
            }
        }
        return true;
    }

    /**
     * The key's expiry, if it has one, is one a server of RDB {@code version} writes: a time from
     * 2000 to 9999, and not in the 4-byte seconds form servers dropped with RDB 6 (a {@code 0xFD}
     * byte five bytes before a record is a common accident of damaged bytes).
     */
    static boolean expiry(RdbReader r, int version) {
        long exp = r.expireAtMs();
        return exp < 0 || exp >= MIN_EXPIRY && exp <= MAX_EXPIRY && !(r.expiryInSeconds() && version >= 6);
    }

    /** The key's type is one servers writing RDB {@code version} write. */
    static boolean type(RdbReader r, int version) {
        return r.encoding().writtenBy(version, r.flavor());
    }

    /** The key just read could have been written by a server: a text name, a type of the file's version, a plausible expiry. */
    static boolean key(RdbReader r, int version) {
        return name(r.key()) && type(r, version) && expiry(r, version);
    }

    /**
     * Reads the value of the key at hand to its end; false when it holds what no server writes:
     * rising scores in an encoding saved in descending order ({@link
     * dev.salvor.rdb.RdbEncoding#scoresDescending()}) are a misaligned read, which can otherwise
     * run through thousands of foreign bytes and end on a true record boundary.
     */
    static boolean value(RdbReader r) throws IOException {
        if (!r.encoding().scoresDescending()) {
            r.skipValue();
            return true;
        }
        double previous = Double.POSITIVE_INFINITY;
        while (r.next() == RdbToken.ELEMENT) {
            double score = r.score();
            if (score > previous || Double.isNaN(score)) return false;
            previous = score;
        }
        return true;
    }
}
