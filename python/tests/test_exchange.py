"""RFC 8693 token exchange from Python against the strict loopback server (tests/servers/exchange_server.py)."""

from __future__ import annotations

import base64
import json
import time

import pytest
import requests

import harness
import m2mauth
from m2mauth import errors

ACCESS = m2mauth.TOKEN_TYPE_ACCESS_TOKEN


@pytest.fixture(scope="module")
def xserver():
    with harness.start("exchange", public_client=["pub-x"]) as server:
        yield server


@pytest.fixture
def xs(xserver):
    requests.post(xserver.url + "/reset", timeout=10)
    return xserver


def client(xs, server_clients, client_id="svc-basic", **kw):
    meta = server_clients["oauth2"]["clients"].get(client_id, {})
    if "client_secret" in meta:
        kw.setdefault("client_secret", meta["client_secret"])
    if "private_key" in meta:
        kw.setdefault("private_key", m2mauth.Key.from_file(meta["private_key"]))
    if meta.get("token_endpoint_auth_method"):
        kw.setdefault("auth_method", meta["token_endpoint_auth_method"])
    return m2mauth.OAuth2Client(xs.url + "/token", client_id, **kw)


def last(xs) -> dict:
    return requests.get(xs.url + "/exchanges", timeout=10).json()[-1]


def count(xs) -> int:
    return requests.get(xs.url + "/count", timeout=10).json()["count"]


def b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def jwt_with_exp(exp: int) -> str:
    return b64({"alg": "RS256"}) + "." + b64({"sub": "alice", "exp": exp}) + ".c2ln"


def test_every_parameter_sent(xs, server_clients):
    with client(xs, server_clients) as c:
        t = c.exchange(subject_token="py-subject", subject_token_type=ACCESS, actor_token="py-actor",
                       actor_token_type=m2mauth.TOKEN_TYPE_JWT, requested_token_type=ACCESS,
                       audience=["api-a", "api-b"], resource="https://api.example/r", scope=["api.read", "api.write"],
                       cached=False)
    assert isinstance(t, m2mauth.ExchangedToken) and isinstance(t, m2mauth.Token)
    assert t.issued_token_type == ACCESS and t.token_type == "Bearer" and t.scope == "api.read api.write"
    assert t.authorization.startswith("Bearer xt-")
    assert "xt-" not in repr(t) and "redacted" in repr(t)
    assert last(xs)["form"] == [
        ["grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"], ["subject_token", "py-subject"],
        ["subject_token_type", ACCESS], ["actor_token", "py-actor"], ["actor_token_type", m2mauth.TOKEN_TYPE_JWT],
        ["requested_token_type", ACCESS], ["audience", "api-a"], ["audience", "api-b"],
        ["resource", "https://api.example/r"], ["scope", "api.read api.write"]]


@pytest.mark.parametrize("client_id", ["svc-basic", "svc-post", "svc-jwt", "svc-rs256", "pub-x"])
def test_every_client_authentication(xs, server_clients, client_id):
    kw = {"auth_method": "none"} if client_id == "pub-x" else {}
    with client(xs, server_clients, client_id, **kw) as c:
        t = c.exchange(subject_token="s-" + client_id, subject_token_type=ACCESS)
    assert t.issued_token_type == ACCESS
    expected = "none" if client_id == "pub-x" else server_clients["oauth2"]["clients"][client_id][
        "token_endpoint_auth_method"]
    assert last(xs)["auth"] == expected


def test_cache_key_and_exp_bound(xs, server_clients):
    exp = int(time.time()) + 600
    subject = jwt_with_exp(exp)
    with client(xs, server_clients) as c:
        a = c.exchange(subject_token=subject, subject_token_type=m2mauth.TOKEN_TYPE_JWT)
        b = c.exchange(subject_token=subject, subject_token_type=m2mauth.TOKEN_TYPE_JWT)
        assert a.access_token == b.access_token and count(xs) == 1
        assert exp - 30 < a.expires_at <= exp
        o = c.exchange(subject_token="opaque", subject_token_type=ACCESS)
        assert count(xs) == 2 and o.expires_at > time.time() + 3000
        c.exchange(subject_token=subject, subject_token_type=m2mauth.TOKEN_TYPE_JWT, audience="x")
        assert count(xs) == 3


def test_expired_subject_is_refused_without_a_request(xs, server_clients):
    with client(xs, server_clients) as c, pytest.raises(errors.ExpiredTokenError):
        c.exchange(subject_token=jwt_with_exp(int(time.time()) - 5), subject_token_type=m2mauth.TOKEN_TYPE_JWT)
    assert count(xs) == 0


def test_invalid_arguments_name_the_field_never_the_token(xs, server_clients):
    with client(xs, server_clients) as c:
        for kw in ({"subject_token_type": "access_token"}, {"resource": "relative/path"}, {"audience": ""},
                   {"requested_token_type": "nope"}):
            with pytest.raises(errors.InvalidArgumentError) as ei:
                c.exchange(subject_token="hidden-subject-123", **{"subject_token_type": ACCESS, **kw})
            assert "hidden-subject-123" not in str(ei.value)
        with pytest.raises(ValueError):
            c.exchange(subject_token="s", subject_token_type=ACCESS, actor_token="a")
        with pytest.raises(errors.InvalidArgumentError):
            c.exchange(subject_token="", subject_token_type=ACCESS)
        for bad in ("two words", "line\nbreak", "caf\u00e9"):
            with pytest.raises(errors.InvalidArgumentError) as ei:
                c.exchange(subject_token=bad, subject_token_type=ACCESS)
            assert bad not in str(ei.value)
    assert count(xs) == 0


def test_issued_token_type_checked(xs, server_clients):
    with client(xs, server_clients) as c:
        with pytest.raises(errors.ProtocolError, match="issued_token_type"):
            c.exchange(subject_token="s1", subject_token_type=ACCESS, audience="fault:missing-issued-type")
        with pytest.raises(errors.ProtocolError, match="not a token type URI"):
            c.exchange(subject_token="s1b", subject_token_type=ACCESS, audience="fault:bad-issued-type")
        with pytest.raises(errors.ProtocolError, match="differs"):
            c.exchange(subject_token="s2", subject_token_type=ACCESS, audience="fault:other-type",
                       requested_token_type=ACCESS)
        t = c.exchange(subject_token="s3", subject_token_type=ACCESS, audience="fault:other-type")
        assert t.issued_token_type == m2mauth.TOKEN_TYPE_JWT
        t = c.exchange(subject_token="s4", subject_token_type=ACCESS, requested_token_type=m2mauth.TOKEN_TYPE_ID_TOKEN)
        assert t.token_type == "N_A" and t.issued_token_type == m2mauth.TOKEN_TYPE_ID_TOKEN


def test_refusals_and_redaction(xs, server_clients):
    secret_subject, secret_actor = "ST-py-very-secret-0123456789", "AT-py-very-secret-9876543210"
    with client(xs, server_clients) as c:
        for fault, error in (("fault:invalid-request", "invalid_request"), ("fault:invalid-target", "invalid_target")):
            with pytest.raises(errors.OAuthError) as ei:
                c.exchange(subject_token="s", subject_token_type=ACCESS, audience=fault, cached=False)
            assert ei.value.error == error
        with pytest.raises(errors.OAuthError) as ei:
            c.exchange(subject_token=secret_subject, subject_token_type=ACCESS, actor_token=secret_actor,
                       actor_token_type=ACCESS, audience="fault:echo-subject")
    e = ei.value
    assert e.error == "invalid_grant"
    for text in (str(e), repr(e), e.error_description or ""):
        assert secret_subject not in text and secret_actor not in text
    assert "is not acceptable" in (e.error_description or "")
