"""Median ns/op per benchmark over the rounds of `go test -bench` output, and ratios peer / m2mauth.

  python3 ratios.py BENCH_OUTPUT

Benchmark names are <group>/<row...>/<contender>; the contender named m2mauth is the reference (in the
Primitive rows, which have no m2mauth, the raw OpenSSL call under it: "openssl").
"""

from __future__ import annotations

import re
import statistics
import sys
from collections import OrderedDict
from typing import Dict, List

LINE = re.compile(r"^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op(?:\s+(\d+) B/op\s+(\d+) allocs/op)?")


def fmt(ns: float) -> str:
    return f"{ns:9.0f} ns" if ns < 1e4 else f"{ns / 1e3:9.1f} us"


def main() -> int:
    rows: "OrderedDict[str, Dict[str, List[float]]]" = OrderedDict()
    allocs: Dict[tuple, str] = {}
    rounds = 0
    for line in open(sys.argv[1], encoding="utf-8"):
        m = LINE.match(line)
        if not m:
            continue
        row, _, who = m.group(1).rpartition("/")
        rows.setdefault(row, {}).setdefault(who, []).append(float(m.group(2)))
        rounds = max(rounds, len(rows[row][who]))
        if m.group(4) is not None:
            allocs[(row, who)] = m.group(4)
    order = ["golang-jwt", "go-jose", "x-oauth2", "go-crypto"]
    peers = sorted({w for r in rows.values() for w in r if w not in ("m2mauth", "openssl")},
                   key=lambda w: order.index(w) if w in order else 9)
    print(f"median of {rounds} rounds (ns/op, allocs/op in brackets); ratio = peer time / m2mauth time\n")
    print(f"{'row':22} {'m2mauth|openssl':>17} " + " ".join(f"{p:>17}" for p in peers) + "   "
          + " ".join(f"{p:>10}" for p in peers))
    for row, by in rows.items():
        ref = "m2mauth" if "m2mauth" in by else "openssl"
        mine = statistics.median(by[ref]) if ref in by else None
        cells, ratios = [], []
        for who in [ref] + peers:
            if who in by:
                cells.append(f"{fmt(statistics.median(by[who]))} ({allocs.get((row, who), '?'):>3})")
            else:
                cells.append(f"{'-':>17}")
        for p in peers:
            ratios.append(f"{statistics.median(by[p]) / mine:9.2f}x" if p in by and mine else f"{'-':>10}")
        print(f"{row.replace('JWT/', ''):22} " + " ".join(f"{c:>17}" for c in cells) + "   " + " ".join(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
