package dev.salvor.select;

import dev.salvor.io.InputException;

/** An input that is neither an RDB nor an AOF file, damaged or not: a usage error, not damage. */
public class NotRedisFileException extends InputException {
    private static final long serialVersionUID = 1L;

    public NotRedisFileException(String message) {
        super(message);
    }
}
