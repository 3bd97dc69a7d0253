"""m2mauth.OAuth1: the known-answer vectors of tests/vectors/oauth1, the same output as oauthlib's
Client for the same nonce and timestamp (every method, placement and body form), oauthlib's argument
checks, and the A2A emulator (which verifies with oauthlib) accepting what it signs."""

from __future__ import annotations

import itertools
import threading
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

import m2mauth
from m2mauth.oauth1 import Client
from conftest import HAVE_SERVERS, REPO, assert_no_secret

VECTORS = REPO / "tests" / "vectors" / "oauth1" / "oauth1_vectors.txt"


def load_vectors():
    cases, cur = [], None
    for line in VECTORS.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            cur = {"name": line.strip("[]")}
            cases.append(cur)
        else:
            key, _, value = line.partition(" = ")
            cur[key.strip()] = value
    return cases


CASES = load_vectors()


def auth_params(value: str) -> dict:
    assert value.startswith("OAuth ")
    out = {}
    for part in value[6:].split(","):
        k, _, v = part.strip().partition("=")
        out[k] = unquote(v.strip('"'))
    return out


def signer_for(case: dict) -> Client:
    return Client(case["consumer_key"], client_secret=case.get("consumer_secret") or None,
                  resource_owner_key=case.get("token") or None,
                  resource_owner_secret=case.get("token_secret") or None,
                  callback_uri=case.get("callback"), verifier=case.get("verifier"),
                  signature_method=case.get("signature_method", "HMAC-SHA1"), realm=case.get("realm"),
                  nonce=case.get("nonce"), timestamp=case.get("timestamp"),
                  version="1.0" if case.get("version") == "yes" else None)


def request_of(case: dict):
    headers = {"Content-Type": case["content_type"]} if "content_type" in case else None
    return case.get("url"), case.get("method", "GET"), case.get("body"), headers


@pytest.mark.parametrize("case", [c for c in CASES if "consumer_key" in c], ids=lambda c: c["name"])
def test_vector(case):
    client = signer_for(case)
    url, method, body, headers = request_of(case)
    if "base_string" in case:
        assert client.base_string(url, method, body, headers) == case["base_string"]
        if "base_string_uri" in case:
            assert unquote(case["base_string"].split("&")[1]) == case["base_string_uri"]
    if "signature" in case:
        assert client.signature(url, method, body, headers, nonce=case["nonce"],
                                timestamp=case["timestamp"]) == case["signature"]
    _, signed_headers, _ = client.sign(url, method, body, headers)
    got = auth_params(signed_headers["Authorization"])
    if "signature" in case:
        assert got["oauth_signature"] == case["signature"]
    if "authorization" in case:
        assert got == auth_params(case["authorization"])


@pytest.mark.parametrize("case", [c for c in CASES if "consumer_key" not in c], ids=lambda c: c["name"])
def test_vector_base_string_uri(case):
    base = Client("k", nonce="n", timestamp=1).base_string(case["url"])
    assert unquote(base.split("&")[1]) == case["base_string_uri"]


# ---- equality with oauthlib ---------------------------------------------------------------------

oauthlib = pytest.importorskip("oauthlib.oauth1")

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
BODIES = [
    ("none", None, None),
    ("dict", {"a": "b c", "é": "ü&=", "empty": ""}, FORM),
    # (oauthlib turns a list of pairs into a dict, dropping repeated names; m2mauth signs every pair:
    # test_repeated_form_names_are_all_signed)
    ("pairs", [("a", "1"), ("b", "2"), ("z", "+%")], FORM),
    ("form-text", "c2&a3=2+q&b5=%3D%253D", FORM),
    ("json", '{"k": "v", "n": [1, 2]}', {"Content-Type": "application/json"}),
    ("bytes-form", b"x=1&y=%20z", FORM),
]
METHODS = ["HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "RSA-SHA256", "PLAINTEXT"]
PLACEMENTS = ["AUTH_HEADER", "QUERY", "BODY"]
URLS = ["https://api.example.com/r/path?b5=%3D%253D&a3=a&c%40=&a2=r%20b", "http://Example.COM:80/p"]


@pytest.fixture(scope="module")
def rsa_pem():
    return m2mauth.Key.generate("RSA", bits=2048).private_pem()


def oauth_items(uri, headers, body, placement):
    """The protocol parameters wherever the placement put them, plus the other query/body pairs."""
    parts = urlsplit(uri)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if placement == "AUTH_HEADER":
        params = auth_params(headers["Authorization"])
        params.pop("realm", None)
        return sorted(params.items()), sorted(query), dict(body) if isinstance(body, list) else body
    if placement == "QUERY":
        return sorted(query), [], dict(body) if isinstance(body, list) else body
    text = body.decode() if isinstance(body, bytes) else body
    return sorted(parse_qsl(text, keep_blank_values=True)), sorted(query), None


def test_body_hash_is_the_librarys_and_oauthlibs():
    """body_hash (default on) is computed by the library: base64 SHA-1 of a non-form body, signed like
    oauthlib's; off, or for form data, there is none."""
    import base64
    import hashlib
    body = '{"a": "b c", "n": 1}'
    kw = dict(client_secret="cs", resource_owner_key="tok", resource_owner_secret="ts", nonce="n0nce",
              timestamp="1700000000")
    headers = {"Content-Type": "application/json"}
    ours = m2mauth.OAuth1("ck", **kw).sign("https://a.example/x", "POST", body, dict(headers))[1]
    theirs = oauthlib.Client("ck", **kw).sign("https://a.example/x", "POST", body, dict(headers))[1]
    want = base64.b64encode(hashlib.sha1(body.encode()).digest()).decode()
    assert unquote(auth_params(ours["Authorization"])["oauth_body_hash"]) == want
    assert auth_params(ours["Authorization"]) == auth_params(theirs["Authorization"])
    off = m2mauth.OAuth1("ck", body_hash=False, **kw).sign("https://a.example/x", "POST", body, dict(headers))[1]
    assert "oauth_body_hash" not in off["Authorization"]
    form = m2mauth.OAuth1("ck", **kw).sign("https://a.example/x", "POST", "a=1", dict(FORM))[1]
    assert "oauth_body_hash" not in form["Authorization"]


@pytest.mark.parametrize("method,placement,body_case,url",
                         list(itertools.product(METHODS, PLACEMENTS, BODIES, URLS)),
                         ids=lambda v: v[0] if isinstance(v, tuple) else str(v)[:20])
def test_same_as_oauthlib(rsa_pem, method, placement, body_case, url):
    _, body, headers = body_case
    http_method = "POST" if body is not None or placement == "BODY" else "GET"
    kw = dict(client_secret="cs&sec", resource_owner_key="tok", resource_owner_secret="ts",
              signature_method=method, signature_type=placement, nonce="n0nce", timestamp="1700000000",
              realm="Photos" if placement == "AUTH_HEADER" else None,
              rsa_key=rsa_pem if method.startswith("RSA") else None)
    theirs = oauthlib.Client("ck", **kw)
    ours = Client("ck", **kw)
    try:
        expected = theirs.sign(url, http_method, body, dict(headers) if headers else None)
    except ValueError as exc:
        with pytest.raises(ValueError) as mine:
            ours.sign(url, http_method, body, dict(headers) if headers else None)
        assert str(mine.value) == str(exc)
        return
    got = ours.sign(url, http_method, body, dict(headers) if headers else None)
    assert oauth_items(*got, placement) == oauth_items(*expected, placement)
    assert set(got[1]) == set(expected[1])
    if placement != "BODY":
        # the body comes back as given (oauthlib turns a list of pairs into a dict)
        mine = dict(got[2]) if isinstance(got[2], list) else got[2]
        assert mine == expected[2]
    if placement == "AUTH_HEADER":
        assert auth_params(got[1]["Authorization"]).get("realm") == "Photos"


def test_repeated_form_names_are_all_signed():
    c = Client("ck", client_secret="s", nonce="n", timestamp=1)
    one = c.sign("https://a.example/", "POST", [("a", "1"), ("a", "2")], dict(FORM))
    text = c.sign("https://a.example/", "POST", "a=1&a=2", dict(FORM))
    assert one[1]["Authorization"] == text[1]["Authorization"]
    base = c.base_string("https://a.example/", "POST", [("a", "1"), ("a", "2")], FORM)
    assert "a%3D1%26a%3D2" in base


def test_oauthlib_argument_errors_are_the_same():
    for kw in ({"signature_method": "HMAC-MD5"}, {"signature_type": "COOKIE"}):
        with pytest.raises(ValueError):
            Client("ck", **kw)
    ours = Client("ck", client_secret="s")
    with pytest.raises(ValueError, match="GET/HEAD requests should not include body"):
        ours.sign("https://a.example/", "GET", {"a": "1"}, FORM)
    with pytest.raises(ValueError, match="Body contains parameters but Content-Type header was not set"):
        ours.sign("https://a.example/", "POST", {"a": "1"})


def test_version_none_and_decoding():
    c = Client("ck", client_secret="s", nonce="n", timestamp=1, version=None)
    _, headers, _ = c.sign("https://a.example/x")
    assert "oauth_version" not in auth_params(headers["Authorization"])
    uri, headers, body = Client("ck", client_secret="s", decoding="utf-8").sign("https://a.example/x")
    assert isinstance(uri, bytes) and all(isinstance(k, bytes) for k in headers)


def test_no_secret_in_repr_or_errors():
    c = Client("ck", client_secret="consumer-SECRET", resource_owner_key="tok", resource_owner_secret="token-SECRET")
    assert_no_secret(repr(c) + str(c), "consumer-SECRET", "token-SECRET")
    with pytest.raises(TypeError):
        import pickle
        pickle.dumps(c)
    assert not hasattr(c, "__dict__")


def test_random_nonce_and_time():
    c = Client("ck", client_secret="s")
    a = auth_params(c.sign("https://a.example/")[1]["Authorization"])
    b = auth_params(c.sign("https://a.example/")[1]["Authorization"])
    assert a["oauth_nonce"] != b["oauth_nonce"] and len(a["oauth_nonce"]) >= 16
    import time
    assert abs(int(a["oauth_timestamp"]) - time.time()) < 5


def test_threads_sign_at_once():
    c = Client("ck", client_secret="s", resource_owner_key="t", resource_owner_secret="ts", nonce="n", timestamp=5)
    want = c.sign("https://a.example/x", "POST", '{"a":1}', {"Content-Type": "application/json"})
    plain = c.sign("https://a.example/x")
    errors = []

    def work():
        for i in range(200):
            if i % 2:
                got = c.sign("https://a.example/x", "POST", '{"a":1}', {"Content-Type": "application/json"})
                ok = got == want
            else:
                ok = c.sign("https://a.example/x") == plain
            if not ok:
                errors.append(i)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors


# ---- the A2A emulator verifies with oauthlib -------------------------------------------------------

@pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")
@pytest.mark.parametrize("version", ["1.0", None])
@pytest.mark.parametrize("placement", ["AUTH_HEADER", "QUERY"])
def test_a2a_emulator_accepts_signed_requests(a2a_server, server_clients, http, version, placement):
    cred = server_clients["a2a"]["oauth1"][0]
    c = Client(cred["consumer_key"], client_secret=cred["consumer_secret"], resource_owner_key=cred["token"],
               resource_owner_secret=cred["token_secret"], signature_type=placement, version=version)
    base = a2a_server.info["base_url"]
    uri, headers, body = c.sign(base + "/pam/credential/5")
    r = http.send("GET", uri, headers)
    assert r.status == 200, r.text
    assert r.json()["credential"]["password"] == "secret@2504"
    # a form POST, body signed
    uri, headers, body = c.sign(base + "/pam/info", "POST", {"content": "a value+with spaces&more"}, dict(FORM))
    r = http.send("POST", uri, headers, body if isinstance(body, str) else
                  __import__("urllib.parse").parse.urlencode(body))
    assert r.status == 201, r.text
    # a wrong secret is refused
    bad = Client(cred["consumer_key"], client_secret="wrong", resource_owner_key=cred["token"],
                 resource_owner_secret=cred["token_secret"])
    uri, headers, _ = bad.sign(base + "/pam/credential/5")
    assert http.send("GET", uri, headers).status == 401
