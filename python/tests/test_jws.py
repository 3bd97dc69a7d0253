"""m2mauth.jws: compact JWS over bytes, known-answer vectors, refusals."""

from __future__ import annotations

import json

import pytest

import m2mauth
from m2mauth import jws
from conftest import ALG_KEY, b64url_decode, vector_key


@pytest.mark.parametrize("alg", sorted(ALG_KEY))
def test_sign_verify_every_algorithm(keys, alg):
    key = keys[ALG_KEY[alg]]
    for payload in (b"", b"hello", bytes(range(256)), bytearray(b"ba"), memoryview(b"mv")):
        token = jws.sign(payload, key, alg)
        verify_key = key if key.kty == "oct" else key.public_key()
        assert jws.verify(token, verify_key, algorithms=[alg]) == bytes(payload)
        assert jws.verify(token.encode(), verify_key, algorithms=alg) == bytes(payload)
    header = jws.get_unverified_header(token)
    assert header == {"alg": alg, "kid": key.kid}


def test_headers(keys):
    key = keys["P-256"]
    token = jws.sign(b"x", key, "ES256", {"typ": "JOSE", "cty": "text/plain", "kid": "other", "x-n": [1, 2]})
    assert jws.get_unverified_header(token) == {"alg": "ES256", "typ": "JOSE", "cty": "text/plain", "kid": "other",
                                                "x-n": [1, 2]}
    token = jws.sign(b"x", key, "ES256", {"kid": None})
    assert jws.get_unverified_header(token) == {"alg": "ES256"}
    token = jws.sign(b"x", key, None, {"alg": "ES256"})
    assert jws.get_unverified_header(token)["alg"] == "ES256"
    assert jws.get_unverified_header(jws.sign(b"x", key, None))["alg"] == "ES256"
    with pytest.raises(ValueError):
        jws.sign(b"x", key, "ES256", {"alg": "ES384"})
    with pytest.raises(TypeError):
        jws.sign(b"x", key, "ES256", ["not", "a", "mapping"])
    with pytest.raises(TypeError):
        jws.sign("text payload", key, "ES256")


def test_certificate_headers(keys):
    key = keys["RSA"]
    cert = m2mauth.Certificate.self_signed(key, "svc", days=1)
    token = jws.sign(b"x", key, "RS256", certificate=cert, certificate_headers=["x5t", "x5t#S256", "x5c"])
    header = jws.get_unverified_header(token)
    assert header["x5t"] == cert.fingerprint("sha1", "base64url")
    assert header["x5t#S256"] == cert.fingerprint("sha256", "base64url")
    assert header["x5c"] == [__import__("base64").b64encode(cert.der).decode()]
    with pytest.raises(ValueError):
        jws.sign(b"x", key, "RS256", certificate=cert, certificate_headers=["x5u"])


def test_algorithm_errors(keys):
    key = keys["HS256"]
    token = jws.sign(b"x", key, "HS256")
    with pytest.raises(m2mauth.AlgorithmError):
        jws.sign(b"x", key, "none")
    with pytest.raises(m2mauth.AlgorithmError):
        jws.sign(b"x", key, "HS257")
    with pytest.raises(m2mauth.KeyTypeError):
        jws.sign(b"x", key, "RS256")
    with pytest.raises(m2mauth.AlgorithmError):
        jws.verify(token, key, algorithms=["HS384"])
    with pytest.raises(m2mauth.AlgorithmError):
        jws.verify(token, key, algorithms=["none"])
    with pytest.raises(TypeError):
        jws.verify(token, key, algorithms=None)
    with pytest.raises(ValueError):
        jws.verify(token, key, algorithms=[])
    with pytest.raises(TypeError):
        jws.verify(token, "secret", algorithms=["HS256"])


def test_tampering(keys):
    key = keys["Ed25519"]
    token = jws.sign(b"payload", key, "EdDSA")
    h, p, s = token.split(".")
    forged = ".".join([h, m2mauth.jws.sign(b"other", key, "EdDSA").split(".")[1], s])
    with pytest.raises(m2mauth.InvalidSignatureError):
        jws.verify(forged, key.public_key(), algorithms=["EdDSA"])
    with pytest.raises(m2mauth.InvalidTokenError):
        jws.verify(token + "x", key.public_key(), algorithms=["EdDSA"])
    with pytest.raises(m2mauth.KeyTypeError):
        jws.verify(token, keys["P-256"].public_key(), algorithms=["EdDSA"])
    with pytest.raises(m2mauth.MalformedError):
        jws.verify("a.b", key, algorithms=["EdDSA"])
    with pytest.raises(m2mauth.MalformedError):
        jws.verify(token + "\0", key, algorithms=["EdDSA"])
    with pytest.raises(m2mauth.MalformedError):
        jws.verify("é.b.c".encode("utf-8"), key, algorithms=["EdDSA"])


def test_decode_unverified_and_keyset(keys):
    token = jws.sign(b"\x00\x01", keys["P-384"], "ES384")
    header, payload = jws.decode_unverified(token)
    assert header == {"alg": "ES384", "kid": "p384"} and payload == b"\x00\x01"
    ks = m2mauth.KeySet.from_keys([keys["P-256"], keys["P-384"]])
    assert jws.verify(token, ks, algorithms=["ES256", "ES384"]) == b"\x00\x01"


def test_vectors_sign_and_verify(jose):
    for case in jose["jws"]:
        key = vector_key(jose, case["key"])
        public = key if key.kty == "oct" else key.public_key()
        payload = case["payload"].encode("utf-8")
        assert case["signing_input"] == case["protected_b64"] + "." + case["payload_b64"]
        assert jws.verify(case["token"], public, algorithms=[case["alg"]]) == payload, case["name"]
        mine = jws.sign_protected(payload, key, case["protected"].encode("utf-8"))
        assert mine.rsplit(".", 1)[0] == case["signing_input"], case["name"]
        if case["deterministic"]:
            assert mine == case["token"], case["name"]
        else:
            assert jws.verify(mine, public, algorithms=[case["alg"]]) == payload
        if case["name"].startswith("jwt-"):
            assert m2mauth.jwt.decode_unverified(case["token"]) == json.loads(case["payload"])


def test_rfc_vectors(jose):
    for case in jose["rfc"]:
        key = m2mauth.Key.from_jwk(case["jwk"])
        public = key if key.kty == "oct" else key.public_key()
        payload = b64url_decode(case["payload_b64"])
        assert jws.verify(case["token"], public, algorithms=[case["alg"]]) == payload, case["name"]
        mine = jws.sign_protected(payload, key, b64url_decode(case["protected_b64"]))
        if case["deterministic"]:
            assert mine == case["token"], case["name"]
        assert jws.verify(mine, public, algorithms=[case["alg"]]) == payload, case["name"]


def test_must_fail_vectors(jose):
    for case in jose["must_fail"]:
        key = vector_key(jose, case["key"])
        with pytest.raises(m2mauth.Error) as info:
            jws.verify(case["token"], key, algorithms=case["allowed"])
        assert info.value.name == case["error"], (case["name"], case["why"], info.value)
        assert type(info.value) is m2mauth.errors.error_class_for(info.value.code)
