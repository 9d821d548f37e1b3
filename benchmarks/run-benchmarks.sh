#!/usr/bin/env bash
# Throughput of `salvor check` and `salvor export` beside redis-check-rdb on the same large RDB,
# then the JMH benchmarks (single thread, warmed up). Figures go to stdout as a Markdown table.
# Usage: benchmarks/run-benchmarks.sh [SCALE] [RDB]   (default SCALE 0.7 ≈ 1.2 GB, made once into benchmarks/target/)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scale=${1:-0.7}
rdb=${2:-$root/benchmarks/target/bench-$scale.rdb}
cd "$root"
[ -f cli/target/salvor.jar ] && [ -f benchmarks/target/benchmarks.jar ] || mvn -q -DskipTests package
[ -f "$rdb" ] || { mkdir -p "$(dirname "$rdb")"; benchmarks/scripts/make-big-rdb.sh "$scale" "$rdb"; }
size=$(stat -c %s "$rdb")
mbps() { python3 -c "print(f'{$size/1e6/$1:.0f}')"; }
timed() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); python3 -c "print(f'{$e-$s:.2f}')"; }
cat "$rdb" >/dev/null # warm the page cache so every tool reads from memory
export JAVA_OPTS="-Xmx256m"
t_ref=$(timed redis-check-rdb "$rdb")
t_check=$(timed taskset -c 0 ./salvor check "$rdb")
t_export=$(timed ./salvor export "$rdb" --format ndjson)
echo "| command (file: $(basename "$rdb"), $((size / 1000000)) MB) | seconds | MB/s |"
echo "| --- | --- | --- |"
echo "| redis-check-rdb | $t_ref | $(mbps "$t_ref") |"
echo "| salvor check (JAVA_OPTS=-Xmx256m, one core via taskset) | $t_check | $(mbps "$t_check") |"
echo "| salvor export --format ndjson > /dev/null (JAVA_OPTS=-Xmx256m) | $t_export | $(mbps "$t_export") |"
echo
java -jar benchmarks/target/benchmarks.jar RdbThroughputBenchmark -p rdb="$rdb" -rf text -rff benchmarks/target/jmh.txt >/dev/null
echo "JMH (single thread, ms per whole-file operation; MB/s = $((size / 1000000)) MB / time):"
grep -E "^RdbThroughput|^Benchmark" benchmarks/target/jmh.txt
echo
aof=$root/benchmarks/target/bench-aof-0.1.aof
[ -f "$aof" ] || benchmarks/scripts/make-big-aof.sh 0.1 "$aof"
aofsize=$(stat -c %s "$aof")
t_aof=$(timed ./salvor check "$aof")
t_ref_aof=$(timed redis-check-aof "$aof")
echo "| command (file: $(basename "$aof"), $((aofsize / 1000000)) MB) | seconds | MB/s |"
echo "| --- | --- | --- |"
echo "| redis-check-aof | $t_ref_aof | $(python3 -c "print(f'{$aofsize/1e6/$t_ref_aof:.0f}')") |"
echo "| salvor check (AOF) | $t_aof | $(python3 -c "print(f'{$aofsize/1e6/$t_aof:.0f}')") |"
java -jar benchmarks/target/benchmarks.jar AofThroughputBenchmark -p aof="$aof" -rf text -rff benchmarks/target/jmh-aof.txt >/dev/null
grep -E "^AofThroughput|^Benchmark" benchmarks/target/jmh-aof.txt
