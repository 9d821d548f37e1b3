package dev.salvor.export;

import dev.salvor.rdb.RedisType;

/** Chooses which keys an export or diff looks at. */
@FunctionalInterface
public interface KeySelector {
    KeySelector ALL = (db, key, type) -> true;

    boolean select(int db, byte[] key, RedisType type);
}
