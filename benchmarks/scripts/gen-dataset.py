#!/usr/bin/env python3
"""Print RESP commands for a large mixed Redis dataset, to pipe into `redis-cli --pipe`.

Usage: gen-dataset.py SCALE   (SCALE 0.7 is roughly 1.2 GB of RDB)

Deterministic for a given SCALE (fixed seed). Covers every data type in the encodings a server
chooses for small and large values: short and long strings (compressible text and random bytes,
integers), small lists/sets/zsets/hashes (listpack/intset) and large ones (quicklist/hashtable/
skiplist) with up to a million elements, streams with consumer groups, -inf/+inf scores,
expiries, and two databases.
"""
import os
import random
import sys

scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
rng = random.Random(20261123)
out = sys.stdout.buffer
pending = []
pending_bytes = 0


def arg(x):
    if isinstance(x, int):
        x = str(x)
    if isinstance(x, str):
        x = x.encode()
    return b"$%d\r\n%s\r\n" % (len(x), x)


def send(*args):
    global pending_bytes
    chunk = b"*%d\r\n" % len(args) + b"".join(arg(a) for a in args)
    pending.append(chunk)
    pending_bytes += len(chunk)
    if pending_bytes >= 1 << 22:
        flush()


def flush():
    global pending, pending_bytes
    out.write(b"".join(pending))
    pending, pending_bytes = [], 0


VOCAB = ("alpha beta gamma delta order invoice customer product price total quantity shipped "
         "pending cancelled region north south east west status active archived token session "
         "cart checkout payment refund warehouse stock supplier rating review comment").split()
NOISE = os.urandom(1) and bytes(rng.getrandbits(8) for _ in range(1 << 20))


def words(n):
    return " ".join(rng.choice(VOCAB) for _ in range(n))


def noise(n):
    start = rng.randrange(0, len(NOISE) - n)
    return NOISE[start:start + n]


def document():
    return ('{"id":%d,"owner":"%s","tags":["%s","%s"],"amount":%d.%02d,"note":"%s"}' % (
        rng.randrange(1 << 30), rng.choice(VOCAB), rng.choice(VOCAB), rng.choice(VOCAB),
        rng.randrange(10000), rng.randrange(100), words(rng.randrange(3, 40))))


def member():
    kind = rng.randrange(4)
    if kind == 0:
        return str(rng.randrange(-(1 << 40), 1 << 40))
    if kind == 1:
        return "%s:%d" % (rng.choice(VOCAB), rng.randrange(10 ** 6))
    if kind == 2:
        return noise(rng.randrange(8, 40))
    return words(rng.randrange(1, 6))


def many(prefix, count, fn):
    for i in range(count):
        fn("%s:%d" % (prefix, i))


n = lambda base: max(1, int(base * scale))

for db in (0, 3):
    send("SELECT", db)
    # strings: documents, counters, random blobs, long text
    many("doc:%d" % db, n(900_000), lambda k: send("SET", k, document()))
    many("count:%d" % db, n(400_000), lambda k: send("SET", k, rng.randrange(-(1 << 62), 1 << 62)))
    many("blob:%d" % db, n(80_000), lambda k: send("SET", k, noise(rng.randrange(50, 4000))))
    many("text:%d" % db, n(20_000), lambda k: send("SET", k, words(rng.randrange(200, 3000))))
    # expiring sessions (absolute times far in the future)
    many("session:%d" % db, n(100_000), lambda k: send("SET", k, document(), "PXAT", 4102444800000 + rng.randrange(10 ** 9)))
    # small collections (listpack / intset encodings)
    many("list:s:%d" % db, n(60_000), lambda k: send("RPUSH", k, *[member() for _ in range(rng.randrange(2, 60))]))
    many("set:i:%d" % db, n(30_000), lambda k: send("SADD", k, *[rng.randrange(1 << 31) for _ in range(rng.randrange(2, 200))]))
    many("set:s:%d" % db, n(30_000), lambda k: send("SADD", k, *[member() for _ in range(rng.randrange(2, 60))]))
    many("zset:s:%d" % db, n(40_000), lambda k: send("ZADD", k, *[x for _ in range(rng.randrange(2, 60))
                                                                  for x in (rng.choice(["-inf", "+inf", str(rng.uniform(-1e6, 1e6)), str(rng.randrange(1000))]), member())]))
    many("hash:s:%d" % db, n(60_000), lambda k: send("HSET", k, *[x for i in range(rng.randrange(2, 30)) for x in ("f%d" % i, member())]))
    # large collections (quicklist / hashtable / skiplist encodings)
    for i in range(n(12)):
        key = "list:big:%d:%d" % (db, i)
        for _ in range(50):
            send("RPUSH", key, *[member() for _ in range(2000)])
    for i in range(n(12)):
        key = "set:big:%d:%d" % (db, i)
        for _ in range(40):
            send("SADD", key, *[member() for _ in range(2000)])
    for i in range(n(12)):
        key = "zset:big:%d:%d" % (db, i)
        for _ in range(40):
            send("ZADD", key, *[x for _ in range(1000) for x in (str(rng.uniform(-1e9, 1e9)), member())])
    for i in range(n(12)):
        key = "hash:big:%d:%d" % (db, i)
        for _ in range(40):
            send("HSET", key, *[x for _ in range(1000) for x in ("%s:%d" % (rng.choice(VOCAB), rng.randrange(10 ** 9)), member())])
    # one collection of a million elements
    if db == 0 and scale >= 0.5:
        for _ in range(500):
            send("RPUSH", "list:million", *[member() for _ in range(2000)])
    # streams with consumer groups
    for i in range(n(200)):
        key = "stream:%d:%d" % (db, i)
        for _ in range(200):
            send("XADD", key, "*", "event", rng.choice(VOCAB), "payload", document())
        send("XGROUP", "CREATE", key, "workers", "0")
        send("XREADGROUP", "GROUP", "workers", "w1", "COUNT", 50, "STREAMS", key, ">")
flush()
