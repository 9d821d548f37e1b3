#!/usr/bin/env python3
"""Where a whole salvor run spends its CPU and its allocations, by part of the pipeline, from a
JFR recording (java -XX:StartFlightRecording=filename=F.jfr,settings=profile ...).

Usage: jfr-breakdown.py F.jfr [--keys N] [--cpu-seconds S]
  --keys N          turn shares into µs and bytes per key
  --cpu-seconds S   the run's user+sys CPU time (GNU time), to turn sample shares into seconds

Each execution or allocation sample is given to the first frame, walking from the leaf towards
main, that belongs to a part (below); frames of shared helpers (byte sources, StringRef, the JDK's
arrays) are passed through, so their cost lands on the part that called them. GC and JIT are not
in the samples of Java code: their time comes from the GC and compilation events.
"""
import collections
import json
import re
import subprocess
import sys

# (part, pattern on "package.Class.method"), first match wins for a frame.
PARTS = [
    ("UTF-8 classification", r"dev\.salvor\.export\.Utf8\."),
    ("JSON writing (Jackson)", r"com\.fasterxml\.jackson\.|dev\.salvor\.export\.RedisStrings\."),
    ("record buffering", r"dev\.salvor\.export\.RecordBuffer\."),
    ("parallel hand-off", r"ParallelExport\$ChunkStream|java\.util\.concurrent\.(ArrayBlockingQueue|LinkedBlockingQueue|locks\.)|ParallelExport\.(run|take|exportRange)|ParallelExport\$Planner\.submit"),
    ("filter", r"KeySelector|FilterOptions|RedisGlob"),
    ("CRC64", r"dev\.salvor\.rdb\.Crc64\."),
    ("LZF", r"dev\.salvor\.rdb\.Lzf\."),
    ("skim walk (planner / fast check)", r"RdbReader\.(skimValue|skipString|skipBytes|skipValue)$"),
    ("key header (opcodes, expiry, key name, type)", r"RdbReader\.(readTopLevel|skipKeyMeta|beginValue|readEof|readHeader)$"),
    ("value decode", r"RdbReader\.(decodeElement|nextElement|nextQuicklistItem|nextStreamElement|openStreamNode|readStreamEntry|openBlob|blobNext\w*|lpInt|scoreOf|fastDecimal|textDouble|binaryDouble|parseScore|ascendingName|inGroupPel)$|dev\.salvor\.rdb\.(Listpack|Ziplist|Intset|Zipmap)"),
    ("token dispatch (RdbReader.next)", r"RdbReader\.(next|startDumpValue)$"),
    ("exporter (per-key record framing, dispatch)", r"dev\.salvor\.export\.NdjsonExporter\."),
    ("checker walk", r"dev\.salvor\.check\."),
    ("salvage", r"dev\.salvor\.salvage\."),
    ("output (stdout, files)", r"java\.io\.(FileOutputStream|BufferedOutputStream|PrintStream)|sun\.nio\.ch\.FileChannelImpl\.write"),
    ("file input", r"dev\.salvor\.rdb\.ByteSource\.(fill|refill|read\w*)|sun\.nio\.ch\.FileChannelImpl\.read"),
    ("CLI start-up (picocli, class loading)", r"picocli\.|java\.lang\.ClassLoader|jdk\.internal\.loader"),
]
COMPILED = [(name, re.compile(p)) for name, p in PARTS]


def frame_name(f):
    m = f["method"]
    return m["type"]["name"].replace("/", ".") + "." + m["name"]


def part_of(frames):
    for f in frames:
        name = frame_name(f)
        for part, rx in COMPILED:
            if rx.search(name):
                return part
    if not frames:
        return "other (no stack)"
    cls = frame_name(frames[0]).rsplit(".", 1)[0]
    return "other (" + cls.rsplit(".", 1)[-1] + ")"


def short(name):
    """Class.method without the package."""
    cls, method = name.rsplit(".", 1)
    return cls.rsplit(".", 1)[-1] + "." + method


def events(path, types):
    out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", ",".join(types), path],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)["recording"]["events"]


def seconds(d):
    # JFR prints durations like "PT0.012345S" in JSON, or plain numbers of nanoseconds
    if isinstance(d, (int, float)):
        return d / 1e9
    m = re.match(r"PT(?:(\d+)M)?([\d.]+)S", d)
    return (int(m.group(1) or 0) * 60 + float(m.group(2))) if m else 0.0


def main(argv):
    path = argv[0]
    keys = cpu = None
    if "--keys" in argv:
        keys = int(argv[argv.index("--keys") + 1])
    if "--cpu-seconds" in argv:
        cpu = float(argv[argv.index("--cpu-seconds") + 1])

    samples = collections.Counter()
    by_thread = collections.Counter()
    leaves = collections.defaultdict(collections.Counter)
    for e in events(path, ["jdk.ExecutionSample"]):
        frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
        part = part_of(frames)
        samples[part] += 1
        thread = e["values"]["sampledThread"]["javaName"] or "?"
        by_thread[re.sub(r"-\d+$", "-N", thread)] += 1
        if frames:
            leaves[part][frame_name(frames[0])] += 1
    total = sum(samples.values()) or 1

    alloc = collections.Counter()
    alloc_class = collections.defaultdict(collections.Counter)
    for e in events(path, ["jdk.ObjectAllocationSample"]):
        v = e["values"]
        frames = v["stackTrace"]["frames"] if v.get("stackTrace") else []
        part = part_of(frames)
        w = v.get("weight", 0)
        alloc[part] += w
        alloc_class[part][v["objectClass"]["name"].replace("/", ".")] += w
    alloc_total = sum(alloc.values()) or 1

    gc = sum(seconds(e["values"]["duration"]) for e in events(path, ["jdk.GarbageCollection"]))
    pauses = sum(seconds(e["values"]["duration"]) for e in events(path, ["jdk.GCPhasePause"]))
    comps = events(path, ["jdk.Compilation"])
    jit = sum(seconds(e["values"]["duration"]) for e in comps)
    c2 = sum(seconds(e["values"]["duration"]) for e in comps if e["values"].get("compileLevel") == 4)

    print(f"{path}: {total:,} execution samples of Java code")
    print()
    head = "| part | CPU share |" + (" CPU s |" if cpu else "") + (" µs/key |" if cpu and keys else "") + " allocated | " + ("bytes/key | " if keys else "") + "top leaves / classes |"
    print(head)
    print("|" + " --- |" * (head.count("|") - 1))
    for part, n in sorted(samples.items(), key=lambda x: -x[1]):
        share = n / total
        row = f"| {part} | {share:.1%} |"
        if cpu:
            row += f" {share * cpu:.2f} |"
            if keys:
                row += f" {share * cpu * 1e6 / keys:.2f} |"
        a = alloc.get(part, 0)
        row += f" {a / 1e6:,.0f} MB ({a / alloc_total:.0%}) |"
        if keys:
            row += f" {a / keys:,.0f} |"
        top = ", ".join(f"{short(k)} {c / n:.0%}" for k, c in leaves[part].most_common(3))
        cls = ", ".join(f"{k.rsplit('.', 1)[-1]} {c / 1e6:,.0f} MB" for k, c in alloc_class[part].most_common(3))
        row += f" {top}" + (f"; allocates {cls}" if cls else "") + " |"
        print(row)
    unsampled = sum(a for part, a in alloc.items() if part not in samples)
    if unsampled:
        print(f"| parts with allocation samples only | 0 |" + (" |" if cpu else "") + (" |" if cpu and keys else "")
              + f" {unsampled / 1e6:,.0f} MB ({unsampled / alloc_total:.0%}) |" + (" |" if keys else "") + " |")
    print()
    print(f"Allocation sampled in all: {alloc_total / 1e6:,.0f} MB" + (f", {alloc_total / keys:,.0f} bytes per key" if keys else ""))
    print(f"GC: {gc:.2f} s in collections (pauses {pauses:.2f} s); JIT: {len(comps)} compilations over the event threshold,"
          f" {jit:.2f} s compiling ({c2:.2f} s in C2)")
    print("Samples by thread: " + ", ".join(f"{t} {n / total:.0%}" for t, n in by_thread.most_common()))


if __name__ == "__main__":
    main(sys.argv[1:])
