"""Renders docs/performance.md and its plots (docs/performance/*.svg) from the benchmarks' text output.

  python3 docs/performance/render.py DATA_DIR [--out DOCS_DIR]

DATA_DIR holds what docs/performance/measure.sh writes (machine.txt, callgrind_*.txt, bench_token.txt,
bench_jose.txt, python_peers.txt, go_peers.txt, java_peers.txt); any file may be missing, and the page then
says so. DOCS_DIR (default: the docs/ folder this script sits in) receives performance.md and performance/*.svg.
Standard library only; the same data gives the same bytes."""

from __future__ import annotations

import argparse
import os
import pathlib
import sys
from typing import Dict, List, Optional, Sequence, Tuple

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import parse  # noqa: E402
import svg  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
LANGS = ("C", "Python", "Go", "Java")


def read(data: pathlib.Path, name: str) -> str:
    p = data / name
    return p.read_text(encoding="utf-8") if p.is_file() else ""


def ratio(a: Optional[float], b: Optional[float]) -> Optional[float]:
    return a / b if a is not None and b else None


def x(v: Optional[float], digits: int = 2) -> str:
    return "n/a" if v is None else f"{v:.{digits}f}x"


def count(v: Optional[float]) -> str:
    if v is None:
        return "n/a"
    return f"{v / 1e6:.2f} M" if v >= 1e6 else f"{v / 1e3:.1f} k" if v >= 1e4 else f"{v:.0f}"


def duration(s: Optional[float]) -> str:
    if s is None:
        return "n/a"
    return f"{s * 1e9:.0f} ns" if s < 1e-6 else f"{s * 1e6:.2f} µs" if s < 1e-3 else f"{s * 1e3:.2f} ms"


def table(head: Sequence[str], rows: List[Sequence[str]]) -> str:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


class Page:
    def __init__(self, out: pathlib.Path):
        self.out = out
        self.parts: List[str] = []
        self.plots: List[str] = []

    def text(self, s: str) -> None:
        self.parts.append(s.strip("\n"))

    def plot(self, name: str, content: str, alt: str) -> None:
        (self.out / "performance").mkdir(parents=True, exist_ok=True)
        (self.out / "performance" / f"{name}.svg").write_text(content, encoding="utf-8")
        self.plots.append(name)
        self.parts.append(f"![{alt}](performance/{name}.svg)")

    def write(self) -> None:
        # plots of an earlier rendering that this data no longer makes would be stale
        for old in sorted((self.out / "performance").glob("*.svg")):
            if old.stem not in self.plots:
                old.unlink()
        (self.out / "performance.md").write_text("\n\n".join(self.parts) + "\n", encoding="utf-8")


HARNESSES = """
### What each harness measures

- C (`tests/bench/bench_peers.cpp`): libjwt 1.x takes its key as PEM per token (its API has no parsed-key
  object) and has no EdDSA. "raw" is the floor: the signature alone over the same signing input (no JSON, no
  base64url), so for HS256 it leaves out everything but the HMAC. Built without libjwt it prints "libjwt not
  found". `callgrind_peers.sh` runs `bench_peers --one` at two iteration counts and prints the marginal
  instructions per call, free of the wall-clock noise.
- Python (`python/bench/peers.py`, peers pinned in `python/bench/requirements-peers.txt`):
  `m2mauth.jwt.encode`/`decode` (and a reused `Verifier`) against each peer's fastest documented use; the cached
  token read is `OAuth2Client.token()` against authlib's `OAuth2Session` (`ensure_active_token` then `.token`,
  what it does before each request; and the bare attribute); OAuth 1.0 is `oauth1.Client.sign` against
  oauthlib's `Client.sign`. The calling thread's CPU time.
- Go (`bindings/go/bench`, a module of its own with a `replace` to the binding, so the library module gains no
  dependency; x/oauth2 v0.38 needs Go 1.26): the test binary is built once and run once per round; `ratios.py`
  prints medians. Verify decodes the claims into each library's type for the registered claims (m2mauth's
  `RegisteredClaims`, golang-jwt's `RegisteredClaims`, go-jose's `jwt.Claims`). The cached read is
  `TokenManager.Token` against x/oauth2's `ReuseTokenSource`.
- Java (`bindings/java/bench`, a Maven project over the m2mauth jar packed from the build and installed into a
  private repository under the build): JMH, 1 fork, 6 x 1 s warm-up (on a loaded machine the peers are still
  being compiled after 2 s), 3 x 500 ms measured. The Java peers have no token cache, so no cached-read row.
- Earlier runs' tables, written by hand before this page was generated: [earlier-figures.md](performance/earlier-figures.md)."""


def slower_rows(peers_c, py, go, java) -> List[str]:
    """'Language row (peer ratio)' for every row where some peer beat m2mauth."""
    out: List[str] = []
    for r, v in peers_c.items():
        q = ratio(v["libjwt"], v["m2mauth"])
        if q is not None and q < 1:
            out.append(f"C {r} (libjwt {x(q)})")
    for lang, rows, at in (("Python", py["rows"], 1), ("Go", go["rows"], 2), ("Java", java["rows"], 1)):
        for r, v in rows.items():
            if r.startswith("Primitive"):
                continue
            for p, q in v[at].items():
                if q is not None and q < 1:
                    out.append(f"{lang} {r} ({p} {x(q)})")
    if py["token"]:
        for p, q in py["token"][1].items():
            if q is not None and q < 1:
                out.append(f"Python cached token read ({p} {x(q)})")
    return out


CLAIM_CASES = ("sign", "floor-sign", "verify", "floor-verify")


def size(n: int) -> str:
    return f"{n // 1000} KB" if n >= 1000 else f"{n} B"


def fastest_peer(ratios: Dict[str, Optional[float]]) -> Optional[float]:
    vals = [r for r in ratios.values() if r is not None]
    return min(vals) if vals else None


def render(data: pathlib.Path, out: pathlib.Path) -> Page:
    page = Page(out)
    m = parse.machine(read(data, "machine.txt"))
    peers_c = parse.callgrind_peers(read(data, "callgrind_peers.txt"))
    floor = parse.instructions(read(data, "callgrind_floor.txt"))
    jwks = parse.instructions(read(data, "callgrind_jwks.txt"))
    claims = parse.instructions(read(data, "callgrind_claims.txt"))
    reads = parse.token_reads(read(data, "callgrind_token.txt"))
    fill_instr = parse.token_fill(read(data, "callgrind_token.txt"))
    tok = parse.bench_token(read(data, "bench_token.txt"))
    jose = parse.bench_jose_table(read(data, "bench_jose.txt"))
    py = parse.python_peers(read(data, "python_peers.txt"))
    go = parse.go_peers(read(data, "go_peers.txt"))
    java = parse.java_peers(read(data, "java_peers.txt"))
    try:
        where = f"`{data.resolve().relative_to(REPO).as_posix()}/`"
    except ValueError:
        where = "a measurement folder outside the repository"

    page.text(f"""
# Performance

<!-- Generated by docs/performance/render.py from the benchmarks' output: edit the script, not this page. -->

What m2mauth costs next to the raw cryptographic primitive it wraps and next to the libraries users would
otherwise pick, per algorithm and per language, and how the cost grows with the input (claims size, JWKS
size, number of token keys) and with threads. Every figure is a **ratio measured in one run** (or an
instruction count, which does not depend on the machine's load); above 1, m2mauth is faster or cheaper.

## How these figures were made

Rendered from {where}, measured on {m.get('date', 'an unrecorded date')}: {m.get('cpu', 'CPU not recorded')},
load average {m.get('load average at start', 'not recorded')} at the start and {m.get('load average at end', 'not recorded')}
at the end (1, 5, 15 minutes), library at
commit {m.get('commit', 'unknown')}, {m.get('build', '?')} build, {m.get('compiler', 'compiler not recorded')},
{m.get('openssl', 'OpenSSL not recorded')}.

```sh
sh docs/performance/measure.sh BUILD_DIR OUTPUT_DIR [machine callgrind token jose python go java]
python3 docs/performance/render.py OUTPUT_DIR          # this page and docs/performance/*.svg, from the text alone
```

`measure.sh` runs the benchmarks (the parts named, by default `machine callgrind token jose python`), keeps
what each prints in `OUTPUT_DIR` and then runs `render.py`, which reads only those text files: the C
instruction counts (`tests/bench/callgrind_peers.sh`, `tests/bench/callgrind_jose.sh`, and `bench_token
--reads` under callgrind), `bench_token` and `bench_jose --section table` (wall clock), and the peer
comparisons of `python/bench/peers.py`, `bindings/go/bench/peers.sh` and `bindings/java/bench/peers.sh`.
BUILD_DIR is a Release build (`cmake -S . -B build-rel -G Ninja -DCMAKE_BUILD_TYPE=Release
-DM2MAUTH_BUILD_PYTHON=ON`, plus `-DM2MAUTH_BUILD_JAVA=ON` for `java`). `python/tests/test_performance_page.py`
renders the committed data and checks the page and every plot.

**Noise.** Instruction counts (callgrind, marked "instr.") repeat from run to run to a fraction of a per cent
and are the figures to compare over time. Wall-clock figures depend on the load: on a quiet machine they move
by a few per cent between runs; on a shared 2-core machine at a load average above 10 they move by 10-30 %, and
single rows by 2x or more (a two-thread row can show less than one thread when the other core is busy, a
binding can seem faster than the primitive it calls). Contenders are interleaved round by round so that a
ratio is fairer than either time: compare wall-clock ratios within one run, and trust only those well away
from 1.""")

    # ---- against the raw primitive -------------------------------------------------------------
    page.text("## Against the raw primitive (C)")
    if peers_c:
        rows = [r for r in parse.ROWS if r in peers_c]
        page.text("""
Instructions per call through the C API, next to "raw": the signature alone over the same signing input with
one reused OpenSSL context (no JSON, no base64url), and next to libjwt 1.x (which takes its key as PEM per
token and has no EdDSA). The m2mauth call builds the claims (iss, sub, aud, iat, exp, a random jti) and
returns the compact JWT, or verifies signature, algorithm, exp, iss and aud and returns the claims. For RSA,
ECDSA and EdDSA the cost is the primitive's; for HS256 the HMAC is cheap and JSON, base64url and claim checks
show (the floor below).""")
        page.plot("c-vs-raw-and-libjwt", svg.bar_chart(
            "C API: other's instructions / m2mauth's (above 1: m2mauth cheaper)", rows,
            [("raw OpenSSL / m2mauth", [ratio(peers_c[r]["raw"], peers_c[r]["m2mauth"]) for r in rows]),
             ("libjwt / m2mauth", [ratio(peers_c[r]["libjwt"], peers_c[r]["m2mauth"]) for r in rows])],
            "ratio (log scale)", log=True, ref=1.0, ref_label="equal cost"),
            "C API instructions per call against raw OpenSSL and libjwt")
        page.text(table(["row", "m2mauth instr.", "raw instr.", "libjwt instr.", "raw / m2mauth", "libjwt / m2mauth"],
                        [[r, count(peers_c[r]["m2mauth"]), count(peers_c[r]["raw"]), count(peers_c[r]["libjwt"]),
                          x(ratio(peers_c[r]["raw"], peers_c[r]["m2mauth"])),
                          x(ratio(peers_c[r]["libjwt"], peers_c[r]["m2mauth"]))] for r in rows]))
    else:
        page.text("No C instruction counts in this data (`measure.sh ... callgrind`).")
    if floor:
        names = [("jwt-sign", "core `jwt_sign` (Claims)", "floor-sign"),
                 ("jwt-sign-json", "core `jwt_sign_json` (text)", "floor-sign"),
                 ("capi-sign", "C API `m2mauth_jwt_sign`", "floor-sign"),
                 ("jwt-verify", "core `Verifier::verify` (iss, aud, exp)", "floor-verify"),
                 ("capi-verify", "C API `m2mauth_verifier_verify`", "floor-verify")]
        page.text("""
**HS256 against its floor** (`tests/bench/hs256_floor.hpp`: base64url and HMAC-SHA256 over the same bytes,
no JSON): the share of the floor's speed, by instructions. Targets: sign ≥ 85 %, verify ≥ 80 %.""")
        page.text(table(["case", "instr. per call", "floor instr.", "% of the floor's speed"],
                        [[label, count(floor.get(c)), count(floor.get(f)),
                          f"{100 * floor[f] / floor[c]:.1f} %" if c in floor and f in floor else "n/a"]
                         for c, label, f in names]))
    if jose:
        algs = list(jose)
        page.text("""
Every algorithm, wall clock (`bench_jose --section table`, best of 3 interleaved rounds): m2mauth's rate as a
percentage of raw OpenSSL's with the same parsed key. Targets: sign ≥ 95 %, verify ≥ 90 % (asymmetric).""")
        page.plot("jose-vs-raw", svg.bar_chart(
            "JWT sign and verify, % of raw OpenSSL's rate (wall clock)", algs,
            [("sign", [jose[a][0] for a in algs]), ("verify (iss, aud, exp)", [jose[a][1] for a in algs])],
            "% of raw", ref=100.0, ref_label="raw"), "JWT rate as a percentage of raw OpenSSL per algorithm")

    # ---- against the peers ----------------------------------------------------------------------
    page.text("## Against the peers, per language")
    summary: List[Tuple[str, List[Optional[float]]]] = []
    c_row = [ratio(peers_c[r]["libjwt"], peers_c[r]["m2mauth"]) if r in peers_c else None for r in parse.ROWS]
    py_row = [fastest_peer(py["rows"][k][1]) if (k := r.replace("verify", "verify (decode)")) in py["rows"] else None
              for r in parse.ROWS]
    go_row = [fastest_peer(go["rows"][k][2]) if (k := r.replace(" ", "/")) in go["rows"] else None for r in parse.ROWS]
    java_row = [fastest_peer(java["rows"][r][1]) if r in java["rows"] else None for r in parse.ROWS]
    for lang, row in zip(LANGS, (c_row, py_row, go_row, java_row)):
        if any(v is not None for v in row):
            summary.append((lang, row))
    if summary:
        page.text("""
The fastest peer of each language against m2mauth in that language, row by row: peer time / m2mauth time
(C: libjwt, by instructions; Python: PyJWT, joserfc, jwcrypto, authlib; Go: golang-jwt v5, go-jose v4; Java:
nimbus-jose-jwt, jjwt, auth0 java-jwt). Sign builds the claims and returns the compact JWT; verify checks
signature, algorithm, exp, iss and aud with each library's verifier or parser object made once. Every harness
cross-verifies the contenders' tokens before timing them and signs with the repository's test keys
(`tests/servers/keys`).""")
        page.plot("peers-by-language", svg.bar_chart(
            "Fastest peer's time / m2mauth's, per language (above 1: m2mauth faster)", list(parse.ROWS), summary,
            "ratio (log scale)", log=True, ref=1.0, ref_label="as fast as the peer"),
            "fastest peer against m2mauth per algorithm and language")
        page.text(table(["row"] + [s[0] for s in summary],
                        [[r] + [x(s[1][i]) for s in summary] for i, r in enumerate(parse.ROWS)]))
    missing = [lang for lang in LANGS if lang not in [s[0] for s in summary]]
    if missing:
        page.text("Not in this data: " + ", ".join(missing) + " (run `measure.sh` with their parts).")
    slower = slower_rows(peers_c, py, go, java)
    if slower:
        page.text("Rows where a peer was faster than m2mauth in this data (ratio below 1): " + "; ".join(slower) + ".")

    if py["rows"]:
        rows = list(py["rows"])
        page.text(f"""
### Python

`python/bench/peers.py`: `m2mauth.jwt.encode`/`decode` (and a reused `m2mauth.jwt.Verifier`) against each
peer's fastest documented use; the calling thread's CPU time, median of interleaved rounds. Measured on:
{py['machine']}.""")
        page.plot("python-peers", svg.bar_chart(
            "Python: peer time / m2mauth time", rows,
            [(p, [py["rows"][r][1].get(p) for r in rows]) for p in py["peers"]],
            "ratio (log scale)", log=True, ref=1.0, ref_label="as fast as m2mauth"), "Python peers against m2mauth")
        lines = [[r, duration(py["rows"][r][0])] + [x(py["rows"][r][1].get(p)) for p in py["peers"]] for r in rows]
        if py["token"]:
            t, pr = py["token"]
            lines.append(["cached token read (`OAuth2Client.token()`)", duration(t), "", "", "",
                          f"{x(pr.get('authlib'))} (`ensure_active_token`), {x(pr.get('authlib attribute'))} (bare attribute)"])
        if py["oauth1"]:
            t, r1 = py["oauth1"]
            lines.append(["OAuth 1.0 HMAC-SHA1 `Client.sign`", duration(t), f"oauthlib {x(r1, 1)}", "", "", ""])
        page.text(table(["row", "m2mauth"] + list(py["peers"]), lines))
    if go["rows"]:
        rows = [r for r in go["rows"] if not r.startswith("Primitive")]
        page.text(f"""
### Go

`bindings/go/bench` (`go test -bench`, one binary run once per round, median of the rounds; allocations per
call in brackets). The Primitive rows time the bare OpenSSL call through cgo against Go's own crypto, the
bound of any binding over OpenSSL. Measured on: {go['machine']}.""")
        jwt_rows = [r for r in rows if r != "TokenCached"]
        page.plot("go-peers", svg.bar_chart(
            "Go: peer time / m2mauth time", jwt_rows,
            [(p, [go["rows"][r][2].get(p) for r in jwt_rows]) for p in go["peers"] if p not in ("go-crypto", "x-oauth2")],
            "ratio (log scale)", log=True, ref=1.0, ref_label="as fast as m2mauth"), "Go peers against m2mauth")
        page.text(table(["row", "m2mauth (or OpenSSL)"] + list(go["peers"]),
                        [[r, f"{duration(go['rows'][r][0])} ({count(go['rows'][r][1])})"]
                         + [x(go["rows"][r][2].get(p)) for p in go["peers"]] for r in go["rows"]]))
    if java["rows"]:
        rows = list(java["rows"])
        page.text(f"""
### Java

`bindings/java/bench` (JMH, 1 fork; median of the runs). Measured on: {java['machine']}.""")
        page.plot("java-peers", svg.bar_chart(
            "Java: peer time / m2mauth time", rows,
            [(p, [java["rows"][r][1].get(p) for r in rows]) for p in java["peers"]],
            "ratio (log scale)", log=True, ref=1.0, ref_label="as fast as m2mauth"), "Java peers against m2mauth")
        page.text(table(["row", "m2mauth"] + list(java["peers"]),
                        [[r, duration(java["rows"][r][0])] + [x(java["rows"][r][1].get(p)) for p in java["peers"]]
                         for r in rows]))

    if summary:
        page.text(HARNESSES)

    # ---- growth ---------------------------------------------------------------------------------
    page.text("## Cost against input size")
    sizes = [n for n in (100, 1000, 10000, 100000) if all(f"claims-{c}-{n}" in claims for c in CLAIM_CASES)]
    if sizes:
        lo, hi = sizes[0], sizes[-1]
        grow = {c: claims[f"claims-{c}-{hi}"] / claims[f"claims-{c}-{lo}"] for c in CLAIM_CASES}
        page.text(f"""
**Claims of 100 B to 100 KB** (HS256, instructions per call): sign and verify against the floor over the same
claims text (`bench_jose`'s claims cases: the registered claims and then members like `"ext_0001": "value 0001 of
a larger claims set"`). From {size(lo)} to {size(hi)} sign grows {grow['sign']:.0f}x (the floor
{grow['floor-sign']:.0f}x) and verify {grow['verify']:.0f}x (the floor {grow['floor-verify']:.0f}x): linear in the
bytes, at the floor's slope when the ratios below stay flat.""")
        page.plot("claims-size", svg.line_chart(
            "HS256 instructions per call against claims size", sizes,
            [(name, [claims[f"claims-{c}-{n}"] for n in sizes]) for name, c in
             (("sign", "sign"), ("floor sign", "floor-sign"), ("verify", "verify"), ("floor verify", "floor-verify"))],
            "claims (bytes, log scale)", "instructions (log scale)", logx=True, logy=True),
            "instructions per call against claims size")
        page.plot("claims-ratio", svg.line_chart(
            "HS256 against its floor over the same claims: m2mauth / floor instructions", sizes,
            [("sign / floor sign", [claims[f"claims-sign-{n}"] / claims[f"claims-floor-sign-{n}"] for n in sizes]),
             ("verify / floor verify",
              [claims[f"claims-verify-{n}"] / claims[f"claims-floor-verify-{n}"] for n in sizes])],
            "claims (bytes, log scale)", "ratio (1: the floor's cost)", logx=True),
            "m2mauth's instructions over the floor's against claims size")
        page.text(table(["claims", "sign", "floor sign", "sign / floor", "verify", "floor verify", "verify / floor"],
                        [[size(n), count(claims[f"claims-sign-{n}"]), count(claims[f"claims-floor-sign-{n}"]),
                          x(ratio(claims[f"claims-sign-{n}"], claims[f"claims-floor-sign-{n}"])),
                          count(claims[f"claims-verify-{n}"]), count(claims[f"claims-floor-verify-{n}"]),
                          x(ratio(claims[f"claims-verify-{n}"], claims[f"claims-floor-verify-{n}"]))]
                         for n in sizes]))
    ks = [n for n in (1, 10, 100, 1000) if f"jwks-{n}" in jwks]
    if ks:
        page.text(f"""
**JWKS of 1 to 1000 keys**: HS256 verification through a verifier made from the set, the token's `kid`
naming the last key (instructions per call). The key is reached through an index built with the verifier. Target: 1000 keys ≤ 1.5x one key; here
{ks[-1]} keys cost {x(ratio(jwks[f"jwks-{ks[-1]}"], jwks.get("jwks-1")))} one key.""")
        page.plot("jwks-size", svg.line_chart(
            "JWKS verification: instructions per call against keys in the set", ks,
            [("verify through the JWKS", [jwks[f"jwks-{n}"] for n in ks])],
            "keys in the set (log scale)", "instructions per call", logx=True), "instructions per verification against JWKS size")
        page.text(table(["keys", "instr. per verify", "against 1 key"],
                        [[str(n), count(jwks[f"jwks-{n}"]), x(ratio(jwks[f"jwks-{n}"], jwks.get("jwks-1")))] for n in ks]))
    kk = sorted(k for k in reads if k > 0)
    if kk:
        page.text(f"""
**Token keys (scope / audience / resource) of 1 to 10,000**: a cached read of the oldest key through the
borrowed key the C API uses (hash, probe, compare), in instructions per read; "configured key" is the read
of the manager's own key, no lookup. Target: 10,000 keys ≤ 3x one key; here {kk[-1]:,} keys cost
{x(ratio(reads[kk[-1]], reads.get(1)))} one key.""")
        page.plot("token-keys", svg.line_chart(
            "Cached token read: instructions against the number of keys", kk,
            [("read of the oldest key", [reads[k] for k in kk])]
            + ([("configured key (no lookup)", [reads[0]] * len(kk))] if 0 in reads else []),
            "keys held by one manager (log scale)", "instructions per read", logx=True),
            "instructions per cached read against the number of token keys")
        page.text(table(["keys", "instr. per read", "against 1 key"],
                        ([["configured key", count(reads[0]), ""]] if 0 in reads else [])
                        + [[str(k), count(reads[k]), x(ratio(reads[k], reads.get(1)))] for k in kk]))
    if len(fill_instr) >= 2:
        (a, b), (c, d) = sorted(fill_instr)[0], sorted(fill_instr)[-1]
        first, last = fill_instr[(a, b)], fill_instr[(c, d)]
        page.text(f"""
**Filling** the keys (each key's first read, which fetches its token from an in-process token endpoint):
{count(first)} instructions per key added from {a:,} to {b:,} keys and {count(last)} from {c:,} to {d:,}
({x(ratio(last, first))}): linear in the keys. Target: ≤ 1.5x.""")
    if tok["keys"]:
        fills = tok["keys"]
        if all(v[3] is not None for v in fills.values()):
            kf = sorted(fills)
            big = kf[-1]
            small = 100 if 100 in fills else kf[0]
            page.text(f"""
Wall clock of the same (`bench_token`; ns per read; the fill in µs per key, the best of 3 fills of a fresh
manager, in wall-clock time and in the CPU time of the process, which leaves out the time other processes
held the cores). Each first read of a key hands the fetch to the manager's refresh thread and waits for it.
Target for the fill: {big:,} keys ≤ 1.5x {small:,} keys per key; here {x(ratio(fills[big][3], fills[small][3]))}
in CPU time and {x(ratio(fills[big][0], fills[small][0]))} in wall-clock time (a fill of {big:,} keys lasts
long enough to lose the cores to other processes; one of {small:,} fits in a time slice). 1 key includes
starting the refresh thread.""")
            page.text(table(["keys", "fill µs/key", "fill CPU µs/key", "oldest key ns/read", "all keys in turn ns/read"],
                            [[str(k), f"{v[0]:.2f}", f"{v[3]:.2f}", f"{v[1]:.1f}", f"{v[2]:.1f}"]
                             for k, v in fills.items()]))
        else:
            page.text("Wall clock of the same (`bench_token`; ns per read, fill in µs per key):")
            page.text(table(["keys", "fill µs/key", "oldest key ns/read", "all keys in turn ns/read"],
                            [[str(k), f"{v[0]:.2f}", f"{v[1]:.1f}", f"{v[2]:.1f}"] for k, v in fills.items()]))

    # ---- threads --------------------------------------------------------------------------------
    page.text("## Threads")
    if tok["threads"]:
        ts = sorted(tok["threads"])
        page.text(f"""
One cached token read by 1 to 16 threads (`bench_token`, wall clock, best of 3 rounds). The read is an
acquire load and a clock compare on a thread-local snapshot, so the total grows with the cores and then stays
flat; this machine has {m.get('cpu', '?').rsplit(', ', 1)[-1]}, so beyond 2 threads the extra threads only
share them.""")
        page.plot("token-threads", svg.line_chart(
            "Cached token reads per second, all threads together", ts,
            [("m2mauth TokenManager::get()", [tok["threads"][t][0] for t in ts])],
            "threads (log scale)", "reads per second", logx=True), "cached token reads per second against threads")
        page.text(table(["threads", "reads/s (all)", "ns per read per thread"],
                        [[str(t), count(tok["threads"][t][0]), f"{tok['threads'][t][1]:.1f}"] for t in ts]))
    if tok["designs"]:
        names = list(tok["designs"])
        page.text("""
The same read next to the two designs other caches use, measured in the same run: a mutex around the cached
token (golang.org/x/oauth2's `reuseTokenSource`, google-cloud-cpp) and a `shared_ptr` copied under a mutex.""")
        page.plot("token-designs", svg.bar_chart(
            "Cached token read: reads per second by design", names,
            [("1 thread", [tok["designs"][n][0] for n in names]), ("2 threads", [tok["designs"][n][1] for n in names])],
            "reads per second"), "cached token read designs on one and two threads")
        page.text(table(["design", "1 thread /s", "2 threads /s", "2 threads / 1"],
                        [[n, count(v[0]), count(v[1]), x(v[1] / v[0])] for n, v in tok["designs"].items()]))
    if tok["storm"] is not None:
        page.text(f"Refresh storm (`bench_token`): 64 threads reading an expired token at once sent {tok['storm']} "
                  f"token request{'' if tok['storm'] == 1 else 's'} (target: 1).")
    if tok["memory"]:
        page.text(f"Memory (`bench_token`): {tok['memory']}.")
    if not tok["threads"] and not tok["designs"]:
        page.text("No `bench_token` output in this data (`measure.sh ... token`).")

    page.text("""
## Other benchmarks

Not drawn here (README.md, "Performance", lists their commands): `bench_http` (an authenticated GET over
keep-alive against bare libcurl on loopback), `bench_oauth1` (OAuth 1.0 HMAC-SHA1 signatures against the raw
HMAC and oauthlib), `bench_jose --section memory` (heap bytes per key against a bare `EVP_PKEY`), and
`bindings/bench.sh` (the Java and Go per-call cost over the C call).""")
    page.write()
    return page


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=pathlib.Path, help="folder of the benchmarks' text output")
    ap.add_argument("--out", type=pathlib.Path, default=HERE.parent, help="docs folder to write (default: docs/)")
    args = ap.parse_args()
    if not args.data.is_dir():
        print(f"render.py: no folder {args.data}", file=sys.stderr)
        return 2
    page = render(args.data, args.out)
    print(f"wrote {os.path.join(str(args.out), 'performance.md')} and {len(page.plots)} plots")
    return 0


if __name__ == "__main__":
    sys.exit(main())
