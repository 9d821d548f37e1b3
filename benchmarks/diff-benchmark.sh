#!/usr/bin/env bash
# Keys per second of `salvor diff RDB redis://...` against a live redis-server on loopback.
# Usage: benchmarks/diff-benchmark.sh [KEYS]   (default 1,000,000; needs redis-server, redis-cli, python3)
# DIFF_ARGS adds options, e.g. DIFF_ARGS="--max-memory 64m" JAVA_OPTS=-Xmx256m for bounded memory.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
keys=${1:-1000000}
cd "$root"
[ -f cli/target/salvor.jar ] || mvn -q -DskipTests package
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log"
trap 'redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
python3 - "$keys" <<'PY' | redis-cli -p "$port" --pipe >/dev/null
import sys
n = int(sys.argv[1]); out = sys.stdout.buffer
def cmd(*a):
    a = [str(x).encode() for x in a]
    out.write(b"*%d\r\n" % len(a) + b"".join(b"$%d\r\n%s\r\n" % (len(x), x) for x in a))
for i in range(n):
    k = i % 10
    if k < 6: cmd("SET", "key:%d" % i, "value-%d-%s" % (i, "x" * (i % 40)))
    elif k == 6: cmd("HSET", "hash:%d" % i, "a", i, "b", "text")
    elif k == 7: cmd("RPUSH", "list:%d" % i, "a", "b", i)
    elif k == 8: cmd("SADD", "set:%d" % i, "x", "y", i)
    else: cmd("ZADD", "zset:%d" % i, i, "m", 1, "n")
PY
redis-cli -p "$port" save >/dev/null
start=$(date +%s.%N)
JAVA_OPTS=${JAVA_OPTS:--Xmx1g} ./salvor diff "$work/dump.rdb" "redis://127.0.0.1:$port" ${DIFF_ARGS:-} >/dev/null
end=$(date +%s.%N)
python3 -c "t=$end-$start; print(f'diff of {$keys:,} keys (RDB file against a live server on loopback): {t:.1f} s, {$keys/t:,.0f} keys/s')"
