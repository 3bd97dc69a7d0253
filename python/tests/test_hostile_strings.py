"""Hostile input (issue 10, defects 3 and 7).

U+0000 in any JSON string the library reads is refused (MalformedError; ProtocolError for a token
response) before a C-string comparison could take "api\\u0000.evil" for "api". Every token here is
validly signed (HMAC from the standard library), so without the rule it would verify.

A KeySet (a set of verification keys) refuses private members; private material leaves a key only
through Key.private_jwk() / Key.private_pem().

Peers, for the record (checked here against the installed PyJWT and jwcrypto): both compare Python
strings over their whole length, so the same tokens fail there as a mismatch (InvalidAudienceError,
InvalidAlgorithmError); both accept a JWK set with private keys for verification, and jwcrypto's
JWKSet.export() gives the private members back unless private_keys=False.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

import m2mauth
from conftest import HAVE_SERVERS, script

SECRET = b"0123456789abcdef0123456789abcdef"
X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"
D = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: str, payload: str, secret: bytes = SECRET) -> str:
    """A compact JWS over exactly these JSON texts, HS256-signed."""
    signing_input = b64(header.encode()) + "." + b64(payload.encode())
    return signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())


HEADER = '{"alg":"HS256","typ":"JWT"}'


@pytest.fixture
def key():
    with m2mauth.Key.hmac(SECRET) as k:
        yield k


def test_aud_with_nul_is_malformed_not_a_match(key):
    assert m2mauth.jwt.decode(forge(HEADER, '{"aud":["api"]}'), key, ["HS256"], audience="api") == {"aud": ["api"]}
    for payload in ('{"aud":["api\\u0000.evil"]}', '{"aud":"api\\u0000.evil"}'):
        with pytest.raises(m2mauth.MalformedError) as exc:
            m2mauth.jwt.decode(forge(HEADER, payload), key, ["HS256"], audience="api")
        assert "U+0000" in str(exc.value) and "evil" not in str(exc.value)
    with pytest.raises(m2mauth.MalformedError):
        m2mauth.jwt.decode(forge(HEADER, '{"aud":"api\\u0000"}'), key, ["HS256"], audience=["api", "other"])


def test_iss_and_sub_with_nul_are_malformed(key):
    ok = forge(HEADER, '{"iss":"https://as.example","sub":"svc"}')
    assert m2mauth.jwt.decode(ok, key, ["HS256"], issuer="https://as.example", subject="svc")["sub"] == "svc"
    with pytest.raises(m2mauth.MalformedError) as exc:
        m2mauth.jwt.decode(forge(HEADER, '{"iss":"https://as.example\\u0000.evil"}'), key, ["HS256"],
                           issuer="https://as.example")
    assert '"iss"' in str(exc.value)
    with pytest.raises(m2mauth.MalformedError):
        m2mauth.jwt.decode(forge(HEADER, '{"sub":"svc\\u0000admin"}'), key, ["HS256"], subject="svc")
    with pytest.raises(m2mauth.MalformedError):
        m2mauth.jwt.decode_unverified(forge(HEADER, '{"sub":"svc\\u0000admin"}'))


def test_alg_typ_crit_with_nul_are_malformed(key):
    assert m2mauth.jws.verify(forge('{"alg":"HS256"}', "{}"), key, ["HS256"]) == b"{}"
    with pytest.raises(m2mauth.MalformedError):
        m2mauth.jws.verify(forge('{"alg":"HS256\\u0000x"}', "{}"), key, ["HS256"])
    with pytest.raises(m2mauth.MalformedError):
        m2mauth.jwt.decode(forge('{"alg":"HS256\\u0000x"}', "{}"), key, ["HS256"])
    verifier = m2mauth.jwt.Verifier(key, ["HS256"], typ="JWT")
    assert verifier.verify(forge('{"alg":"HS256","typ":"JWT"}', "{}")) == {}
    with pytest.raises(m2mauth.MalformedError):
        verifier.verify(forge('{"alg":"HS256","typ":"JWT\\u0000x"}', "{}"))
    for header in ('{"alg":"HS256","crit\\u0000":["x"]}', '{"alg":"HS256","crit":["exp\\u0000"],"exp\\u0000":1}'):
        with pytest.raises(m2mauth.MalformedError):
            m2mauth.jws.verify(forge(header, "{}"), key, ["HS256"])
    # What m2mauth refuses to read, it refuses to write.
    with pytest.raises(m2mauth.MalformedError):
        m2mauth.jws.sign_protected(b"{}", key, b'{"alg":"HS256","kid":"k1\\u0000x"}')


def test_kid_with_nul_selects_no_key():
    ks = m2mauth.KeySet({"keys": [{"kty": "oct", "kid": "k1", "k": b64(SECRET)},
                                  {"kty": "oct", "kid": "k2", "k": b64(b"\0" * 32)}]})
    assert m2mauth.jwt.decode(forge('{"alg":"HS256","kid":"k1"}', "{}"), ks, ["HS256"]) == {}
    with pytest.raises(m2mauth.MalformedError):
        m2mauth.jwt.decode(forge('{"alg":"HS256","kid":"k1\\u0000x"}', "{}"), ks, ["HS256"])
    with pytest.raises(m2mauth.MalformedError):
        m2mauth.jws.verify(forge('{"alg":"HS256","kid":"k1\\u0000x"}', "{}"), ks, ["HS256"])


def ec_jwk(**members):
    jwk = {"kty": "EC", "crv": "P-256", "x": X, "y": Y}
    jwk.update(members)
    return jwk


def test_jwk_members_with_nul_are_malformed():
    assert m2mauth.Key.from_jwk(ec_jwk()).kty == "EC"
    for bad in (ec_jwk(kty="EC\0x"), ec_jwk(crv="P-256\0"), ec_jwk(use="sig\0enc")):
        with pytest.raises(m2mauth.MalformedError):
            m2mauth.Key.from_jwk(bad)
    with pytest.raises(m2mauth.MalformedError):
        m2mauth.Key.from_jwks({"keys": [ec_jwk(kid="k1\0x")]}, "k1")


def test_key_set_refuses_private_members():
    public = ec_jwk(kid="e")
    ks = m2mauth.KeySet({"keys": [public]})
    assert '"d"' not in ks.to_json()
    with pytest.raises(m2mauth.KeyFormatError) as exc:
        m2mauth.KeySet({"keys": [ec_jwk(kid="e", d=D)]})
    assert '"d"' in str(exc.value) and D not in str(exc.value)
    for member in ("p", "q", "dp", "dq", "qi", "oth"):
        with pytest.raises(m2mauth.KeyFormatError):
            m2mauth.KeySet({"keys": [public, {"kty": "RSA", "kid": "r", "n": "AQAB", "e": "AQAB", member: "AQ"}]})
    # The core holds the rule: a verifier over a set that bypassed KeySet's check is refused the same way.
    forged = object.__new__(m2mauth.KeySet)
    forged._json, forged._kids = json.dumps({"keys": [ec_jwk(kid="e", d=D)]}), ("e",)
    with pytest.raises(m2mauth.KeyFormatError):
        m2mauth.jwt.Verifier(forged, ["ES256"])


def test_private_material_leaves_only_by_name():
    key = m2mauth.Key.from_jwks({"keys": [ec_jwk(kid="e", d=D)]}, "e")  # a signing key stored as a set
    assert key.has_private
    assert "d" not in key.public_jwk()
    assert "d" not in m2mauth.KeySet.from_keys([key]).to_dict()["keys"][0]
    assert key.private_jwk()["d"] == D


@pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")
@pytest.mark.parametrize("body", [
    '{"access_token":"tok\\u0000-0123456789","token_type":"Bearer","expires_in":600}',
    '{"access_token":"tok-0123456789","token_type":"Bearer\\u0000x","expires_in":600}',
])
def test_token_response_with_nul_is_a_protocol_error(fault, clients, body):
    script(fault, [{"body": body, "content_type": "application/json"}])
    with m2mauth.OAuth2Client(fault.info["token_endpoint"], "svc-basic",
                              client_secret=clients["svc-basic"]["client_secret"],
                              http=m2mauth.Http(timeout=10)) as client:
        with pytest.raises(m2mauth.ProtocolError) as exc:
            client.fetch()
    assert "0123456789" not in str(exc.value)
    assert "U+0000" in str(exc.value)


@pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")
def test_error_response_with_nul_keeps_the_oauth_error(fault, clients):
    script(fault, [{"status": 401, "content_type": "application/json",
                    "body": '{"error":"invalid_client","error_description":"bad\\u0000client"}'}])
    with m2mauth.OAuth2Client(fault.info["token_endpoint"], "svc-basic",
                              client_secret=clients["svc-basic"]["client_secret"],
                              http=m2mauth.Http(timeout=10)) as client:
        with pytest.raises(m2mauth.OAuthError) as exc:
            client.fetch()
    assert exc.value.error == "invalid_client"
    assert exc.value.error_description.startswith("bad") and "client" in exc.value.error_description


def test_peers_compare_the_whole_string_and_keep_private_sets():
    """Documents the peers' behaviour for the same inputs (not m2mauth's rule)."""
    jwt = pytest.importorskip("jwt")
    jwcrypto_jwk = pytest.importorskip("jwcrypto.jwk")
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(forge(HEADER, '{"aud":["api\\u0000.evil"]}'), SECRET, algorithms=["HS256"], audience="api")
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.decode(forge('{"alg":"HS256\\u0000x"}', "{}"), SECRET, algorithms=["HS256"])
    private_set = json.dumps({"keys": [ec_jwk(kid="e", d=D)]})
    assert jwt.PyJWKSet.from_json(private_set).keys[0].key is not None  # accepted
    assert '"d"' in jwcrypto_jwk.JWKSet.from_json(private_set).export()  # and given back by default


def test_every_refused_token_is_an_invalid_token(key):
    """A token with a critical extension (RFC 7515 4.1.11) or over the verifier's size limit is a refused
    token: code by code the same family (InvalidTokenError, also PyJWT's jwt.InvalidTokenError habit) as
    a bad signature, so `except InvalidTokenError` covers every token an attacker can send."""
    for header in ('{"alg":"HS256","crit":["x"],"x":1}', '{"alg":"HS256","b64":false,"crit":["b64"]}'):
        with pytest.raises(m2mauth.InvalidTokenError, match="token refused"):
            m2mauth.jwt.decode(forge(header, "{}"), key, ["HS256"])
    big = forge('{"alg":"HS256"}', json.dumps({"pad": "a" * 70000}))
    with pytest.raises(m2mauth.InvalidTokenError, match="over the verifier's limit"):
        m2mauth.jwt.decode(big, key, ["HS256"])
    with pytest.raises(m2mauth.InvalidTokenError):
        m2mauth.jwt.Verifier(key, ["HS256"], max_size=100).verify(forge('{"alg":"HS256"}', json.dumps({"p": "a" * 100})))
