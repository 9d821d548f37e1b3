#!/usr/bin/env bash
# Have a real redis-server write a large AOF (plain RESP commands, no RDB preamble), for benchmarks.
# Usage: make-big-aof.sh SCALE OUT.aof   (SCALE as for make-big-rdb.sh; 0.1 is roughly 250 MB of AOF)
set -euo pipefail
scale=${1:?scale}; out=${2:?output file}
here=$(cd "$(dirname "$0")" && pwd)
server=${REDIS_SERVER:-redis-server}
command -v "$server" >/dev/null || { echo "make-big-aof: needs $server (apt-get install -y redis-server)" >&2; exit 2; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$server" --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly yes --aof-use-rdb-preamble no \
  --appendfsync no --auto-aof-rewrite-percentage 0 --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
cleanup() { redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
python3 "$here/gen-dataset.py" "$scale" | redis-cli -p "$port" --pipe >/dev/null
redis-cli -p "$port" shutdown save >/dev/null 2>&1 || true
sleep 1
incr=$(ls "$work"/appendonlydir/*.incr.aof 2>/dev/null | head -1)
[ -n "$incr" ] || incr="$work/appendonly.aof"
mv "$incr" "$out"
echo "make-big-aof: $out $(stat -c %s "$out") bytes"
