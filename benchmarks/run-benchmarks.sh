#!/usr/bin/env bash
# Whole-CLI-run throughput of salvor beside its peers, measured in the same run on the same files,
# then the JMH engine benchmarks. Prints Markdown tables (MB/s of input, ratios against the peers).
#
# Usage: benchmarks/run-benchmarks.sh [--quick | --full] [--runs N] [--datasets LIST] [--no-jmh] [--no-verify]
#   --quick (default)  realistic at scale 0.25 (≈ 300 MB), value-heavy at 0.2, 10 M tiny keys, AOF at 0.1
#   --full             realistic at scale 1.0 (≈ 1.2 GB), value-heavy at 0.7 (≈ 1 GB), 10 M tiny keys, AOF at 0.52 (≈ 1 GB)
#   --runs N           timed runs per command (default 3; the tables give the median)
#   --datasets LIST    comma-separated subset of: realistic,value-heavy,tiny-keys,aof
#   --no-jmh           whole runs only
#   --no-verify        skip checking that the Java peer's export equals salvor's on each file
# Environment: BENCH_DATA (where datasets are made once and kept; default benchmarks/target/data),
#   SALVOR_JAVA_OPTS (JVM options of every salvor run; default -Xmx256m), PEER_JAVA_OPTS (the Java peer's).
#
# Every dataset is written by a real redis-server (scripts/make-*.sh). The peers:
#   - redis-check-rdb / redis-check-aof: Debian's, and each server's own from ../shared/servers
#     (7.2, 7.4, 8.0-m01, Valkey 8.0) that loads the file's RDB version; ratios are taken against the
#     fastest of them;
#   - the Java peer: redis-replicator 3.8.1 parsing the same RDB into the same NDJSON through
#     Jackson (dev.salvor.bench.peer.ReplicatorJsonExport, only in the benchmarks jar); its output is
#     compared with salvor's before timing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mode=quick runs=3 datasets=realistic,value-heavy,tiny-keys,aof jmh=1 verify=1
while [ $# -gt 0 ]; do
  case $1 in
    --quick) mode=quick ;;
    --full) mode=full ;;
    --runs) runs=${2:?--runs N}; shift ;;
    --datasets) datasets=${2:?--datasets LIST}; shift ;;
    --no-jmh) jmh=0 ;;
    --no-verify) verify=0 ;;
    -h|--help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-benchmarks: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$mode" = full ]; then realistic_scale=1.0 heavy_scale=0.7 aof_scale=0.52
else realistic_scale=0.25 heavy_scale=0.2 aof_scale=0.1; fi
tiny_count=10000000

for tool in hyperfine redis-server redis-cli redis-check-rdb redis-check-aof python3 java; do
  command -v "$tool" >/dev/null || { echo "run-benchmarks: needs $tool (apt-get install -y hyperfine redis-server redis-tools)" >&2; exit 2; }
done
[ -f cli/target/salvor.jar ] && [ -f benchmarks/target/benchmarks.jar ] || mvn -B -q -DskipTests package

data=${BENCH_DATA:-$root/benchmarks/target/data}
results=$root/benchmarks/target/results/$(date +%Y%m%d-%H%M%S)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$data" "$results"
export JAVA_OPTS=${SALVOR_JAVA_OPTS:--Xmx256m}
peer_java_opts=${PEER_JAVA_OPTS:-}
shared=$(cd "$root/../shared" 2>/dev/null && pwd || true)

want() { [[ ",$datasets," == *",$1,"* ]]; }

# The checkers that can read a file of RDB version $1, as "label path" lines: Debian's (RDB <= 10)
# and each ../shared server's own, run through a link named like the tool (the server picks its
# role from argv[0]; the shared copy keeps its links as text files naming the binary).
checkers() {
  local version=$1 tool=$2
  if [ "$tool" = redis-check-aof ] || [ "$version" -le 10 ]; then
    echo "$tool ($(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'), Debian) $(command -v "$tool")"
  fi
  [ -n "$shared" ] || return 0
  local name max file target
  for name in redis-7.2:11 redis-7.4:12 redis-8.0-m01:12 valkey-8.0:11; do
    max=${name#*:} name=${name%:*}
    file=$shared/servers/$name/bin/$tool
    [ -f "$file" ] || continue
    [ "$tool" = redis-check-aof ] || [ "$version" -le "$max" ] || continue
    if [ -x "$file" ]; then target=$file; else target=$shared/servers/$name/bin/$(head -c 100 "$file" | tr -d '[:space:]'); fi
    [ -x "$target" ] || continue
    mkdir -p "$work/bin/$name"
    ln -sf "$target" "$work/bin/$name/$tool"
    echo "$tool ($name) $work/bin/$name/$tool"
  done
}

rdb_version() { head -c 9 "$1" | tail -c 4 | sed 's/^0*//'; }

# One dataset's whole-run table: hyperfine over every command, then the Markdown table.
declare -a names=() cmds=() kinds=() codes=()
add() { names+=("$1"); kinds+=("$2"); codes+=("$3"); cmds+=("$4"); }
measure() {
  local label=$1 file=$2 out=$3 keys=${4:-} i
  local -a args=()
  for i in "${!names[@]}"; do
    # One run outside the timing: the command must give the exit code it is expected to; GNU time
    # takes its peak memory for the table.
    set +e; /usr/bin/time -f %M -o "$work/rss.$i" bash -c "${cmds[$i]}" >/dev/null 2>"$work/err"; local rc=$?; set -e
    if [ "$rc" != "${codes[$i]}" ]; then
      echo "run-benchmarks: '${cmds[$i]}' exited $rc, expected ${codes[$i]}:" >&2; cat "$work/err" >&2; exit 1
    fi
    args+=(-n "${names[$i]}" "${cmds[$i]}")
  done
  hyperfine --style basic --runs "$runs" -i --export-json "$out.json" "${args[@]}" >"$out.log" 2>&1
  local i2 meta=()
  for i2 in "${!names[@]}"; do meta+=("${names[$i2]}	${kinds[$i2]}	$(tail -n 1 "$work/rss.$i2" 2>/dev/null || echo 0)"); done
  printf '%s\n' "${meta[@]}" >"$out.meta"
  python3 "$root/benchmarks/scripts/bench-table.py" "$label" "$file" "$out.json" "$out.meta" $keys
  names=() cmds=() kinds=() codes=()
}

salvor=$root/salvor
peer="java $peer_java_opts -cp $root/benchmarks/target/benchmarks.jar dev.salvor.bench.peer.ReplicatorJsonExport"

# The RDB commands of one dataset, peers first.
rdb_dataset() {
  local label=$1 file=$2 version keys
  version=$(rdb_version "$file")
  keys=$("$salvor" check --json "$file" | python3 -c 'import json, sys; print(json.load(sys.stdin)["keys"])')
  local damaged=$data/$(basename "$file" .rdb)-damaged.rdb
  if [ ! -f "$damaged" ] || [ "$damaged" -ot "$file" ]; then
    # One 4 KiB page in the middle zeroed, as a torn write leaves it.
    cp "$file" "$damaged"
    local size; size=$(stat -c %s "$file")
    dd if=/dev/zero of="$damaged" bs=4096 seek=$((size / 2 / 4096)) count=1 conv=notrunc status=none
  fi
  if [ "$verify" = 1 ]; then
    $peer "$file" "$work/peer.ndjson" 2>/dev/null
    "$salvor" export "$file" -o "$work/salvor.ndjson" --force
    if cmp -s "$work/peer.ndjson" "$work/salvor.ndjson"; then
      echo "Verified: the Java peer's export of $(basename "$file") is byte for byte salvor's."
    else
      python3 "$root/benchmarks/scripts/compare-exports.py" "$work/peer.ndjson" "$work/salvor.ndjson"
    fi
    echo
    rm -f "$work/peer.ndjson" "$work/salvor.ndjson"
  fi
  while read -r line; do
    add "${line% *}" check-peer 0 "${line##* } $file"
  done < <(checkers "$version" redis-check-rdb)
  add "redis-replicator 3.8.1 + Jackson → NDJSON (Java peer)" export-peer 0 "$peer $file -"
  add "salvor check" check 0 "$salvor check $file"
  add "salvor export (NDJSON, default threads)" export 0 "$salvor export $file"
  add "salvor export --threads 1" export 0 "$salvor export --threads 1 $file"
  add "salvor salvage (clean file)" salvage 0 "$salvor salvage $file -o $work/salvaged.rdb --force"
  add "salvor check (one zeroed 4 KiB page)" check-damaged 1 "$salvor check $damaged"
  add "salvor salvage (one zeroed 4 KiB page)" salvage-damaged 1 "$salvor salvage $damaged -o $work/salvaged.rdb --force"
  measure "$label" "$file" "$results/$(basename "$file" .rdb)" "$keys"
  if [ "$jmh" = 1 ]; then
    java -jar benchmarks/target/benchmarks.jar RdbThroughputBenchmark -p rdb="$file" -rf json -rff "$results/$(basename "$file" .rdb)-jmh.json" >"$results/$(basename "$file" .rdb)-jmh.log" 2>&1
    python3 "$root/benchmarks/scripts/bench-table.py" --jmh "$label" "$file" "$results/$(basename "$file" .rdb)-jmh.json"
  fi
}

echo "# Salvor benchmarks ($mode), $(date -u +%Y-%m-%dT%H:%MZ)"
echo
echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ {print $2}') GiB;" \
  "load average at start $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); salvor runs with JAVA_OPTS=$JAVA_OPTS;" \
  "page cache warm (each file read once before timing); median of $runs runs (hyperfine)."
echo

if want realistic; then
  f=$data/realistic-$realistic_scale.rdb
  [ -f "$f" ] || DATASET=realistic benchmarks/scripts/make-big-rdb.sh "$realistic_scale" "$f" >&2
  cat "$f" >/dev/null
  rdb_dataset "realistic (make-big-rdb realistic, scale $realistic_scale)" "$f"
fi
if want value-heavy; then
  f=$data/value-heavy-$heavy_scale.rdb
  [ -f "$f" ] || DATASET=value-heavy benchmarks/scripts/make-big-rdb.sh "$heavy_scale" "$f" >&2
  cat "$f" >/dev/null
  rdb_dataset "value-heavy (make-big-rdb value-heavy, scale $heavy_scale)" "$f"
fi
if want tiny-keys; then
  f=$data/tiny-keys-$tiny_count.rdb
  [ -f "$f" ] || benchmarks/scripts/make-tiny-keys-rdb.sh "$tiny_count" "$f" >&2
  cat "$f" >/dev/null
  rdb_dataset "tiny keys ($tiny_count strings under 20 bytes)" "$f"
fi
if want aof; then
  f=$data/aof-$aof_scale.aof
  [ -f "$f" ] || benchmarks/scripts/make-big-aof.sh "$aof_scale" "$f" >&2
  damaged=$data/aof-$aof_scale-damaged.aof
  if [ ! -f "$damaged" ] || [ "$damaged" -ot "$f" ]; then
    # One 4 KiB page in the middle zeroed, as a torn write leaves it.
    cp "$f" "$damaged"
    size=$(stat -c %s "$f")
    dd if=/dev/zero of="$damaged" bs=4096 seek=$((size / 2 / 4096)) count=1 conv=notrunc status=none
  fi
  cat "$f" "$damaged" >/dev/null
  while read -r line; do
    add "${line% *}" check-peer 0 "${line##* } $f"
  done < <(checkers 0 redis-check-aof)
  add "salvor check (AOF)" check 0 "$salvor check $f"
  add "salvor repair (AOF, writes the repaired copy)" repair 0 "$salvor repair $f -o $work/repaired.aof --force"
  add "salvor check (AOF, one zeroed 4 KiB page)" check-damaged 1 "$salvor check $damaged"
  add "salvor repair (AOF, one zeroed 4 KiB page)" repair-damaged 1 "$salvor repair $damaged -o $work/repaired.aof --force"
  measure "AOF (make-big-aof, value-heavy commands, scale $aof_scale)" "$f" "$results/aof-$aof_scale"
  if [ "$jmh" = 1 ]; then
    java -jar benchmarks/target/benchmarks.jar AofThroughputBenchmark -p aof="$f" -rf json -rff "$results/aof-jmh.json" >"$results/aof-jmh.log" 2>&1
    python3 "$root/benchmarks/scripts/bench-table.py" --jmh "AOF, scale $aof_scale" "$f" "$results/aof-jmh.json"
  fi
fi
echo "Load average at end: $(cut -d' ' -f1-3 /proc/loadavg). Raw results: ${results#"$root"/}"
