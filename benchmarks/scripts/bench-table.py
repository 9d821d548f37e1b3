#!/usr/bin/env python3
"""Markdown tables for run-benchmarks.sh.

bench-table.py LABEL FILE HYPERFINE.json META [KEYS]
    One dataset's whole runs. META has one line per command: name, kind, peak RSS in KB
    (tab-separated); kinds: check-peer (redis-check-*), export-peer (the Java peer), check, export,
    salvage, check-damaged, salvage-damaged, repair, repair-damaged (AOF). Ratios: the fastest check-peer's median time over the
    row's (x redis-check), and the export-peer's over the row's (x Java peer).
bench-table.py --jmh LABEL FILE JMH.json
    The JMH results of one dataset (single-shot ms per whole-file operation).
"""
import json
import os
import sys


def mb(size):
    return size / 1e6


def jmh(label, path, results):
    size = os.path.getsize(path)
    print(f"JMH, {label}: {os.path.basename(path)}, {mb(size):,.0f} MB (one thread unless named parallel; warmed up)")
    print()
    print("| dataset | benchmark | ms per file | MB/s |")
    print("| --- | --- | --- | --- |")
    for r in json.load(open(results)):
        name = r["benchmark"].rsplit(".", 1)[-1]
        ms = r["primaryMetric"]["score"]
        err = r["primaryMetric"].get("scoreError")
        err_txt = f" ± {err:,.0f}" if isinstance(err, (int, float)) and err == err else ""
        print(f"| {label} | `{name}` | {ms:,.0f}{err_txt} | {mb(size) / (ms / 1000):,.0f} |")
    print()


def whole(label, path, results, meta, keys):
    size = os.path.getsize(path)
    rows = json.load(open(results))["results"]
    info = [line.rstrip("\n").split("\t") for line in open(meta) if line.strip()]
    kinds = {i[0]: i[1] for i in info}
    rss = {i[0]: int(i[2]) for i in info}
    checkers = [r["median"] for r in rows if kinds[r["command"]] == "check-peer"]
    peers = [r["median"] for r in rows if kinds[r["command"]] == "export-peer"]
    best_checker = min(checkers) if checkers else None
    peer = peers[0] if peers else None
    keys_txt = f", {keys:,} keys" if keys else ""
    print(f"Whole runs, {label}: {os.path.basename(path)}, {mb(size):,.0f} MB{keys_txt}")
    print()
    print("| dataset | command | median s | min–max s | CPU s (mean) | MB/s | µs/key | × fastest redis-check | × Java peer | peak RSS MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for r in rows:
        name, kind, t = r["command"], kinds[r["command"]], r["median"]
        cpu = r["user"] + r["system"]
        per_key = f"{t * 1e6 / keys:.2f}" if keys else "—"
        own = kind not in ("check-peer", "export-peer")
        x_check = f"{best_checker / t:.2f}×" if best_checker and own else "—"
        x_peer = f"{peer / t:.2f}×" if peer and own and kind in ("export", "salvage", "salvage-damaged") else "—"
        print(f"| {label} | {name} | {t:.2f} | {r['min']:.2f}–{r['max']:.2f} | {cpu:.2f} | {mb(size) / t:,.0f} | {per_key} "
              f"| {x_check} | {x_peer} | {rss[name] / 1024:,.0f} |")
    print()


if __name__ == "__main__":
    if sys.argv[1] == "--jmh":
        jmh(*sys.argv[2:5])
    else:
        whole(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]) if len(sys.argv) > 5 else 0)
