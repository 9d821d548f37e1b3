#!/usr/bin/env python3
"""compare-exports.py A.ndjson B.ndjson: do two NDJSON exports of the same RDB hold the same keys
and values? Lines are compared in order (both exporters walk the file in order); where the text
differs, the records are compared as JSON with scores as doubles. Prints the verdict; exit 1 on a
difference, naming the first one."""
import json
import sys


def norm(v):
    if isinstance(v, float):
        return v
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    return v


def main(a, b):
    lines = textual = 0
    with open(a, "rb") as fa, open(b, "rb") as fb:
        for la, lb in zip(fa, fb):
            lines += 1
            if la == lb:
                continue
            textual += 1
            ra, rb = json.loads(la, parse_int=float), json.loads(lb, parse_int=float)
            if norm(ra) != norm(rb):
                print(f"exports differ at line {lines}:\n  {la[:300]!r}\n  {lb[:300]!r}")
                return 1
        if fa.readline() or fb.readline():
            print(f"exports differ in length after {lines} lines")
            return 1
    print(f"verified: both exports hold the same {lines:,} keys ({textual:,} lines differ only in number text)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
