#!/usr/bin/env python3
# Writes, to stdout, the RESP commands of a large mixed dataset for `redis-cli --pipe`: the
# "realistic" benchmark dataset (most keys small), the same commands as the project's
# shared/tools/gen-big-dataset.py, so files made from either are identical.
# Usage: gen-realistic-dataset.py SCALE   (1.0 = about 1.2 GB of RDB: 3.5 M keys of every type, 1 M-element keys,
# streams with groups, +-inf scores, expiries, 2 dbs). Deterministic for a given SCALE. make-big-rdb.sh wraps it.
import sys, random, base64, os
scale = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
rnd = random.Random(12345)
out = sys.stdout.buffer
buf = []
bufsize = 0
def flush():
    global buf, bufsize
    out.write(b"".join(buf)); buf = []; bufsize = 0
def emit(b):
    global bufsize
    buf.append(b); 
    bufsize += len(b)
    if bufsize > (4 << 20): flush()
def enc(x):
    if isinstance(x, str): x = x.encode()
    elif isinstance(x, int): x = str(x).encode()
    return b"$%d\r\n%s\r\n" % (len(x), x)
def cmd(*args):
    return b"*%d\r\n" % len(args) + b"".join(enc(a) for a in args)
def cmd_pre(head, pre_args, n):
    # head: list of raw args, pre_args: already-encoded arg chunks
    return b"*%d\r\n" % (len(head) + n) + b"".join(enc(a) for a in head) + b"".join(pre_args)

RAND = base64.b64encode(rnd.randbytes(8 << 20))   # random text source
WORDS = ("the quick brown fox jumps over lazy dog redis stream value user session cart item price order "
         "status active pending shipped delivered customer email address city country lorem ipsum dolor "
         "sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna").split()
def rand_text(n):
    o = rnd.randrange(0, len(RAND) - n)
    return RAND[o:o+n]
def comp_text(n):
    # compressible: json-ish repeated words
    parts = []
    L = 0
    while L < n:
        w = WORDS[rnd.randrange(len(WORDS))]
        parts.append(w); L += len(w) + 1
    return (" ".join(parts)[:n]).encode()
def json_text():
    return ('{"id":%d,"name":"%s","email":"%s@example.com","tags":["%s","%s"],"active":%s,"score":%d.%02d,"bio":"%s"}' % (
        rnd.randrange(10**7), WORDS[rnd.randrange(len(WORDS))], WORDS[rnd.randrange(len(WORDS))],
        WORDS[rnd.randrange(len(WORDS))], WORDS[rnd.randrange(len(WORDS))], rnd.choice(["true","false"]),
        rnd.randrange(1000), rnd.randrange(100), comp_text(rnd.randrange(20, 300)).decode())).encode()

# pools of pre-encoded elements
def pool(gen, n):
    return [enc(gen()) for _ in range(n)]
P_INT = pool(lambda: rnd.choice([rnd.randrange(0, 256), rnd.randrange(-40000, 40000), rnd.randrange(-2**31, 2**31), rnd.randrange(-2**62, 2**62)]), 200000)
P_WORD = pool(lambda: WORDS[rnd.randrange(len(WORDS))] + ":" + str(rnd.randrange(100000)), 200000)
P_RAND = pool(lambda: rand_text(rnd.randrange(6, 40)), 200000)
P_COMP = pool(lambda: comp_text(rnd.randrange(10, 60)), 200000)
P_LONG = pool(lambda: rand_text(rnd.randrange(65, 200)), 20000)  # forces non-listpack encodings
def pick(p, n):
    s = rnd.randrange(0, len(p) - n) if n < len(p) else 0
    return p[s:s+n]
def mixed(n):
    k = rnd.randrange(4)
    p = (P_INT, P_WORD, P_RAND, P_COMP)[k]
    return pick(p, n)

FUTURE = 1893456000000  # 2030-01-01
def N(x): return max(1, int(x * scale))

emit(cmd("SELECT", "0"))
# 1. 3M small strings
for i in range(N(3_000_000)):
    r = rnd.random()
    if r < 0.25:
        v = rnd.choice([rnd.randrange(0, 128), rnd.randrange(-30000, 30000), rnd.randrange(-2**31, 2**31), rnd.randrange(-2**63, 2**63)])
    elif r < 0.55:
        v = rand_text(rnd.randrange(8, 80))
    elif r < 0.80:
        v = comp_text(rnd.randrange(20, 250))
    else:
        v = json_text()
    key = b"%s:%d" % (rnd.choice((b"user", b"session", b"cache", b"cfg", b"tok")), i)
    if rnd.random() < 0.1:
        emit(cmd("SET", key, v, "PXAT", FUTURE + rnd.randrange(10**10)))
    else:
        emit(cmd("SET", key, v))
# 2. 200k hashes of 10-50 fields
FN = [enc("field_%d" % j) for j in range(200)]
for i in range(N(200_000)):
    n = rnd.randrange(10, 51)
    vals = mixed(n)
    if rnd.random() < 0.05:  # hashtable encoding
        vals = list(vals); vals[0] = P_LONG[rnd.randrange(len(P_LONG))]
    off = rnd.randrange(0, 150)
    args = []
    for j in range(n):
        args.append(FN[off + j]); args.append(vals[j])
    emit(cmd_pre(["HSET", b"hash:%d" % i], args, len(args)))
    if rnd.random() < 0.05: emit(cmd("PEXPIREAT", b"hash:%d" % i, FUTURE + i))
# 3. 100k lists of 20-500 elements
for i in range(N(100_000)):
    n = 20 + int(480 * rnd.random() ** 2)
    emit(cmd_pre(["RPUSH", b"list:%d" % i], mixed(n), n))
# 4. 100k sets (intset and hashtable)
for i in range(N(100_000)):
    n = 5 + int(195 * rnd.random() ** 2)
    p = P_INT if rnd.random() < 0.4 else (P_WORD, P_RAND, P_COMP)[rnd.randrange(3)]
    emit(cmd_pre(["SADD", b"set:%d" % i], pick(p, n), n))
# 5. 100k zsets
SC = [enc(x) for x in ([str(j) for j in range(1000)] + ["%.6f" % (rnd.random()*1e6) for _ in range(5000)] + ["-%d.5" % j for j in range(500)] + ["inf", "-inf"])]
for i in range(N(100_000)):
    n = 5 + int(195 * rnd.random() ** 2)
    mem = mixed(n)
    if rnd.random() < 0.05:
        mem = list(mem); mem[0] = P_LONG[rnd.randrange(len(P_LONG))]
    args = []
    for j in range(n):
        args.append(SC[rnd.randrange(len(SC))]); args.append(mem[j])
    emit(cmd_pre(["ZADD", b"zset:%d" % i], args, len(args)))
# 6. 2k streams x 1000 entries
for i in range(N(2000)):
    key = b"stream:%d" % i
    t = 1700000000000 + i * 100000
    for e in range(1000):
        t += rnd.randrange(0, 3)
        nf = rnd.randrange(1, 5)
        args = [b"XADD", key, b"%d-%d" % (t, e)]
        for f in range(nf):
            args.append(("sensor", "temp", "humidity", "status", "msg")[f]); args.append(rnd.choice([str(rnd.randrange(1000)), comp_text(rnd.randrange(5, 40))]))
        emit(cmd(*args))
    if i % 4 == 0:
        emit(cmd("XGROUP", "CREATE", key, "g1", "0"))
        emit(cmd("XREADGROUP", "GROUP", "g1", "c1", "COUNT", rnd.randrange(1, 50), "STREAMS", key, ">"))
        emit(cmd("XREADGROUP", "GROUP", "g1", "c2", "COUNT", rnd.randrange(1, 50), "STREAMS", key, ">"))
    if i % 10 == 0:
        emit(cmd("XDEL", key, b"%d-%d" % (t, 999)))
# 7. big keys (1M elements each)
BIG = N(1_000_000)
for name, fn in (("biglist", "RPUSH"), ("bigset", "SADD")):
    for start in range(0, BIG, 1000):
        n = min(1000, BIG - start)
        if fn == "SADD":
            els = [enc(b"m:%d" % (start + j)) for j in range(n)]
        else:
            els = mixed(n)
        emit(cmd_pre([fn, "big:" + name], els, n))
for start in range(0, BIG, 1000):
    n = min(1000, BIG - start)
    vals = mixed(n); args = []
    for j in range(n):
        args.append(enc(b"f:%d" % (start + j))); args.append(vals[j])
    emit(cmd_pre(["HSET", "big:hash"], args, len(args)))
for start in range(0, BIG, 1000):
    n = min(1000, BIG - start)
    args = []
    for j in range(n):
        args.append(SC[rnd.randrange(len(SC))]); args.append(enc(b"zm:%d" % (start + j)))
    emit(cmd_pre(["ZADD", "big:zset"], args, len(args)))
# a few large strings
for i in range(N(20)):
    emit(cmd("SET", b"blob:%d" % i, rand_text(rnd.randrange(100000, 2000000)) if i % 2 else comp_text(rnd.randrange(100000, 2000000))))
# db 1: a small second database
emit(cmd("SELECT", "1"))
for i in range(N(50_000)):
    emit(cmd("SET", b"db1:%d" % i, rand_text(rnd.randrange(5, 60))))
flush()
