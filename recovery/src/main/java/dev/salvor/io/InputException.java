package dev.salvor.io;

import java.io.IOException;

/** An input that cannot be opened or unwrapped; the message is one line naming the input. */
public class InputException extends IOException {
    private static final long serialVersionUID = 1L;

    public InputException(String message) {
        super(message);
    }

    public InputException(String message, Throwable cause) {
        super(message, cause);
    }
}
