#!/usr/bin/env bash
# Have a real redis-server write an RDB of COUNT tiny string keys (keys and values under 20 bytes:
# integers, short text, words), the per-key worst case for a parser. The server builds the keys
# itself with a Lua loop, a million per call, then SAVEs.
# Usage: make-tiny-keys-rdb.sh COUNT OUT.rdb   (10000000 ≈ 200 MB; REDIS_SERVER=path for another server)
set -euo pipefail
count=${1:?count}; out=${2:?output file}
server=${REDIS_SERVER:-redis-server}
command -v "$server" >/dev/null || { echo "make-tiny-keys-rdb: needs $server (apt-get install -y redis-server)" >&2; exit 2; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$server" --port "$port" --bind 127.0.0.1 --dir "$work" --save '' --appendonly no \
  --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
cleanup() { redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
# shellcheck disable=SC2016
lua='local words = {"active", "pending", "ok", "shipped", "north", "blue", "yes", "no"}
for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  local k = i % 4
  local v
  if k == 0 then v = tostring(i)
  elseif k == 1 then v = "v:" .. tostring(i * 7919 % 1000003)
  elseif k == 2 then v = words[i % 8 + 1]
  else v = tostring(i % 100000) .. "ms" end
  redis.call("SET", "k:" .. tostring(i), v)
end
return 0'
for ((start = 0; start < count; start += 1000000)); do
  end_=$((start + 1000000 < count ? start + 1000000 - 1 : count - 1))
  redis-cli -p "$port" eval "$lua" 0 "$start" "$end_" >/dev/null
done
redis-cli -p "$port" save >/dev/null
mv "$work/dump.rdb" "$out"
echo "make-tiny-keys-rdb: $out $(stat -c %s "$out") bytes, $(redis-cli -p "$port" dbsize 2>/dev/null || true) keys"
