"""Shared fixtures. The tests import m2mauth from PYTHONPATH: the build tree (<build>/python, as ctest
sets it) or an installed package. They read vectors from tests/vectors in the repository only."""

from __future__ import annotations

import base64
import gc
import json
import os
import pathlib
import time

import pytest

import m2mauth
from m2mauth._native import native

REPO = pathlib.Path(__file__).resolve().parents[2]
VECTORS = REPO / "tests" / "vectors"
JOSE_JSON = VECTORS / "m2mauth" / "jose.json"


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64_decode(text: str) -> bytes:
    return base64.b64decode(text)


@pytest.fixture(scope="session")
def jose() -> dict:
    if not JOSE_JSON.exists():
        pytest.skip(f"{JOSE_JSON} is not present")
    return json.loads(JOSE_JSON.read_text(encoding="utf-8"))


def vector_key(jose: dict, ref: str) -> m2mauth.Key:
    """A key of jose.json by name; "name:public" is its public form."""
    name, _, form = ref.partition(":")
    entry = jose["keys"][name]
    if entry["kty"] == "oct":
        return m2mauth.Key.hmac(b64url_decode(entry["secret_b64url"]))
    if form == "public":
        return m2mauth.Key.from_pem(entry["spki_pem"])
    return m2mauth.Key.from_pem(entry["pkcs8_pem"])


@pytest.fixture(scope="session")
def keys() -> dict:
    """One private key per algorithm family, generated once for the session."""
    return {
        "RSA": m2mauth.Key.generate("RSA", bits=2048, kid="rsa"),
        "P-256": m2mauth.Key.generate("EC", curve="P-256", kid="p256"),
        "P-384": m2mauth.Key.generate("EC", curve="P-384", kid="p384"),
        "P-521": m2mauth.Key.generate("EC", curve="P-521", kid="p521"),
        "Ed25519": m2mauth.Key.generate("OKP", kid="ed"),
        "HS256": m2mauth.Key.hmac(os.urandom(32), kid="h256"),
        "HS384": m2mauth.Key.hmac(os.urandom(48), kid="h384"),
        "HS512": m2mauth.Key.hmac(os.urandom(64), kid="h512"),
    }


#: The key family used for each algorithm.
ALG_KEY = {
    "HS256": "HS256", "HS384": "HS384", "HS512": "HS512",
    "RS256": "RSA", "RS384": "RSA", "RS512": "RSA",
    "PS256": "RSA", "PS384": "RSA", "PS512": "RSA",
    "ES256": "P-256", "ES384": "P-384", "ES512": "P-521",
    "EdDSA": "Ed25519",
}


def live_handles() -> dict:
    gc.collect()
    return native.live_handles()


# ---- leak check after every test ----------------------------------------------------------------------

#: How long a test's handles may take to be released by other threads (a token manager's refresh
#: thread, a callback still returning) before they count as leaked.
LEAK_GRACE_SECONDS = 2.0


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "keeps_handles(reason): the test deliberately leaves native handles alive (say why)")


def leaked_handles(base: dict) -> dict:
    """Kinds whose live count is above `base`, after collecting garbage, waiting a bounded time for
    handles that other threads are still releasing."""
    deadline = time.monotonic() + LEAK_GRACE_SECONDS
    while True:
        now = live_handles()
        grown = {k: (base.get(k, 0), v) for k, v in now.items() if v > base.get(k, 0)}
        if not grown or time.monotonic() >= deadline:
            return grown
        time.sleep(0.02)


@pytest.fixture(autouse=True)
def no_leaked_handles(request):
    """Every test must release the native handles it made (Key, Http, TokenManager, ...): the module's
    live-handle counters are compared before and after it. Session- and module-scoped fixtures are set up
    before this function-scoped fixture takes its baseline, so their handles are not counted; the test's
    own function-scoped fixtures are torn down before the comparison."""
    if request.node.get_closest_marker("keeps_handles"):
        yield
        return
    m2mauth.http.default_http()  # the process-wide default transport, made once on first use, is not a leak
    base = live_handles()
    yield
    # jwt.encode/decode keep the keys they parsed from str or bytes (a bounded cache, not a leak): dropping
    # them must release every handle they hold, verifiers included
    m2mauth.jwt._forget_text_keys()
    grown = leaked_handles(base)
    if grown:
        detail = ", ".join(f"{k} {before} -> {after}" for k, (before, after) in sorted(grown.items()))
        pytest.fail(f"native handles leaked by {request.node.nodeid}: {detail}", pytrace=False)


# ---- loopback servers (tests/servers) for the network tests ---------------------------------------

SERVERS_DIR = REPO / "tests" / "servers"
import sys as _sys

_sys.path.insert(0, str(SERVERS_DIR))
try:
    from conftest_servers import *  # noqa: E402,F401,F403  (oidc_server, fault, a2a_server, test_pki, ...)
    import requests as _requests  # noqa: E402
    HAVE_SERVERS = True
except ImportError:  # pragma: no cover  (the servers' Python dependencies are missing)
    HAVE_SERVERS = False


def control(server, path: str, payload=None):
    """GET (payload None) or POST JSON to a test server's /_control/<path>."""
    url = server.url + "/_control/" + path
    if payload is None and path in ("stats", "script", "tokens"):
        r = _requests.get(url, timeout=10)
    else:
        r = _requests.post(url, json=payload if payload is not None else {}, timeout=10)
    r.raise_for_status()
    return r.json() if r.content else None


def script(server, steps) -> None:
    """Replaces the fault server's script of token endpoint responses."""
    control(server, "script", list(steps))


@pytest.fixture(scope="session")
def http():
    return m2mauth.Http(timeout=10)


@pytest.fixture(scope="session")
def clients(server_clients) -> dict:
    return server_clients["oauth2"]["clients"]


def assert_no_secret(text: str, *secrets: str) -> None:
    for s in secrets:
        if s:
            assert s not in text, "a secret leaked into text"


def fault_client(fault, clients, **kw) -> m2mauth.OAuth2Client:
    """An OAuth2Client of svc-basic against the fault server, with a 10 s HTTP timeout."""
    return m2mauth.OAuth2Client(fault.info["token_endpoint"], "svc-basic",
                                client_secret=clients["svc-basic"]["client_secret"],
                                http=m2mauth.Http(timeout=10), **kw)


@pytest.fixture
def clean_env(monkeypatch):
    """No M2MAUTH_* variable of the caller's environment reaches a configuration loaded by the test."""
    for name in list(os.environ):
        if name.startswith("M2MAUTH_"):
            monkeypatch.delenv(name)
    return monkeypatch


def token_requests(fault) -> int:
    """Token requests the fault server has answered so far."""
    return control(fault, "stats")["token_requests"]
