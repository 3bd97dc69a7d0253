"""Median per-call time over JMH runs (JSON results) and ratios peer / m2mauth.

  python3 ratios.py ROUND1.json [ROUND2.json ...]

Benchmarks are named <op>_<contender> with an "alg" parameter; m2mauth is the reference.
"""

from __future__ import annotations

import json
import statistics
import sys
from typing import Dict, List, Tuple

PEERS = ["nimbus", "jjwt", "auth0"]


def main() -> int:
    scores: Dict[Tuple[str, str], Dict[str, List[float]]] = {}
    unit = "us/op"
    for path in sys.argv[1:]:
        for r in json.load(open(path, encoding="utf-8")):
            op, _, who = r["benchmark"].rsplit(".", 1)[1].partition("_")
            alg = r.get("params", {}).get("alg", "")
            unit = r["primaryMetric"]["scoreUnit"]
            scores.setdefault((alg, op), {}).setdefault(who, []).append(r["primaryMetric"]["score"])
    order = {"HS256": 0, "RS256": 1, "ES256": 2, "EdDSA": 3}
    print(f"median of {len(sys.argv) - 1} JMH runs ({unit}); ratio = peer time / m2mauth time\n")
    print(f"{'row':14} {'m2mauth':>10} " + " ".join(f"{p:>10}" for p in PEERS) + "   "
          + " ".join(f"{p:>8}" for p in PEERS))
    for (alg, op) in sorted(scores, key=lambda k: (order.get(k[0], 9), k[1])):
        by = {w: statistics.median(v) for w, v in scores[(alg, op)].items()}
        mine = by.get("m2mauth")
        cells = [f"{by[w]:10.2f}" if w in by else f"{'-':>10}" for w in ["m2mauth"] + PEERS]
        ratios = [f"{by[p] / mine:7.2f}x" if p in by and mine else f"{'-':>8}" for p in PEERS]
        print(f"{alg + ' ' + op:14} " + " ".join(cells) + "   " + " ".join(ratios))
    return 0


if __name__ == "__main__":
    sys.exit(main())
