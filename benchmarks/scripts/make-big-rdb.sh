#!/usr/bin/env bash
# Have a real redis-server write a large dataset as an RDB file, for benchmarks.
# Usage: make-big-rdb.sh SCALE OUT.rdb   (needs redis-server and redis-cli)
#   DATASET=value-heavy (default) gen-dataset.py: few keys, big LZF-compressed values; SCALE 0.7 ≈ 1 GB
#   DATASET=realistic             gen-realistic-dataset.py: mostly small keys; SCALE 1.0 ≈ 1.2 GB, 0.25 ≈ 300 MB
#   REDIS_SERVER=path             another server binary (e.g. ../shared/servers/redis-7.4/bin/redis-server)
set -euo pipefail
scale=${1:?scale}; out=${2:?output file}
here=$(cd "$(dirname "$0")" && pwd)
case ${DATASET:-value-heavy} in
  value-heavy) gen=gen-dataset.py ;;
  realistic) gen=gen-realistic-dataset.py ;;
  *) echo "make-big-rdb: DATASET must be value-heavy or realistic" >&2; exit 2 ;;
esac
server=${REDIS_SERVER:-redis-server}
command -v "$server" >/dev/null || { echo "make-big-rdb: needs $server (apt-get install -y redis-server)" >&2; exit 2; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$server" --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no \
  --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
cleanup() { redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
python3 "$here/$gen" "$scale" | redis-cli -p "$port" --pipe >/dev/null
redis-cli -p "$port" save >/dev/null
mv "$work/dump.rdb" "$out"
echo "make-big-rdb: $out $(stat -c %s "$out") bytes, $(redis-cli -p "$port" dbsize 2>/dev/null || true) keys in db0"
