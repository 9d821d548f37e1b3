#!/usr/bin/env python3
"""CPU seconds of a command by kind of thread (the JVM's JIT compilers, GC workers, the program's
own threads), read from /proc while it runs: on a shared machine wall time says little, CPU time
per thread says where the work went.

Usage: thread-cpu.py COMMAND [ARGS...]     (stdout of the command goes to /dev/null)
Prints one line per thread kind and the total; exits with the command's exit code.
"""
import collections
import os
import re
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")
KINDS = [
    ("JIT C2", r"^C2 CompilerThre"),
    ("JIT C1", r"^C1 CompilerThre"),
    ("GC", r"^(GC Thread|G1 |VM Periodic|Parallel GC|GC task)"),
    ("other JVM threads", r"^(VM Thread|Signal Dispatch|Finalizer|Reference Handl|Common-Cleaner|Service Thread|Monitor Deflati|Notification Th|Attach Listener|JFR |Sweeper)"),
]


def kind(name):
    for k, rx in KINDS:
        if re.search(rx, name):
            return k
    return "program: " + re.sub(r"-\d+$", "-N", name)


def sample(pid, seen):
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        seen[tid] = (name, (int(fields[11]) + int(fields[12])) / TICK)


def main(argv):
    seen = {}
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    while proc.poll() is None:
        sample(proc.pid, seen)
        time.sleep(0.05)
    wall = time.monotonic() - start
    by_kind = collections.Counter()
    for name, cpu in seen.values():
        by_kind[kind(name)] += cpu
    total = sum(by_kind.values())
    print(f"wall {wall:.2f} s, CPU {total:.2f} s (threads sampled every 50 ms; a thread's last 50 ms may be missed)")
    for k, cpu in by_kind.most_common():
        print(f"  {k}: {cpu:.2f} s ({cpu / total:.0%})" if total else f"  {k}: {cpu:.2f} s")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
