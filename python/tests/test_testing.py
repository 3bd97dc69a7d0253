"""m2mauth.testing.TokenServer, the token-endpoint test double: the package's own client against it
(client authentication methods, TLS, mTLS, JWT tokens, knobs) and raw sockets for hostile requests."""

from __future__ import annotations

import base64
import json
import socket
import time
import urllib.request

import pytest

import m2mauth
from m2mauth.testing import TokenServer
from m2mauth.pytest_plugin import m2mauth_token_server  # noqa: F401  (the fixture)

SECRET = "s3cret-s3cret-s3cret-s3cret-s3cret!"


def raw(server: TokenServer, data: bytes, linger: float = 0.0) -> bytes:
    """One raw exchange with the server; everything it answers."""
    port = int(server.url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        try:
            s.sendall(data)
        except OSError:
            pass  # the server may answer and close before reading everything
        if linger:
            time.sleep(linger)
        out = b""
        while True:
            try:
                chunk = s.recv(4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        return out


def status(response: bytes) -> int:
    return int(response[9:12]) if len(response) > 12 else 0


def post(server: TokenServer, path: str, form: str, headers: str = "") -> bytes:
    body = form.encode()
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\n{headers}\r\n")
    return raw(server, head.encode() + body)


def basic(client_id: str, secret: str) -> str:
    return "Authorization: Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode() + "\r\n"


def test_fixture_client_credentials_and_counters(m2mauth_token_server: TokenServer) -> None:
    server = m2mauth_token_server
    server.add_client("svc", SECRET, scopes=["read", "write"])
    client = m2mauth.OAuth2Client(server.token_url, "svc", client_secret=SECRET, scope="read")
    token = client.fetch()
    assert len(token.access_token) >= 40
    assert token.scope == "read"
    assert server.requests("token") == 1
    assert server.requests("grant:client_credentials") == 1
    assert server.requests() == 1
    wrong = m2mauth.OAuth2Client(server.token_url, "svc", client_secret="not-it")
    with pytest.raises(m2mauth.Error) as e:
        wrong.fetch()
    assert e.value.http_status == 401
    assert e.value.error == "invalid_client"
    assert "not-it" not in str(e.value)
    assert SECRET not in repr(server)


def test_fail_next_then_recover_with_retry_after() -> None:
    with TokenServer() as server:
        server.add_client("svc", SECRET)
        server.fail_next(1, status=503, error="temporarily_unavailable", retry_after=3)
        client = m2mauth.OAuth2Client(server.token_url, "svc", client_secret=SECRET)
        with pytest.raises(m2mauth.Error) as e:
            client.fetch()
        assert e.value.http_status == 503
        assert e.value.transient
        assert e.value.retry_after == 3.0
        assert client.fetch().access_token
        assert server.requests("failed") == 1
        assert server.requests("token") == 2


def test_stall_delays_one_request() -> None:
    with TokenServer() as server:
        server.add_client("svc", SECRET)
        client = m2mauth.OAuth2Client(server.token_url, "svc", client_secret=SECRET)
        server.stall(0.3)
        t0 = time.monotonic()
        client.fetch()
        assert time.monotonic() - t0 >= 0.29
        t0 = time.monotonic()
        client.fetch()
        assert time.monotonic() - t0 < 0.28


def test_assertions_private_key_jwt_and_client_secret_jwt() -> None:
    key = m2mauth.Key.generate("EC", curve="P-256")
    other = m2mauth.Key.generate("EC", curve="P-256")
    with TokenServer() as server:
        server.add_client("pk", method="private_key_jwt", public_key=key)
        server.add_client("hs", SECRET, method="client_secret_jwt")
        ok = m2mauth.OAuth2Client(server.token_url, "pk", private_key=key, auth_method="private_key_jwt")
        assert ok.fetch().access_token
        hs = m2mauth.OAuth2Client(server.token_url, "hs", client_secret=SECRET, auth_method="client_secret_jwt")
        assert hs.fetch().access_token
        bad = m2mauth.OAuth2Client(server.token_url, "pk", private_key=other, auth_method="private_key_jwt")
        with pytest.raises(m2mauth.Error) as e:
            bad.fetch()
        assert e.value.error == "invalid_client"
        # One assertion sent twice: the replayed jti is refused.
        assertion = m2mauth.jwt.encode({"iss": "pk", "sub": "pk", "aud": server.token_url, "jti": "once",
                                        "exp": int(time.time()) + 60}, key, algorithm="ES256")
        form = ("grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3A"
                "client-assertion-type%3Ajwt-bearer&client_assertion=" + assertion)
        assert status(post(server, "/token", form)) == 200
        assert status(post(server, "/token", form)) == 401


def test_jwt_tokens_claims_jwks_introspection_and_revoke_all() -> None:
    with TokenServer(token_format="jwt", claims={"tenant": "t1"}, token_lifetime=120,
                     audience="https://api.example") as server:
        server.add_client("svc", SECRET)
        token = m2mauth.OAuth2Client(server.token_url, "svc", client_secret=SECRET).fetch()
        assert token.expires_at - time.time() == pytest.approx(120, abs=5)
        with urllib.request.urlopen(server.jwks_url, timeout=10) as r:
            jwks = json.load(r)
        claims = m2mauth.jwt.decode(token.access_token, m2mauth.KeySet(jwks), ["ES256"],
                                    audience="https://api.example", issuer=server.issuer)
        assert claims["tenant"] == "t1"
        assert claims["sub"] == "svc"
        active = post(server, "/introspect", "token=" + token.access_token, basic("svc", SECRET))
        assert json.loads(active.split(b"\r\n\r\n", 1)[1])["active"] is True
        server.revoke_all()
        inactive = post(server, "/introspect", "token=" + token.access_token, basic("svc", SECRET))
        assert json.loads(inactive.split(b"\r\n\r\n", 1)[1]) == {"active": False}
        assert server.requests("introspection") == 2


def test_https_and_mtls_tls_client_auth() -> None:
    key = m2mauth.Key.generate("EC", curve="P-256")
    cert = m2mauth.Certificate.self_signed(key, "svc", days=1)
    with TokenServer(mtls=True) as server:
        assert server.url.startswith("https://127.0.0.1:")
        assert server.ca_pem.startswith("-----BEGIN CERTIFICATE-----")
        server.add_client("mtls", method="tls_client_auth", tls_subject="CN=svc")
        server.add_client("svc", SECRET)
        http = m2mauth.Http(ca_file=server.ca_file)
        assert m2mauth.OAuth2Client(server.token_url, "svc", client_secret=SECRET, http=http).fetch()
        with pytest.raises(m2mauth.TLSError):
            m2mauth.OAuth2Client(server.token_url, "svc", client_secret=SECRET).fetch()
        with_cert = m2mauth.Http(ca_file=server.ca_file, client_cert=cert.pem, client_key=key.private_pem())
        client = m2mauth.OAuth2Client(server.token_url, "mtls", auth_method="self_signed_tls_client_auth",
                                      http=with_cert)
        assert client.fetch().access_token
        ca_file = server.ca_file
    import os
    assert not os.path.exists(ca_file)


def test_hostile_requests_are_refused_and_bounded() -> None:
    with TokenServer(max_body_bytes=1024, max_headers=8, read_timeout=0.3) as server:
        assert status(post(server, "/token", "a" * 1025)) == 413
        many = "".join(f"X-H{i}: v\r\n" for i in range(9))
        assert status(raw(server, f"GET /jwks HTTP/1.1\r\n{many}\r\n".encode())) == 431
        assert status(raw(server, b"POST /token HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")) == 501
        assert status(raw(server, b"GET /jwks HTTP/9\r\n\r\n")) == 400
        t0 = time.monotonic()
        assert status(raw(server, b"POST /token HTTP/1.1\r\nContent-Length: 100\r\n\r\nabc")) == 408
        assert time.monotonic() - t0 < 3
        assert server.requests("rejected") == 5
        assert status(raw(server, b"GET /jwks HTTP/1.1\r\n\r\n")) == 200


def test_arguments_are_checked() -> None:
    with pytest.raises(ValueError):
        TokenServer(token_format="xml")
    with pytest.raises(m2mauth.Error):
        TokenServer(token_lifetime=0)
    server = TokenServer()
    with pytest.raises(ValueError):
        server.add_client("x", "s", method="magic")
    with pytest.raises(m2mauth.Error):
        server.add_client("x")  # no secret
    with pytest.raises(m2mauth.Error):
        server.url  # not started
    server.stop()


def test_knob_numbers_are_checked_before_the_native_call() -> None:
    """Negative, huge, non-finite or non-integer knob values are a ValueError / TypeError naming the argument,
    never pybind's untyped "incompatible function arguments" nor a number taken as another."""
    with TokenServer() as server:
        for call, what in ((lambda: server.fail_next(-1), "count"), (lambda: server.fail_next(2**40), "count"),
                           (lambda: server.fail_next(1, status=99999), "status"),
                           (lambda: server.fail_next(1, retry_after=-5), "retry_after"),
                           (lambda: server.stall(float("nan")), "seconds"), (lambda: server.stall(1e400), "seconds"),
                           (lambda: server.stall(1, count=-1), "count")):
            with pytest.raises(ValueError, match=what):
                call()
        with pytest.raises(TypeError, match="count"):
            server.fail_next(1.5)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="clock_offset"):
            TokenServer(clock_offset=2**70)
        server.fail_next(0)  # in range: accepted
        server.stall(0.001)


def test_dpop_client_gets_a_bound_token_and_hostile_proofs_are_refused() -> None:
    with TokenServer(token_format="jwt") as server:
        server.add_client("svc", SECRET)
        client = m2mauth.OAuth2Client(server.token_url, "svc", client_secret=SECRET, dpop=True)
        token = client.fetch()
        assert token.token_type == "DPoP"
        with urllib.request.urlopen(server.jwks_url, timeout=10) as r:
            jwks = json.load(r)
        claims = m2mauth.jwt.decode(token.access_token, m2mauth.KeySet(jwks), ["ES256"],
                                    audience=server.issuer, issuer=server.issuer)
        assert claims["cnf"] == {"jkt": client.dpop_thumbprint}
        introspected = post(server, "/introspect", "token=" + token.access_token, basic("svc", SECRET))
        body = json.loads(introspected.split(b"\r\n\r\n", 1)[1])
        assert body["token_type"] == "DPoP"
        assert body["cnf"] == {"jkt": client.dpop_thumbprint}
        assert server.requests("dpop") == 1

        # Proofs an RFC 9449 server refuses: another URL, another method, a replayed proof, two headers.
        key = m2mauth.DPoP()
        good = key.proof("POST", server.token_url)
        assert status(post(server, "/token", "grant_type=client_credentials",
                           basic("svc", SECRET) + f"DPoP: {good}\r\n")) == 200
        for headers in (f"DPoP: {good}\r\n",
                        f"DPoP: {key.proof('POST', server.introspection_url)}\r\n",
                        f"DPoP: {key.proof('GET', server.token_url)}\r\n",
                        f"DPoP: {key.proof('POST', server.token_url)}\r\nDPoP: {key.proof('POST', server.token_url)}\r\n",
                        "DPoP: not-a-jws\r\n"):
            answer = post(server, "/token", "grant_type=client_credentials", basic("svc", SECRET) + headers)
            assert status(answer) == 400
            assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"] == "invalid_dpop_proof"
        assert server.requests("dpop_refused") == 5
        assert server.requests("dpop") == 2


def test_dpop_nonce_is_asked_for_and_the_client_retries_once_with_it() -> None:
    with TokenServer(dpop_nonce="py-nonce-0123") as server:
        server.add_client("svc", SECRET)
        client = m2mauth.OAuth2Client(server.token_url, "svc", client_secret=SECRET, dpop=True)
        assert client.fetch().token_type == "DPoP"
        assert server.requests("dpop_refused") == 1  # the first proof, without the nonce
        assert server.requests("dpop") == 1  # its retry, with it
        assert server.requests("token") == 2
        # What the first proof got: 400 use_dpop_nonce with the nonce in a DPoP-Nonce header.
        answer = post(server, "/token", "grant_type=client_credentials",
                      basic("svc", SECRET) + f"DPoP: {m2mauth.DPoP().proof('POST', server.token_url)}\r\n")
        assert status(answer) == 400 and b"\r\nDPoP-Nonce: py-nonce-0123\r\n" in answer
        assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"] == "use_dpop_nonce"
        # The nonce is remembered: the next fetch needs no retry.
        assert client.fetch().token_type == "DPoP"
        assert server.requests("dpop_refused") == 2 and server.requests("dpop") == 2
    # Without a nonce the same client needs no retry; hostile values are refused before the server exists.
    with TokenServer() as server:
        server.add_client("svc", SECRET)
        m2mauth.OAuth2Client(server.token_url, "svc", client_secret=SECRET, dpop=True).fetch()
        assert server.requests("dpop_refused") == 0 and server.requests("dpop") == 1
    for bad in ("has space", "quote\"", "x" * 1025):
        with pytest.raises(ValueError, match="dpop_nonce") as info:
            TokenServer(dpop_nonce=bad)
        assert bad not in str(info.value)
    with pytest.raises(ValueError):
        TokenServer(dpop_nonce="nul\0")
    with pytest.raises(TypeError):
        TokenServer(dpop_nonce=5)  # type: ignore[arg-type]
