package dev.salvor.aof;

/** What {@link AofReader#next()} found. */
public enum AofToken {
    /** An RDB preamble (AOF with aof-use-rdb-preamble, or a base file): {@link AofReader#start()}..{@link AofReader#end()}. */
    PREAMBLE,
    /** A command: {@link AofReader#argv()}, {@link AofReader#db()}, {@link AofReader#txId()}, ... */
    COMMAND,
    /** An annotation line such as {@code #TS:1700000000}: {@link AofReader#annotation()}. */
    ANNOTATION,
    /** End of input. */
    END
}
