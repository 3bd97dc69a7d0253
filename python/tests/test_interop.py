"""Interop with independent implementations, both directions, every algorithm: PyJWT (JWT) and
jwcrypto (JWS over arbitrary bytes, and JWT). Skipped when a peer is not installed."""

from __future__ import annotations

import base64
import json
import time

import pytest

import m2mauth
from conftest import ALG_KEY

pyjwt = pytest.importorskip("jwt", reason="PyJWT is not installed")
jwcrypto_jwk = pytest.importorskip("jwcrypto.jwk", reason="jwcrypto is not installed")
jwcrypto_jws = pytest.importorskip("jwcrypto.jws")
jwcrypto_jwt = pytest.importorskip("jwcrypto.jwt")

ALGS = sorted(ALG_KEY)
CLAIMS = {"iss": "svc", "sub": "svc", "aud": "https://auth.example/token", "jti": "5a0c", "n": [1, 2.5, "é"]}


def _secret(key: m2mauth.Key) -> bytes:
    k = key.private_jwk()["k"]
    return base64.urlsafe_b64decode(k + "=" * (-len(k) % 4))


def pyjwt_signing_key(key: m2mauth.Key):
    return _secret(key) if key.kty == "oct" else key.private_pem()


def pyjwt_verifying_key(key: m2mauth.Key):
    return _secret(key) if key.kty == "oct" else key.public_pem()


def jwcrypto_key(key: m2mauth.Key, private: bool):
    if key.kty == "oct" or private:
        return jwcrypto_jwk.JWK(**key.private_jwk())
    return jwcrypto_jwk.JWK(**key.public_jwk())


def m2m_public(key: m2mauth.Key) -> m2mauth.Key:
    return key if key.kty == "oct" else key.public_key()


def claims_now() -> dict:
    now = int(time.time())
    return dict(CLAIMS, iat=now, nbf=now, exp=now + 300)


@pytest.mark.parametrize("alg", ALGS)
def test_m2mauth_to_pyjwt(keys, alg):
    key = keys[ALG_KEY[alg]]
    claims = claims_now()
    token = m2mauth.jwt.encode(claims, key, algorithm=alg)
    got = pyjwt.decode(token, pyjwt_verifying_key(key), algorithms=[alg], audience=CLAIMS["aud"], issuer="svc")
    assert got == claims
    assert pyjwt.get_unverified_header(token) == {"alg": alg, "typ": "JWT", "kid": key.kid}


@pytest.mark.parametrize("alg", ALGS)
def test_pyjwt_to_m2mauth(keys, alg):
    key = keys[ALG_KEY[alg]]
    claims = claims_now()
    token = pyjwt.encode(claims, pyjwt_signing_key(key), algorithm=alg, headers={"kid": "peer"})
    assert m2mauth.jwt.decode(token, m2m_public(key), algorithms=[alg], audience=CLAIMS["aud"], issuer="svc") == claims
    assert m2mauth.jwt.get_unverified_header(token)["kid"] == "peer"
    # and refused when tampered or under another allow-list
    head, body, sig = token.split(".")
    other = pyjwt.encode(dict(claims, sub="evil"), pyjwt_signing_key(key), algorithm=alg).split(".")[1]
    with pytest.raises(m2mauth.InvalidSignatureError):
        m2mauth.jwt.decode(".".join([head, other, sig]), m2m_public(key), algorithms=[alg], audience=CLAIMS["aud"])
    with pytest.raises(m2mauth.AlgorithmError):
        m2mauth.jwt.decode(token, m2m_public(key), algorithms=["HS512" if alg != "HS512" else "HS256"],
                           audience=CLAIMS["aud"])


@pytest.mark.parametrize("alg", ALGS)
def test_m2mauth_to_jwcrypto(keys, alg):
    key = keys[ALG_KEY[alg]]
    payload = bytes(range(256)) + b"\xff\x00"
    token = m2mauth.jws.sign(payload, key, alg)
    obj = jwcrypto_jws.JWS()
    obj.deserialize(token)
    obj.verify(jwcrypto_key(key, private=False), alg=alg)
    assert obj.payload == payload
    claims = claims_now()
    jwt_token = m2mauth.jwt.encode(claims, key, algorithm=alg)
    checked = jwcrypto_jwt.JWT(jwt=jwt_token, key=jwcrypto_key(key, private=False), algs=[alg])
    assert json.loads(checked.claims) == claims


@pytest.mark.parametrize("alg", ALGS)
def test_jwcrypto_to_m2mauth(keys, alg):
    key = keys[ALG_KEY[alg]]
    payload = b"\x00binary\xfe payload"
    obj = jwcrypto_jws.JWS(payload)
    obj.add_signature(jwcrypto_key(key, private=True), alg=alg, protected=json.dumps({"alg": alg, "kid": "peer"}))
    token = obj.serialize(compact=True)
    assert m2mauth.jws.verify(token, m2m_public(key), algorithms=[alg]) == payload
    claims = claims_now()
    t = jwcrypto_jwt.JWT(header={"alg": alg, "typ": "JWT"}, claims=claims)
    t.make_signed_token(jwcrypto_key(key, private=True))
    assert m2mauth.jwt.decode(t.serialize(), m2m_public(key), algorithms=[alg], audience=CLAIMS["aud"]) == claims


def test_keys_interop_with_jwcrypto(keys):
    """JWK and thumbprints agree with jwcrypto; PEM from one loads in the other."""
    for key in keys.values():
        peer = jwcrypto_key(key, private=True)
        assert peer.thumbprint() == key.thumbprint()
        if key.kty == "oct":
            continue
        assert m2mauth.Key.from_jwk(peer.export_public()) == key.public_key()
        assert m2mauth.Key.from_pem(peer.export_to_pem(private_key=True, password=None)) == key
        back = jwcrypto_jwk.JWK.from_pem(key.private_pem(password="secret-pass").encode(), password=b"secret-pass")
        assert back.thumbprint() == key.thumbprint()
