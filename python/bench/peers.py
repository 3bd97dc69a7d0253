"""m2mauth against the Python libraries users would otherwise pick, measured in one run (not a test).

  python3 -m pip install -r python/bench/requirements-peers.txt      # the pinned peers, once
  PYTHONPATH=<build>/python python3 python/bench/peers.py [--seconds S] [--rounds N]

Rows (each peer in its fastest documented use: keys parsed once, outside the loop):
  JWT sign and verify, HS256 / RS256 / ES256 / EdDSA: m2mauth.jwt.encode and m2mauth.jwt.decode (the
    PyJWT-shaped calls; a reused m2mauth.jwt.Verifier is shown too) against PyJWT, joserfc, jwcrypto and
    authlib.jose. Verify means: signature, exp, iss and aud checked, claims returned as a dict.
  cached token read: OAuth2Client.token() with a fresh token (from the loopback server of tests/servers)
    against authlib's OAuth2Session holding a fresh token: the check it makes before each request
    (ensure_active_token) and the bare attribute read.
  OAuth 1.0 HMAC-SHA1 request signing: m2mauth.oauth1.Client.sign against oauthlib's Client.sign.
  --only decode: m2mauth.jwt.decode's own cost against a reused Verifier (HS256 and RS256, audience only and
    audience + issuer), with a Key and with the key as PyJWT users pass it (str secret, PEM text), and PyJWT
    given the same str/PEM key: decode reuses the key's native verifier, so it should be within ~10 %.
Times are the calling thread's CPU time, contenders interleaved round by round, median round reported;
ratio = peer time / m2mauth time (above 1: m2mauth is faster). A missing peer prints "-".
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pathlib
import platform
import statistics
import sys
import time
import timeit
import warnings
from typing import Any, Callable, Dict, List, Optional, Tuple

import m2mauth
from fault_server import basic_client
from timing import interleaved_medians

REPO = pathlib.Path(__file__).resolve().parents[2]
ISS = "bmp.digital.api.partner"
AUD = "https://auth.example.com/connect/token"
CLAIMS = {"iss": ISS, "sub": ISS, "aud": AUD, "jti": "8c1b0e9c-7a51-4a53-9b9a-3f0c3c4d7f00",
          "iat": 1700000000, "exp": 4102444800}
SECRET = b"m2mauth-bench-hs256-secret-32byt"
ALGS = ("HS256", "RS256", "ES256", "EdDSA")
PEERS = ("PyJWT", "joserfc", "jwcrypto", "authlib")


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        load = open("/proc/loadavg", encoding="utf-8").read().split()[0]
    except OSError:
        load = "?"
    return f"{model}, {os.cpu_count()} CPUs, load average {load}; Python {platform.python_version()}"


def versions() -> str:
    out = [f"m2mauth {m2mauth.__version__}"]
    for name, mod in (("PyJWT", "jwt"), ("joserfc", "joserfc"), ("jwcrypto", "jwcrypto"), ("authlib", "authlib"),
                      ("oauthlib", "oauthlib"), ("cryptography", "cryptography")):
        try:
            m = importlib.import_module(mod)
            v = getattr(m, "__version__", None)
            if v is None:
                from importlib.metadata import version
                v = version(name)
            out.append(f"{name} {v}")
        except ImportError:
            out.append(f"{name} missing")
    return ", ".join(out)


def key_files(alg: str) -> Tuple[bytes, bytes]:
    d = REPO / "tests" / "servers" / "keys"
    name = {"RS256": "rsa2048", "ES256": "ec-p256", "EdDSA": "ed25519"}[alg]
    return (d / f"{name}.pem").read_bytes(), (d / f"{name}.pub.pem").read_bytes()


# ---- contenders: each returns (sign, verify) callables for one algorithm, and checks itself --------

def ours(alg: str) -> Tuple[Callable[[], Any], Callable[[], Any], Callable[[], Any], str]:
    if alg == "HS256":
        key = pub = m2mauth.Key.hmac(SECRET)
    else:
        priv, pubpem = key_files(alg)
        key, pub = m2mauth.Key.from_pem(priv), m2mauth.Key.from_pem(pubpem)
    token = m2mauth.jwt.encode(CLAIMS, key, algorithm=alg)
    verifier = m2mauth.jwt.Verifier(pub, [alg], audience=AUD, issuer=ISS)
    assert verifier.verify(token) == CLAIMS
    return (lambda: m2mauth.jwt.encode(CLAIMS, key, algorithm=alg),
            lambda: m2mauth.jwt.decode(token, pub, algorithms=[alg], audience=AUD, issuer=ISS),
            lambda: verifier.verify(token), token)


def pyjwt(alg: str, token: str) -> Tuple[Callable[[], Any], Callable[[], Any]]:
    import jwt
    from cryptography.hazmat.primitives import serialization
    if alg == "HS256":
        key = pub = SECRET
    else:
        priv, pubpem = key_files(alg)
        key = serialization.load_pem_private_key(priv, None)
        pub = serialization.load_pem_public_key(pubpem)
    assert jwt.decode(jwt.encode(CLAIMS, key, algorithm=alg), pub, algorithms=[alg], audience=AUD, issuer=ISS) == CLAIMS
    return (lambda: jwt.encode(CLAIMS, key, algorithm=alg),
            lambda: jwt.decode(token, pub, algorithms=[alg], audience=AUD, issuer=ISS))


def joserfc_(alg: str, token: str) -> Tuple[Callable[[], Any], Callable[[], Any]]:
    from joserfc import jwt
    from joserfc.jwk import ECKey, OctKey, OKPKey, RSAKey
    if alg == "HS256":
        key = pub = OctKey.import_key(SECRET)
    else:
        cls = {"RS256": RSAKey, "ES256": ECKey, "EdDSA": OKPKey}[alg]
        priv, pubpem = key_files(alg)
        key, pub = cls.import_key(priv), cls.import_key(pubpem)
    registry = jwt.JWTClaimsRegistry(iss={"essential": True, "value": ISS}, aud={"essential": True, "value": AUD},
                                     exp={"essential": True})
    header = {"alg": alg}

    def verify() -> Dict[str, Any]:
        t = jwt.decode(token, pub, algorithms=[alg])
        registry.validate(t.claims)
        return t.claims

    assert verify() == CLAIMS
    return lambda: jwt.encode(header, CLAIMS, key, algorithms=[alg]), verify


def jwcrypto_(alg: str, token: str) -> Tuple[Callable[[], Any], Callable[[], Any]]:
    from jwcrypto import jwk, jwt
    if alg == "HS256":
        key = pub = jwk.JWK(kty="oct", k=m2mauth.Key.hmac(SECRET).private_jwk()["k"])
    else:
        priv, pubpem = key_files(alg)
        key, pub = jwk.JWK.from_pem(priv), jwk.JWK.from_pem(pubpem)
    header = {"alg": alg}
    check = {"iss": ISS, "aud": AUD, "exp": None}

    def sign() -> str:
        t = jwt.JWT(header=header, claims=CLAIMS)
        t.make_signed_token(key)
        return t.serialize()

    def verify() -> Dict[str, Any]:
        t = jwt.JWT(jwt=token, key=pub, algs=[alg], check_claims=check)
        return json.loads(t.claims)

    assert verify() == CLAIMS
    return sign, verify


def authlib_(alg: str, token: str) -> Tuple[Callable[[], Any], Callable[[], Any]]:
    from authlib.deprecate import AuthlibDeprecationWarning  # its import sets an "always" filter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)
        from authlib.jose import JsonWebKey, JsonWebToken
    jwt = JsonWebToken([alg])
    if alg == "HS256":
        key = pub = JsonWebKey.import_key(SECRET, {"kty": "oct"})
    else:
        priv, pubpem = key_files(alg)
        key, pub = JsonWebKey.import_key(priv), JsonWebKey.import_key(pubpem)
    header = {"alg": alg}
    options = {"iss": {"essential": True, "value": ISS}, "aud": {"essential": True, "value": AUD},
               "exp": {"essential": True}}

    def verify() -> Dict[str, Any]:
        claims = jwt.decode(token, pub, claims_options=options)
        claims.validate()
        return dict(claims)

    assert verify() == CLAIMS
    return lambda: jwt.encode(header, CLAIMS, key), verify


MAKERS = {"PyJWT": pyjwt, "joserfc": joserfc_, "jwcrypto": jwcrypto_, "authlib": authlib_}


def try_peer(name: str, alg: str, token: str) -> Optional[Tuple[Callable[[], Any], Callable[[], Any]]]:
    try:
        return MAKERS[name](alg, token)
    except ImportError:
        return None


# ---- statements for nanosecond rows: timeit loops, no Python frame of ours around the call ----------

def statement_medians(stmts: List[str], env: Dict[str, Any], min_time: float, rounds: int) -> List[float]:
    timers = [timeit.Timer(s, globals=env, timer=time.thread_time) for s in stmts]
    counts = []
    for t in timers:
        n, elapsed = t.autorange()
        counts.append(max(1, int(n * min_time / max(elapsed, 1e-9))))
    samples: List[List[float]] = [[] for _ in timers]
    for _ in range(rounds):
        for i, t in enumerate(timers):
            samples[i].append(t.timeit(counts[i]) / counts[i])
    return [statistics.median(s) for s in samples]


def token_row(min_time: float, rounds: int) -> Optional[Tuple[float, Dict[str, float]]]:
    try:
        from authlib.integrations.requests_client import OAuth2Session
    except ImportError:
        OAuth2Session = None  # noqa: N806
    with basic_client() as (client, secret, endpoint):
        t = client.token()
        env: Dict[str, Any] = {"client": client}
        stmts = ["client.token()"]
        names: List[str] = []
        if OAuth2Session is not None:
            session = OAuth2Session("svc-basic", secret, token_endpoint=endpoint,
                                    grant_type="client_credentials",
                                    token={"access_token": t.access_token, "token_type": "Bearer",
                                           "expires_at": int(time.time()) + 3600})
            assert session.ensure_active_token(session.token)
            env["session"] = session
            stmts += ["session.ensure_active_token(session.token); session.token", "session.token"]
            names += ["authlib", "authlib attribute"]
        times = statement_medians(stmts, env, min_time, rounds)
    return times[0], dict(zip(names, times[1:]))


def oauth1_row(min_time: float, rounds: int) -> Optional[Tuple[float, Dict[str, float]]]:
    try:
        from oauthlib.oauth1 import Client as OauthlibClient
    except ImportError:
        return None
    from m2mauth.oauth1 import Client
    kw = dict(client_secret="test-cs-VINiv5B5ylIyFupmJ2Cdv3oamiFOzjlm5xB82ybp", resource_owner_key="a2a-token",
              resource_owner_secret="test-ts-srjuKzjwq1p2YtvhTvU3V48RpG3sfh5NdsrPfew1")
    url = "https://vault.example.com/iso/pam/credential/dbadmin@db01.example.com?fields=password"
    mine, theirs = Client("a2a-consumer", **kw), OauthlibClient("a2a-consumer", **kw)
    m, o = interleaved_medians([lambda: mine.sign(url), lambda: theirs.sign(url)], min_time, rounds)
    return m, {"oauthlib": o}


def decode_rows(seconds: float, rounds: int) -> None:
    """m2mauth.jwt.decode against Verifier.verify, with parsed and text keys (the --only decode group)."""
    import jwt as pyjwt
    print(f"{'row':34} {'Verifier':>10} {'decode Key':>11} {'decode text':>12} {'PyJWT text':>11}   "
          f"{'decode/Verifier':>15} {'text/Verifier':>13}")
    for alg in ("HS256", "RS256"):
        if alg == "HS256":
            text: Any = SECRET.decode()
            key = pub = m2mauth.Key.hmac(SECRET)
            pub_text: Any = text
        else:
            priv, pub_pem = key_files(alg)
            key, pub = m2mauth.Key.from_pem(priv), m2mauth.Key.from_pem(pub_pem)
            pub_text = pub_pem.decode()
        token = m2mauth.jwt.encode(CLAIMS, key, algorithm=alg)
        decode = m2mauth.jwt.decode
        for label, iss in (("audience", None), ("audience + issuer", ISS)):
            # the calls as users write them (keyword arguments, a list literal), no **kwargs in between
            verifier = m2mauth.jwt.Verifier(pub, [alg], audience=AUD, issuer=iss)
            fns = [lambda: verifier.verify(token),
                   lambda: decode(token, pub, algorithms=[alg], audience=AUD, issuer=iss),
                   lambda: decode(token, pub_text, algorithms=[alg], audience=AUD, issuer=iss),
                   lambda: pyjwt.decode(token, pub_text, algorithms=[alg], audience=AUD, issuer=iss)]
            for fn in fns:
                assert fn() == CLAIMS
            t = interleaved_medians(fns, seconds, rounds)
            print(f"{alg + ' ' + label:34} {fmt_time(t[0]):>10} {fmt_time(t[1]):>11} {fmt_time(t[2]):>12} "
                  f"{fmt_time(t[3]):>11}   {t[1] / t[0]:14.3f}x {t[2] / t[0]:12.3f}x", flush=True)


def fmt_time(s: float) -> str:
    return f"{s * 1e9:7.0f} ns" if s < 1e-6 else f"{s * 1e6:7.2f} us"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=float(os.environ.get("M2MAUTH_BENCH_SECONDS", "0.1")),
                    help="loop length per contender per round (default 0.1)")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the median is kept (default 5)")
    ap.add_argument("--only", choices=["jwt", "token", "oauth1", "decode"], help="run one group of rows")
    args = ap.parse_args()
    warnings.simplefilter("ignore")  # authlib.jose's deprecation, joserfc's EdDSA (RFC 9864) notice
    print(f"machine: {machine()}")
    print(versions())
    print(f"median of {args.rounds} interleaved rounds of ~{args.seconds}s per contender (thread CPU time); "
          "ratio = peer time / m2mauth time\n")
    cols = ["m2mauth"] + list(PEERS)
    if args.only == "decode":
        decode_rows(args.seconds, args.rounds)
        return 0
    print(f"{'row':24} " + " ".join(f"{c:>11}" for c in cols) + "   " + " ".join(f"{c:>9}" for c in PEERS))

    def show(row: str, mine: float, peers: Dict[str, float], names=PEERS) -> None:
        cells = [fmt_time(mine)] + [fmt_time(peers[p]) if p in peers else "-" for p in names]
        ratios = [f"{peers[p] / mine:8.2f}x" if p in peers else "        -" for p in names]
        print(f"{row:24} " + " ".join(f"{c:>11}" for c in cells) + "   " + " ".join(ratios), flush=True)

    if args.only in (None, "jwt"):
        for alg in ALGS:
            sign, decode, verify, token = ours(alg)
            peers = {p: c for p in PEERS if (c := try_peer(p, alg, token)) is not None}
            names = list(peers)
            t = interleaved_medians([sign] + [peers[p][0] for p in names], args.seconds, args.rounds)
            show(f"{alg} sign", t[0], dict(zip(names, t[1:])))
            t = interleaved_medians([decode, verify] + [peers[p][1] for p in names], args.seconds, args.rounds)
            show(f"{alg} verify (decode)", t[0], dict(zip(names, t[2:])))
            show(f"{alg} verify (Verifier)", t[1], dict(zip(names, t[2:])))
    if args.only in (None, "token"):
        row = token_row(args.seconds, args.rounds)
        if row is not None:
            names = ("authlib", "authlib attribute")
            print(f"\n{'row':24} {'m2mauth':>11} " + " ".join(f"{c:>18}" for c in names) + "   ratios")
            mine, peers = row
            print(f"{'cached token read':24} {fmt_time(mine):>11} "
                  + " ".join(f"{fmt_time(peers[p]) if p in peers else '-':>18}" for p in names) + "   "
                  + " ".join(f"{peers[p] / mine:8.2f}x" if p in peers else "-" for p in names))
            print("  (authlib: ensure_active_token(token) then .token, what its session does before a request;"
                  " attribute: .token alone)")
    if args.only in (None, "oauth1"):
        row = oauth1_row(args.seconds, args.rounds)
        if row is None:
            print("\noauthlib missing: OAuth 1.0 row skipped")
        else:
            mine, peers = row
            print(f"\n{'OAuth 1.0 HMAC-SHA1 sign':24} {fmt_time(mine):>11} (oauthlib {fmt_time(peers['oauthlib']).strip()})"
                  f"   {peers['oauthlib'] / mine:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
