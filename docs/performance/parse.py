"""Readers of the text the benchmarks print (render.py turns what they return into the performance page).

Each reader takes the text of one output file and returns plain data; a file that is absent or holds no row
gives an empty result, so the page shows what was measured and says what was not. The formats are those of
tests/bench/callgrind_peers.sh, callgrind_jose.sh, bench_token, bench_jose --section table,
python/bench/peers.py, bindings/go/bench/ratios.py and bindings/java/bench/ratios.py, and of the
instructions-per-read lines docs/performance/measure.sh writes for bench_token --reads."""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

ALGS = ("HS256", "RS256", "ES256", "EdDSA")
ROWS = tuple(f"{a} {op}" for a in ALGS for op in ("sign", "verify"))

Num = Optional[float]


def _num(s: str) -> Num:
    s = s.strip().rstrip("x")
    try:
        return float(s)
    except ValueError:
        return None


def _seconds(value: str, unit: str) -> float:
    return float(value) * {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0}[unit]


def machine(text: str) -> Dict[str, str]:
    """'key: value' lines (measure.sh's machine.txt)."""
    out: Dict[str, str] = {}
    for line in text.splitlines():
        k, sep, v = line.partition(":")
        if sep and k.strip():
            out[k.strip()] = v.strip()
    return out


def callgrind_peers(text: str) -> Dict[str, Dict[str, Num]]:
    """{'HS256 sign': {'m2mauth': instr, 'libjwt': instr or None, 'raw': instr}} (callgrind_peers.sh)."""
    out: Dict[str, Dict[str, Num]] = {}
    for line in text.splitlines():
        m = re.match(r"^(\S+ (?:sign|verify))\s*\|\s*(\S+)\s+(\S+)\s+(\S+)\s*\|", line)
        if m:
            out[m.group(1)] = {"m2mauth": _num(m.group(2)), "libjwt": _num(m.group(3)), "raw": _num(m.group(4))}
    return out


def instructions(text: str) -> Dict[str, int]:
    """{case: instructions per call} from callgrind_jose.sh lines 'CASE  N instructions per call ...'."""
    out: Dict[str, int] = {}
    for line in text.splitlines():
        m = re.match(r"^(\S+)\s+(\d+) instructions per call", line)
        if m:
            out[m.group(1)] = int(m.group(2))
    return out


def token_reads(text: str) -> Dict[int, int]:
    """{keys: instructions per read} from measure.sh's 'keys K N instructions per read' lines."""
    out: Dict[int, int] = {}
    for line in text.splitlines():
        m = re.match(r"^keys\s+(\d+)\s+(\d+) instructions per read", line)
        if m:
            out[int(m.group(1))] = int(m.group(2))
    return out


def token_fill(text: str) -> Dict[Tuple[int, int], int]:
    """{(keys from, keys to): instructions per key added} from measure.sh's 'fill A B N instructions per key' lines."""
    out: Dict[Tuple[int, int], int] = {}
    for line in text.splitlines():
        m = re.match(r"^fill\s+(\d+)\s+(\d+)\s+(\d+) instructions per key", line)
        if m:
            out[(int(m.group(1)), int(m.group(2)))] = int(m.group(3))
    return out


def bench_token(text: str) -> Dict[str, object]:
    """bench_token's tables: designs {name: (1 thread/s, 2 threads/s)}, keys {keys: (fill us, oldest ns, all ns,
    fill CPU us or None)},
    threads {threads: (reads/s, ns/read/thread)}, storm (requests after the first) and memory line."""
    designs: Dict[str, Tuple[float, float]] = {}
    keys: Dict[int, Tuple[float, float, float]] = {}
    threads: Dict[int, Tuple[float, float]] = {}
    section, storm, memory = "", None, ""
    for line in text.splitlines():
        if line.startswith("design"):
            section = "designs"
        elif line.startswith("keys held"):
            section = "keys"
        elif line.startswith("threads reading"):
            section = "threads"
        elif line.startswith("memory:"):
            memory = line[len("memory:"):].strip()
        elif line.startswith("refresh storm"):
            m = re.search(r"-> (\d+) token request", line)
            storm = int(m.group(1)) if m else None
        elif section == "designs":
            m = re.match(r"^(.+?)\s{2,}(\d+)\s+(\d+)\s+[\d.]+x\s+[\d.]+$", line)
            if m:
                designs[m.group(1).strip()] = (float(m.group(2)), float(m.group(3)))
        elif section == "keys":
            # keys, fill us/key, [fill CPU us/key (bench_token since the fill is timed in CPU time too)],
            # oldest ns/read, all keys ns/read
            m = re.match(r"^\s*(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)(?:\s+([\d.]+))?$", line)
            if m:
                if m.group(5) is None:
                    keys[int(m.group(1))] = (float(m.group(2)), float(m.group(3)), float(m.group(4)), None)
                else:
                    keys[int(m.group(1))] = (float(m.group(2)), float(m.group(4)), float(m.group(5)),
                                             float(m.group(3)))
        elif section == "threads":
            m = re.match(r"^\s*(\d+)\s+([\d.]+)\s+([\d.]+)$", line)
            if m:
                threads[int(m.group(1))] = (float(m.group(2)), float(m.group(3)))
    return {"designs": designs, "keys": keys, "threads": threads, "storm": storm, "memory": memory}


def bench_jose_table(text: str) -> Dict[str, Tuple[float, float]]:
    """{alg: (sign % of raw, verify % of raw)} from bench_jose --section table."""
    out: Dict[str, Tuple[float, float]] = {}
    for line in text.splitlines():
        m = re.match(r"^(\w+)\s*\|\s*\d+\s+\d+\s+\d+\s+([\d.]+)%\s*\|\s*\d+\s+\d+\s+([\d.]+)%", line)
        if m:
            out[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    return out


def _peer_header(text: str) -> List[str]:
    """The peers of the first 'row REFERENCE P1 P2 ... P1 P2 ...' header (times, then ratios)."""
    for line in text.splitlines():
        words = line.split()
        if words and words[0] == "row" and len(words) > 3:
            return words[2:][: (len(words) - 2) // 2]
    return []


def python_peers(text: str) -> Dict[str, object]:
    """python/bench/peers.py: peers, rows {row: (m2mauth seconds, {peer: ratio})}, token and oauth1 rows."""
    peers = _peer_header(text)
    rows: Dict[str, Tuple[float, Dict[str, Num]]] = {}
    token: Optional[Tuple[float, Dict[str, Num]]] = None
    oauth1: Optional[Tuple[float, Num]] = None
    for line in text.splitlines():
        m = re.match(r"^(\S+ (?:sign|verify \((?:decode|Verifier)\)))\s+([\d.]+) (ns|us)\s", line)
        if m and peers:
            ratios = line.split()[-len(peers):]
            rows[m.group(1)] = (_seconds(m.group(2), m.group(3)), dict(zip(peers, (_num(r) for r in ratios))))
            continue
        m = re.match(r"^cached token read\s+([\d.]+) (ns|us)\s", line)
        if m:
            r = line.split()[-2:]
            token = (_seconds(m.group(1), m.group(2)), {"authlib": _num(r[0]), "authlib attribute": _num(r[1])})
            continue
        m = re.match(r"^OAuth 1.0 HMAC-SHA1 sign\s+([\d.]+) (ns|us)\s.*\s([\d.]+)x\s*$", line)
        if m:
            oauth1 = (_seconds(m.group(1), m.group(2)), float(m.group(3)))
    return {"peers": peers, "rows": rows, "token": token, "oauth1": oauth1, "machine": _machine_line(text)}


def go_peers(text: str) -> Dict[str, object]:
    """bindings/go/bench/ratios.py: peers, rows {row: (reference seconds, allocs, {peer: ratio})}."""
    peers = _peer_header(text)  # the reference column is "m2mauth|openssl"
    rows: Dict[str, Tuple[float, Num, Dict[str, Num]]] = {}
    for line in text.splitlines():
        m = re.match(r"^(\S+)\s+([\d.]+) (ns|us) \(\s*(\S+)\)", line)
        if m and peers:
            ratios = line.split()[-len(peers):]
            rows[m.group(1)] = (_seconds(m.group(2), m.group(3)), _num(m.group(4)),
                                dict(zip(peers, (_num(r) for r in ratios))))
    return {"peers": peers, "rows": rows, "machine": _machine_line(text)}


def java_peers(text: str) -> Dict[str, object]:
    """bindings/java/bench/ratios.py: peers, rows {'HS256 sign': (m2mauth seconds, {peer: ratio})}."""
    peers = _peer_header(text)
    unit = 1e-6
    m = re.search(r"\((\S+)/op\)", text)
    if m:
        unit = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}.get(m.group(1), 1e-6)
    rows: Dict[str, Tuple[float, Dict[str, Num]]] = {}
    for line in text.splitlines():
        m = re.match(r"^(\S+ (?:sign|verify))\s+([\d.]+)\s", line)
        if m and peers:
            ratios = line.split()[-len(peers):]
            rows[m.group(1)] = (float(m.group(2)) * unit, dict(zip(peers, (_num(r) for r in ratios))))
    return {"peers": peers, "rows": rows, "machine": _machine_line(text)}


def _machine_line(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("machine:"):
            return line[len("machine:"):].strip()
    return ""
