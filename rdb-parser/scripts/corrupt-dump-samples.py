#!/usr/bin/env python3
"""Builds the corrupt-DUMP samples from Redis's and Valkey's own test suites, with real servers as the oracle.

Usage:
  corrupt-dump-samples.py OUTDIR --tcl LABEL=corrupt-dump.tcl ... --server NAME=redis-server ...

Reads the RESTORE payloads of each tests/integration/corrupt-dump.tcl given (a test's payload
bytes are data; nothing else of the suite is kept), gives every distinct payload a valid CRC64
(the suites skip checksum validation for most of them), RESTOREs it into every server given with
`sanitize-dump-payload yes` (applying the test's own hash-max-listpack-entries setting), and writes

  OUTDIR/<case>.<verdict>.dump   the payload, named after the test it comes from; verdict is
                                 `refused` when every server whose RDB version covers the payload
                                 refuses it, `loads` when every such server loads it, else `mixed`
  OUTDIR/verdicts.tsv            case, source tests, config, claimed RDB version, and per server:
                                 loads | refused | crashed | version (payload newer than the server)

The Java test dev.salvor.rdb.CorruptDumpOracleTest re-runs the servers and compares.
"""
import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

# ---------------------------------------------------------------- CRC64 (Jones polynomial, reflected), as RDB uses

_POLY = 0x95AC9329AC4BC9B5
_TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ _POLY if c & 1 else c >> 1
    _TABLE.append(c)


def crc64(data):
    crc = 0
    for b in data:
        crc = _TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc


def with_valid_crc(payload):
    body = payload[:-8]
    return body + crc64(body).to_bytes(8, "little")


# ---------------------------------------------------------------- Tcl parsing

_ESC = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}


def tcl_unescape(s):
    """Backslash substitution of a Tcl double-quoted word; each character is one byte."""
    out = bytearray()
    i = 0
    while i < len(s):
        c = s[i]
        if c != "\\":
            out.append(ord(c))
            i += 1
            continue
        i += 1
        c = s[i]
        if c in _ESC:
            out.append(_ESC[c])
            i += 1
        elif c == "x":
            m = re.match(r"[0-9A-Fa-f]{1,2}", s[i + 1:])
            out.append(int(m.group(0), 16))
            i += 1 + len(m.group(0))
        elif c in "01234567":
            m = re.match(r"[0-7]{1,3}", s[i:])
            out.append(int(m.group(0), 8) & 0xFF)
            i += len(m.group(0))
        else:
            out.append(ord(c))
            i += 1
    return bytes(out)


def braced(text, start):
    """The index just past the brace block opening at text[start] == '{'."""
    depth = 0
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("unbalanced braces")


def quoted(text, start):
    """The index just past the double-quoted word opening at text[start] == '"'."""
    i = start + 1
    while text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i + 1


def slug(name):
    name = re.sub(r"^corrupt payload:\s*", "", name)
    name = name.replace("#", "issue-")
    s = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()
    return s[:80].rstrip("-")


def payloads(tcl_text):
    """(test name, payload bytes, config) for every RESTORE with a literal or variable payload."""
    variables = {}
    for m in re.finditer(r'^set (\w+) "', tcl_text, re.M):
        end = quoted(tcl_text, m.end() - 1)
        variables[m.group(1)] = tcl_unescape(tcl_text[m.end():end - 1])
    out = []
    for m in re.finditer(r"^\s*test \{", tcl_text, re.M):
        name_end = braced(tcl_text, m.end() - 1)
        name = tcl_text[m.end():name_end - 1]
        body_start = tcl_text.index("{", name_end)
        body = tcl_text[body_start:braced(tcl_text, body_start)]
        config = []
        for c in re.finditer(r"r config set (hash-max-listpack-entries) (\d+)", body):
            config.append((c.group(1), c.group(2)))
        n = 0
        for r in re.finditer(r"\br (?:restore|RESTORE) (\S+) (\d+) ", body):
            p = r.end()
            if body[p] == '"':
                end = quoted(body, p)
                data = tcl_unescape(body[p + 1:end - 1])
            elif body[p] == "$":
                data = variables[re.match(r"\$(\w+)", body[p:]).group(1)]
            else:
                continue
            n += 1
            out.append((name if n == 1 else f"{name} {n}", data, tuple(config)))
    return out


# ---------------------------------------------------------------- a minimal RESP client and server control

class Server:
    def __init__(self, binary):
        self.binary = binary
        self.proc = None
        self.sock = None

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="corrupt-dump-")
        for _ in range(5):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
            s.close()
            if self.port == 6379:
                continue
            self.proc = subprocess.Popen([self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                                          "--save", "", "--appendonly", "no", "--logfile", os.path.join(self.dir, "log"),
                                          "--sanitize-dump-payload", "yes", "--crash-memcheck-enabled", "no",
                                          "--use-exit-on-panic", "yes"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(100):
                try:
                    self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
                    info = self.call("INFO", "server")
                    if isinstance(info, bytes) and f"process_id:{self.proc.pid}\r\n".encode() in info:
                        self.version = re.search(rb"redis_version:(\S+)", info).group(1).decode()
                        return
                    self.sock.close()
                    break
                except OSError:
                    if self.proc.poll() is not None:
                        break
                    time.sleep(0.05)
            self.stop()
        raise RuntimeError("cannot start " + self.binary)

    def stop(self):
        if self.sock:
            self.sock.close()
            self.sock = None
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def call(self, *args):
        buf = [b"*%d\r\n" % len(args)]
        for a in args:
            a = a if isinstance(a, bytes) else str(a).encode()
            buf.append(b"$%d\r\n%s\r\n" % (len(a), a))
        self.sock.sendall(b"".join(buf))
        self.reader = self.sock.makefile("rb")
        return self._reply()

    def _reply(self):
        line = self.reader.readline()
        if not line:
            raise ConnectionError("closed")
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            return Exception(rest.decode())
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.reader.read(n + 2)
            return data[:-2]
        if t == b"*":
            return [self._reply() for _ in range(int(rest))]
        raise ValueError(line)

    def verdict(self, payload, config):
        """loads / refused / crashed for one RESTORE with deep sanitisation."""
        try:
            for k, v in config:
                self.call("CONFIG", "SET", k, v)
            r = self.call("RESTORE", "k", "0", payload, "REPLACE")
            for k, v in config:
                self.call("CONFIG", "SET", k, "128")
            if isinstance(r, Exception):
                return "refused"
            self.call("DEL", "k")
            return "loads"
        except (OSError, ConnectionError):
            self.stop()
            self.start()
            return "crashed"


def rdb_version_of(binary):
    """The highest RDB version the server loads (what it writes), from a DUMP of a string."""
    s = Server(binary)
    s.start()
    try:
        s.call("SET", "v", "x")
        d = s.call("DUMP", "v")
        return s.version, d[-10] | d[-9] << 8
    finally:
        s.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--tcl", action="append", default=[], help="LABEL=path of a corrupt-dump.tcl")
    ap.add_argument("--server", action="append", default=[], help="NAME=redis-server binary")
    a = ap.parse_args()

    cases = {}  # payload -> [names, sources, config]
    for spec in a.tcl:
        label, path = spec.split("=", 1)
        with open(path, encoding="latin-1") as f:
            text = f.read()
        for name, data, config in payloads(text):
            if len(data) < 11:
                continue
            data = with_valid_crc(data)
            c = cases.setdefault(data, [[], [], config])
            if name not in c[0]:
                c[0].append(name)
            c[1].append(label)

    servers = []
    for spec in a.server:
        name, binary = spec.split("=", 1)
        version, rdb = rdb_version_of(binary)
        servers.append((name, binary, rdb))
        print(f"{name}: redis_version {version}, RDB {rdb}", file=sys.stderr)

    names_used = set()
    rows = []
    for data, (names, sources, config) in cases.items():
        base = slug(names[0])
        case = base
        k = 2
        while case in names_used:
            case = f"{base}-{k}"
            k += 1
        names_used.add(case)
        rows.append([case, data, names, sorted(set(sources)), config, {}])

    for name, binary, rdb in servers:
        s = Server(binary)
        s.start()
        try:
            for row in rows:
                data = row[1]
                claimed = data[-10] | data[-9] << 8
                row[5][name] = "version" if claimed > rdb else s.verdict(data, row[4])
        finally:
            s.stop()

    os.makedirs(a.outdir, exist_ok=True)
    with open(os.path.join(a.outdir, "verdicts.tsv"), "w") as tsv:
        tsv.write("# case\tclaimed_rdb_version\tconfig\t" + "\t".join(n for n, _, _ in servers) + "\ttests\tsources\n")
        for case, data, names, sources, config, v in sorted(rows):
            covered = [v[n] for n, _, _ in servers if v[n] != "version"]
            if covered and all(x == "loads" for x in covered):
                verdict = "loads"
            elif covered and all(x in ("refused", "crashed") for x in covered):
                verdict = "refused"
            else:
                verdict = "mixed"
            with open(os.path.join(a.outdir, f"{case}.{verdict}.dump"), "wb") as f:
                f.write(data)
            claimed = data[-10] | data[-9] << 8
            cfg = ",".join(f"{k}={val}" for k, val in config) or "-"
            tsv.write(f"{case}\t{claimed}\t{cfg}\t" + "\t".join(v[n] for n, _, _ in servers)
                      + "\t" + " | ".join(names) + "\t" + ",".join(sources) + "\n")
    print(f"{len(rows)} distinct payloads", file=sys.stderr)


if __name__ == "__main__":
    main()
