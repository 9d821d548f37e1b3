package dev.salvor.cli;

/** Exit codes of every command. */
public final class ExitCodes {
    /** Clean, or identical. */
    public static final int OK = 0;
    /** Damage or differences found. */
    public static final int FOUND = 1;
    /** Usage or I/O error. */
    public static final int ERROR = 2;

    private ExitCodes() {
    }
}
