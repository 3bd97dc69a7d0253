"""Benchmark of the Python binding (not a test).

  PYTHONPATH=<build>/python python3 python/bench/bench_python.py [--quick]

Measures, in one process and one run:
  1. m2mauth.jwt.encode / decode against PyJWT (HS256 and RS256; PyJWT with parsed key objects, its
     fastest use), as time per call and the ratio PyJWT / m2mauth;
  2. the binding's own cost per call: the same C++ calls in a C++ loop (no Python), the raw native
     call from Python, and the public Python function, so each layer's overhead is the difference.
Times are the calling thread's CPU time (time.thread_time; the C++ loops use CLOCK_THREAD_CPUTIME_ID),
so other load on the machine does not count, best of several repeats; compare ratios, not absolutes.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Callable, List, Tuple

import m2mauth
from timing import best_per_call
from m2mauth._native import native

CLAIMS = {"iss": "bmp.digital.api.partner", "sub": "bmp.digital.api.partner",
          "aud": "https://auth.moneyp.com.br/connect/token", "jti": "8c1b0e9c-7a51-4a53-9b9a-3f0c3c4d7f00",
          "iat": 1700000000, "nbf": 1700000000, "exp": 4102444800}
AUD = CLAIMS["aud"]


def best_c_loop(run: Callable[[int], float], per_call_guess: float, min_time: float, repeats: int) -> float:
    n = max(1, int(min_time / max(per_call_guess, 1e-9)))
    return min(run(n) / n for _ in range(repeats))


def fmt(seconds: float) -> str:
    return f"{seconds * 1e6:9.2f} us"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="shorter runs (noisier)")
    args = ap.parse_args()
    min_time, repeats = (0.1, 3) if args.quick else (0.4, 5)
    try:
        import jwt as pyjwt
        from cryptography.hazmat.primitives import serialization
    except ImportError:
        print("PyJWT and cryptography are needed for the comparison", file=sys.stderr)
        return 2

    print(f"m2mauth {m2mauth.__version__}; {m2mauth.library_version().split(' (')[1].split(';')[0]}; "
          f"PyJWT {pyjwt.__version__}; Python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"best of {repeats} runs of ~{min_time}s each\n")

    secret = os.urandom(32)
    hkey = m2mauth.Key.hmac(secret)
    rkey = m2mauth.Key.generate("RSA", bits=2048)
    rpub = rkey.public_key()
    r_priv_obj = serialization.load_pem_private_key(rkey.private_pem().encode(), password=None)
    r_pub_obj = serialization.load_pem_public_key(rkey.public_pem().encode())

    rows: List[Tuple[str, float, float]] = []
    for alg, key, vkey, py_sign_key, py_verify_key in (("HS256", hkey, hkey, secret, secret),
                                                         ("RS256", rkey, rpub, r_priv_obj, r_pub_obj)):
        token = m2mauth.jwt.encode(CLAIMS, key, algorithm=alg)
        assert pyjwt.decode(token, py_verify_key, algorithms=[alg], audience=AUD) == CLAIMS
        m_enc = best_per_call(lambda: m2mauth.jwt.encode(CLAIMS, key, algorithm=alg), min_time, repeats)
        p_enc = best_per_call(lambda: pyjwt.encode(CLAIMS, py_sign_key, algorithm=alg), min_time, repeats)
        m_dec = best_per_call(lambda: m2mauth.jwt.decode(token, vkey, algorithms=[alg], audience=AUD),
                              min_time, repeats)
        p_dec = best_per_call(lambda: pyjwt.decode(token, py_verify_key, algorithms=[alg], audience=AUD),
                              min_time, repeats)
        verifier = m2mauth.jwt.Verifier(vkey, [alg], audience=AUD)
        m_ver = best_per_call(lambda: verifier.verify(token), min_time, repeats)
        rows += [(f"{alg} encode", m_enc, p_enc), (f"{alg} decode", m_dec, p_dec),
                 (f"{alg} Verifier.verify (reused)", m_ver, p_dec)]

    print("1. m2mauth against PyJWT (same claims, same keys)")
    print(f"   {'operation':32} {'m2mauth':>12} {'PyJWT':>12}   PyJWT/m2mauth")
    for name, m, p in rows:
        print(f"   {name:32} {fmt(m)} {fmt(p)}   {p / m:6.2f}x")

    print("\n2. Binding overhead per call (HS256, where it matters most)")
    claims_json = json.dumps(CLAIMS, separators=(",", ":"))
    # decode layers use a token without "aud", so the C++ loop and the calls check the same claims
    no_aud = {k: v for k, v in CLAIMS.items() if k != "aud"}
    token = m2mauth.jwt.encode(no_aud, hkey, algorithm="HS256")
    loads_json = json.dumps(no_aud, separators=(",", ":"))
    hs = native.ALGORITHMS["HS256"]
    bits = native.alg_bit(hs)
    nk = hkey._native_key()
    cfg = native.VerifierConfig()

    c_sign = best_c_loop(lambda n: native.bench_c_sign(nk, claims_json, hs, n), 2e-6, min_time, repeats)
    raw_sign = best_per_call(lambda: native.jwt_sign(nk, claims_json, hs), min_time, repeats)
    full_sign = best_per_call(lambda: m2mauth.jwt.encode(CLAIMS, hkey, algorithm="HS256"), min_time, repeats)
    # m2mauth.jwt.encode writes plain claims natively (native.claims_json); the json module, for scale
    native_json = best_per_call(lambda: native.claims_json(CLAIMS), min_time, repeats)
    encoder = json.JSONEncoder(separators=(",", ":"))
    dumps = best_per_call(lambda: encoder.encode(CLAIMS), min_time, repeats)

    c_dec = best_c_loop(lambda n: native.bench_c_decode(nk, token, bits, n, False), 2e-6, min_time, repeats)
    c_ver = best_c_loop(lambda n: native.bench_c_decode(nk, token, bits, n, True), 2e-6, min_time, repeats)
    raw_dec = best_per_call(lambda: native.jwt_decode(nk, token, bits, cfg, False), min_time, repeats)
    full_dec = best_per_call(lambda: m2mauth.jwt.decode(token, hkey, algorithms=["HS256"]), min_time, repeats)
    loads = best_per_call(lambda: json.loads(loads_json), min_time, repeats)
    verifier = m2mauth.jwt.Verifier(hkey, ["HS256"])
    full_ver = best_per_call(lambda: verifier.verify(token), min_time, repeats)

    print(f"   {'layer':58} {'per call':>12} {'added':>12}")
    print(f"   {'encode: C++ loop over jwt::sign_json (the C calls)':58} {fmt(c_sign)}")
    print(f"   {'encode: native call from Python (pybind11, GIL release)':58} {fmt(raw_sign)} "
          f"{fmt(raw_sign - c_sign)}")
    print(f"   {'encode: claims to JSON natively (json module: {0})'.format(fmt(dumps).strip()):58} {fmt(native_json)}")
    print(f"   {'encode: m2mauth.jwt.encode':58} {fmt(full_sign)} "
          f"{fmt(full_sign - raw_sign)}")
    print(f"   {'decode: C++ loop, verifier made per call + to_json':58} {fmt(c_dec)}")
    print(f"   {'decode: native call from Python':58} {fmt(raw_dec)} {fmt(raw_dec - c_dec)}")
    print(f"   {'decode: m2mauth.jwt.decode (+ json.loads {0})'.format(fmt(loads).strip()):58} {fmt(full_dec)} "
          f"{fmt(full_dec - raw_dec)}")
    print(f"   {'verify: C++ loop, one verifier reused + to_json':58} {fmt(c_ver)}")
    print(f"   {'verify: m2mauth.jwt.Verifier.verify':58} {fmt(full_ver)} {fmt(full_ver - c_ver)}")
    print(f"\n   HS256 encode: {rows[0][2] / rows[0][1]:.2f}x PyJWT (target >= 3x); "
          f"binding overhead over the C calls: {(full_sign - c_sign) * 1e9:.0f} ns per encode, "
          f"{(full_ver - c_ver) * 1e9:.0f} ns per reused-verifier verify")
    return 0


if __name__ == "__main__":
    sys.exit(main())
