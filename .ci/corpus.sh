#!/usr/bin/env bash
# Runs every file of the shared corpus through ./salvor and compares with the live-server truth.
# Usage: .ci/corpus.sh SHARED_DIR    Prints one line per file and a closing "N passed, M failed".
set -uo pipefail
shared=${1:?shared dir}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

# RDB fixtures: export equals the truth, check exits 0.
while IFS= read -r rdb; do
  name=${rdb#"$shared"/}
  exp=${rdb%.rdb}.expected.ndjson
  [ -f "$exp" ] || exp=$exp.gz
  [ -f "$exp" ] || exp=$(dirname "$rdb")/dataset.expected.ndjson
  if ./salvor check "$rdb" >"$tmp/check.out" 2>&1; then ok "check $name"; else bad "check $name: $(tail -1 "$tmp/check.out")"; fi
  # memory: every key estimated (as many as the server held), the per-key records add up to the total
  if ./salvor memory "$rdb" --json >"$tmp/mem.json" 2>"$tmp/err" && ./salvor memory "$rdb" --keys >"$tmp/mem.ndjson" 2>>"$tmp/err" \
     && python3 - "$tmp/mem.json" "$tmp/mem.ndjson" "$exp" >"$tmp/cmp" 2>&1 <<'PY'
import gzip, json, os, sys
report = json.load(open(sys.argv[1]))
records = [json.loads(l) for l in open(sys.argv[2])]
assert report["total"]["keys"] == len(records), "records %d, total %d" % (len(records), report["total"]["keys"])
assert report["total"]["bytes"] == sum(r["bytes"] for r in records), "bytes do not add up"
exp = sys.argv[3]
if os.path.exists(exp):
    truth = sum(1 for _ in (gzip.open(exp, "rt") if exp.endswith(".gz") else open(exp)))
    assert truth == len(records), "server held %d keys, memory estimated %d" % (truth, len(records))
print("%d keys, %d bytes" % (len(records), report["total"]["bytes"]))
PY
  then ok "memory $name ($(cat "$tmp/cmp"))"; else bad "memory $name: $(cat "$tmp/err" "$tmp/cmp" 2>/dev/null | tail -1)"; fi
  [ -f "$exp" ] || continue
  if ./salvor export "$rdb" --format ndjson >"$tmp/out.ndjson" 2>"$tmp/err" \
     && python3 "$shared/tools/compare-ndjson.py" "$exp" "$tmp/out.ndjson" >"$tmp/cmp" 2>&1; then
    ok "export $name ($(cat "$tmp/cmp"))"
  else
    bad "export $name: $(cat "$tmp/err" "$tmp/cmp" 2>/dev/null | tail -1)"
  fi
done < <(find "$shared/fixtures" -name '*.rdb' -not -path '*aof*' | sort)

# AOF fixtures: check exits 0 and export yields every command.
while IFS= read -r aof; do
  name=${aof#"$shared"/}
  if ./salvor check "$aof" >"$tmp/check.out" 2>&1; then ok "check $name"; else bad "check $name: $(tail -1 "$tmp/check.out")"; fi
  if ./salvor export "$aof" --format ndjson >"$tmp/out.ndjson" 2>"$tmp/err"; then ok "export $name ($(wc -l <"$tmp/out.ndjson") records)"; else bad "export $name: $(tail -1 "$tmp/err")"; fi
  # memory reads an RDB preamble; an AOF of commands only is refused with one line saying so
  ./salvor memory "$aof" >"$tmp/mem.out" 2>"$tmp/err"; code=$?
  if [ $code -eq 0 ] && grep -q 'RDB preamble' "$tmp/mem.out"; then ok "memory $name (preamble)";
  elif [ $code -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q 'no RDB preamble' "$tmp/err"; then ok "memory $name (commands only: refused)";
  else bad "memory $name: exit $code $(tail -1 "$tmp/err")"; fi
done < <(find "$shared/fixtures" \( -name appendonly.aof -o -name appendonlydir \) | sort)

# Peer dumps: read without error, or rejected with a clear one-line message for a documented reason.
documented_rejections='module value of the Redis 4.0 release candidates'
while IFS= read -r dump; do
  name=${dump#"$shared"/}
  if ./salvor export "$dump" --format ndjson >"$tmp/out.ndjson" 2>"$tmp/err"; then
    ok "read $name"
  else
    msg=$(cat "$tmp/err")
    if [ "$(wc -l <"$tmp/err")" -le 1 ] && grep -q "$documented_rejections" "$tmp/err"; then ok "rejected $name (documented: $msg)"; else bad "read $name: $msg"; fi
  fi
  case "$dump" in *.aof) continue ;; esac
  if ./salvor memory "$dump" >"$tmp/mem.out" 2>"$tmp/err"; then
    ok "memory $name"
  else
    msg=$(cat "$tmp/err")
    if [ "$(wc -l <"$tmp/err")" -le 1 ] && grep -q "$documented_rejections" "$tmp/err"; then ok "memory rejected $name (documented: $msg)"; else bad "memory $name: $msg"; fi
  fi
done < <(find "$shared/peer-dumps" -type f \( -name '*.rdb' -o -name '*.aof' \) | sort)

echo "corpus: $pass passed, $fail failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
