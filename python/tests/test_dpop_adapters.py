"""DPoP nonces (RFC 9449 section 9) in the requests and httpx adapters and in DPoP.observe, against
tests/servers/dpop_resource.py in nonce mode (every proof must carry the server's current nonce, checked with
PyJWT): the nonce is learnt per origin, a challenge costs one retry with the same token, a server that asks for a
new nonce every time gets exactly two requests."""

from __future__ import annotations

import asyncio
import contextlib

import jwt as pyjwt
import pytest
import requests

import m2mauth
import m2mauth.requests as m2requests
from conftest import HAVE_SERVERS

try:
    import httpx
    import m2mauth.httpx as m2httpx
except ImportError:  # pragma: no cover
    httpx = None

network = pytest.mark.skipif(not HAVE_SERVERS, reason="loopback servers unavailable")
needs_httpx = pytest.mark.skipif(httpx is None, reason="httpx is not installed")


def nonce_of(proof: str):
    return pyjwt.decode(proof, options={"verify_signature": False}).get("nonce")


def test_observe_learns_the_nonce_and_reports_the_challenge():
    d = m2mauth.DPoP()
    url = "https://rs.example/api/x?q=1"
    challenge = [("WWW-Authenticate", 'DPoP algs="ES256", error="use_dpop_nonce"'), ("DPoP-Nonce", "n-1")]
    assert d.observe(url, 401, challenge) is True
    assert nonce_of(d.proof("GET", "https://rs.example/other")) == "n-1"  # per origin, any path
    assert nonce_of(d.proof("GET", "https://rs2.example/")) is None
    # A success that carries a new nonce: remembered, no retry.
    assert d.observe(url, 200, [("DPoP-Nonce", "n-2")]) is False
    assert nonce_of(d.proof("GET", url)) == "n-2"
    # A 401 of another kind (invalid_token) is no nonce challenge.
    assert d.observe(url, 401, [("WWW-Authenticate", 'DPoP error="invalid_token"')]) is False
    # The token endpoint form: a 400 whose JSON error is use_dpop_nonce.
    assert d.observe("https://as.example/token", 400, [("DPoP-Nonce", "t-1")],
                     b'{"error":"use_dpop_nonce"}') is True
    with pytest.raises(TypeError):
        d.observe(url, 401, [("DPoP-Nonce", 5)])


def test_observe_ignores_a_hostile_nonce():
    """### Hostile input: a DPoP-Nonce over 1024 bytes or with control characters is not kept, so a challenge
    carrying it asks for no retry (DPoP.observe, and so the adapters)."""
    d = m2mauth.DPoP()
    url = "https://rs.example/api"
    challenge = ("WWW-Authenticate", 'DPoP error="use_dpop_nonce"')
    assert d.observe(url, 401, [challenge, ("DPoP-Nonce", "n" * 2000)]) is False
    assert d.observe(url, 401, [challenge, ("DPoP-Nonce", "a\x01b")]) is False
    assert nonce_of(d.proof("GET", url)) is None


@pytest.fixture(scope="module")
def resource_nonce():
    import harness
    with harness.start("dpop", nonce=True, iat_window=60) as server:
        yield server


def stats(server) -> dict:
    return requests.get(server.url + "/_control/stats", timeout=10).json()


def control(server, what: str) -> None:
    requests.post(server.url + "/_control/" + what, timeout=10).raise_for_status()


@contextlib.contextmanager
def dpop_client(oidc_server, clients):
    with m2mauth.OAuth2Client(oidc_server.info["token_endpoint"], "svc-basic",
                              client_secret=clients["svc-basic"]["client_secret"], dpop=True) as client:
        assert client.token().token_type == "DPoP"
        yield client


def check_nonce_rules(resource, send) -> None:
    """send(url) -> (status, number of earlier responses): the nonce rules the adapters follow."""
    control(resource, "reset")
    url = resource.info["api_url"] + "/adapter?x=1"
    assert send(url) == (200, 1)  # one use_dpop_nonce challenge, one retry with the same token
    s = stats(resource)
    assert (s["requests"], s["nonce_challenges"], s["accepted"]) == (2, 1, 1)
    assert send(url) == (200, 0)  # the nonce was learnt: no challenge
    assert stats(resource)["nonce_challenges"] == 1
    control(resource, "rotate_nonce")
    assert send(url) == (200, 1)
    s = stats(resource)
    assert (s["requests"], s["nonce_challenges"], s["accepted"]) == (5, 2, 3)
    # A server that asks for a new nonce every time: a bounded failure, exactly two requests.
    control(resource, "nonce_loop")
    before = stats(resource)["requests"]
    assert send(url) == (401, 1)
    assert stats(resource)["requests"] - before == 2
    control(resource, "reset")


@network
def test_requests_adapter_learns_the_nonce_and_retries_once(oidc_server, clients, resource_nonce):
    with dpop_client(oidc_server, clients) as client, requests.Session() as session:
        session.auth = m2requests.OAuth2Auth(client)

        def send(url):
            r = session.post(url, data=b'{"n":1}', timeout=10)
            if r.status_code == 401:
                assert 'error="use_dpop_nonce"' in r.headers["WWW-Authenticate"]
            return r.status_code, len(r.history)

        check_nonce_rules(resource_nonce, send)


@network
@needs_httpx
def test_httpx_adapter_learns_the_nonce_and_retries_once(oidc_server, clients, resource_nonce):
    with dpop_client(oidc_server, clients) as client, httpx.Client(auth=m2httpx.OAuth2Auth(client)) as http:
        def send(url):
            r = http.put(url, content=b"body", timeout=10)
            return r.status_code, len(r.history)

        check_nonce_rules(resource_nonce, send)


@network
@needs_httpx
def test_httpx_async_adapter_learns_the_nonce_and_retries_once(oidc_server, clients, resource_nonce):
    with dpop_client(oidc_server, clients) as client:
        auth = m2httpx.OAuth2Auth(client)

        def send(url):
            async def go():
                async with httpx.AsyncClient(auth=auth) as http:
                    r = await http.get(url, timeout=10)
                    return r.status_code, len(r.history)
            return asyncio.run(go())

        check_nonce_rules(resource_nonce, send)


@network
def test_the_adapter_and_client_request_share_the_nonce(oidc_server, clients, resource_nonce):
    """One key, one remembered nonce per origin: what the adapter learnt serves OAuth2Client.request."""
    control(resource_nonce, "reset")
    with dpop_client(oidc_server, clients) as client, requests.Session() as session:
        session.auth = m2requests.OAuth2Auth(client)
        url = resource_nonce.info["api_url"] + "/shared"
        assert session.get(url, timeout=10).status_code == 200
        assert client.request("GET", url).status == 200
        assert stats(resource_nonce)["nonce_challenges"] == 1
    control(resource_nonce, "reset")
