package dev.salvor.rdb;

/** Where a read stopped (for a visitor told that the walk was aborted): valid after the error, for post-mortem. */
public interface ReadProgress {
    /** Absolute offset of the next unread byte. */
    long offset();

    /** Where the record being read began. */
    long recordOffset();

    /** Whether the read stopped inside a key's value. */
    boolean inValue();

    /** The key being read, or null. */
    byte[] key();

    int db();

    /** Elements of the current value delivered before the stop. */
    long elementCount();

    /** Self-checking containers of the current value opened before the stop. */
    int containersOpened();

    RdbReader.Context context();

    String source();
}
