package dev.salvor.rdb;

import java.io.IOException;

/**
 * KeyDB's cron jobs (type 64, KEYDB.CRON), as KeyDB's src/rdb.cpp rdbLoadObject reads them: the
 * script (an RDB string), the start time and the interval (8-byte little-endian Unix ms each),
 * the key count and the keys, the argument count and the arguments (RDB strings). Delivered as a
 * {@link ElementKind#CRON_JOB} (the script, with {@code cronStartMs()} and {@code cronIntervalMs()}),
 * then one {@link ElementKind#CRON_KEY} per key and one {@link ElementKind#CRON_ARG} per argument.
 */
final class CronDecoder extends ValueDecoder {
    private enum Phase { JOB, KEYS, ARGS, DONE }

    private Phase phase;
    private long remaining;

    CronDecoder(RdbInput in, RdbStrings strings, ValueCursor v) {
        super(in, strings, v);
    }

    @Override
    void begin(RdbEncoding encoding, long typeOffset) {
        phase = Phase.JOB;
    }

    @Override
    boolean next() throws IOException {
        v.fieldExpireAtMs = -1;
        switch (phase) {
            case JOB -> {
                strings.read(v.item, "cron script", maxString());
                v.cronStartMs = in.le(8, "cron start time");
                v.cronIntervalMs = in.le(8, "cron interval");
                remaining = in.count("cron key count");
                phase = Phase.KEYS;
                v.kind = ElementKind.CRON_JOB;
                return true;
            }
            case KEYS -> {
                if (remaining > 0) {
                    remaining--;
                    strings.read(v.item, "cron key", in.constraints.maxKeySize());
                    v.kind = ElementKind.CRON_KEY;
                    return true;
                }
                remaining = in.count("cron argument count");
                phase = Phase.ARGS;
                return next();
            }
            case ARGS -> {
                if (remaining > 0) {
                    remaining--;
                    strings.read(v.item, "cron argument", maxString());
                    v.kind = ElementKind.CRON_ARG;
                    return true;
                }
                phase = Phase.DONE;
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    @Override
    void skipFraming() throws IOException {
        if (phase == Phase.JOB) {
            strings.skip("cron script", maxString());
            in.skip(16, "cron start time and interval");
            remaining = in.count("cron key count");
            phase = Phase.KEYS;
        }
        if (phase == Phase.KEYS) {
            for (; remaining > 0; remaining--) strings.skip("cron key", in.constraints.maxKeySize());
            remaining = in.count("cron argument count");
            phase = Phase.ARGS;
        }
        if (phase == Phase.ARGS) {
            for (; remaining > 0; remaining--) strings.skip("cron argument", maxString());
            phase = Phase.DONE;
        }
    }
}
