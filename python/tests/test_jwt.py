"""m2mauth.jwt: encode/decode like PyJWT, the reusable Verifier, and the shared JWT vectors."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time

import pytest

import m2mauth
from m2mauth import jwt
from conftest import ALG_KEY, vector_key

FAR = 4102444800  # 2100-01-01


def pub(key):
    return key if key.kty == "oct" else key.public_key()


@pytest.mark.parametrize("alg", sorted(ALG_KEY))
def test_round_trip_every_algorithm(keys, alg):
    key = keys[ALG_KEY[alg]]
    claims = {"iss": "svc", "sub": "svc", "aud": "api", "exp": FAR, "n": 1.5, "l": [1, "x", None], "o": {"a": True}}
    token = jwt.encode(claims, key, algorithm=alg)
    assert jwt.decode(token, pub(key), algorithms=[alg], audience="api", issuer="svc", subject="svc") == claims
    assert jwt.get_unverified_header(token) == {"alg": alg, "typ": "JWT", "kid": key.kid}


def test_encode_defaults_and_headers(keys):
    rsa = keys["RSA"]
    token = jwt.encode({"a": 1}, rsa)  # RS256 by default
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    token = jwt.encode({"a": 1}, keys["P-521"], algorithm=None)
    assert jwt.get_unverified_header(token)["alg"] == "ES512"
    token = jwt.encode({"a": 1}, rsa, headers={"typ": None, "kid": "k2", "x5u": "https://x"})
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": "k2", "x5u": "https://x"}
    token = jwt.encode({"a": 1}, rsa, headers={"typ": "at+jwt"})
    assert jwt.get_unverified_header(token)["typ"] == "at+jwt"
    with pytest.raises(m2mauth.KeyTypeError):
        jwt.encode({"a": 1}, keys["HS256"])  # RS256 default needs an RSA key
    with pytest.raises(TypeError):
        jwt.encode([1, 2], rsa)
    with pytest.raises(TypeError):
        jwt.encode({"a": object()}, rsa)


def test_encode_datetimes_like_pyjwt(keys):
    key = keys["HS256"]
    aware = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)
    naive = dt.datetime(2000, 1, 1)
    other_tz = dt.datetime(2000, 1, 1, 3, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    token = jwt.encode({"exp": aware, "iat": naive, "nbf": other_tz, "x": 1}, key, algorithm="HS256")
    claims = jwt.decode(token, key, algorithms=["HS256"])
    assert claims == {"exp": FAR, "iat": 946684800, "nbf": 946684800, "x": 1}


def test_encode_json_encoder(keys):
    class Enc(json.JSONEncoder):
        def default(self, o):
            if isinstance(o, set):
                return sorted(o)
            return super().default(o)
    token = jwt.encode({"s": {2, 1}}, keys["HS256"], algorithm="HS256", json_encoder=Enc)
    assert jwt.decode_unverified(token) == {"s": [1, 2]}


def test_decode_checks(keys):
    key = keys["HS256"]
    now = int(time.time())
    enc = lambda c: jwt.encode(c, key, algorithm="HS256")  # noqa: E731
    with pytest.raises(m2mauth.ExpiredTokenError):
        jwt.decode(enc({"exp": now - 10}), key, algorithms=["HS256"])
    with pytest.raises(m2mauth.ExpiredSignatureError):  # the PyJWT name
        jwt.decode(enc({"exp": now - 10}), key, algorithms=["HS256"])
    assert jwt.decode(enc({"exp": now - 10}), key, algorithms=["HS256"], leeway=30)["exp"] == now - 10
    assert jwt.decode(enc({"exp": now - 10}), key, algorithms=["HS256"], leeway=dt.timedelta(seconds=30))
    assert jwt.decode(enc({"exp": now - 10}), key, algorithms=["HS256"], leeway=29.5)
    with pytest.raises(m2mauth.ImmatureTokenError):
        jwt.decode(enc({"nbf": now + 100}), key, algorithms=["HS256"])
    with pytest.raises(m2mauth.IssuedInFutureError):
        jwt.decode(enc({"iat": now + 100}), key, algorithms=["HS256"])
    with pytest.raises(m2mauth.ImmatureTokenError):
        jwt.decode(enc({"iat": now + 100}), key, algorithms=["HS256"])
    with pytest.raises(m2mauth.InvalidClaimError):
        jwt.decode(enc({"aud": "other"}), key, algorithms=["HS256"], audience="api")
    with pytest.raises(m2mauth.InvalidClaimError):  # aud present, none expected (as PyJWT)
        jwt.decode(enc({"aud": "api"}), key, algorithms=["HS256"])
    assert jwt.decode(enc({"aud": ["x", "api"]}), key, algorithms=["HS256"], audience=["api", "b"])
    with pytest.raises(m2mauth.MissingClaimError):
        jwt.decode(enc({}), key, algorithms=["HS256"], issuer="svc")
    with pytest.raises(m2mauth.InvalidClaimError):
        jwt.decode(enc({"iss": "evil"}), key, algorithms=["HS256"], issuer="svc")
    with pytest.raises(m2mauth.InvalidClaimError):
        jwt.decode(enc({"sub": "evil"}), key, algorithms=["HS256"], subject="svc")
    with pytest.raises(m2mauth.MissingClaimError):
        jwt.decode(enc({"a": 1}), key, algorithms=["HS256"], options={"require": ["exp", "jti"]})
    assert jwt.decode(enc({"iss": "evil"}), key, algorithms=["HS256"], issuer="svc", options={"verify_iss": False})
    with pytest.raises(m2mauth.InvalidSignatureError):
        jwt.decode(enc({}), m2mauth.Key.hmac(b"another secret of some length!!!!"), algorithms=["HS256"])
    with pytest.raises(m2mauth.InvalidTokenError):
        jwt.decode("not.a.token", key, algorithms=["HS256"])
    with pytest.raises(m2mauth.DecodeError):
        jwt.decode("garbage", key, algorithms=["HS256"])


def test_decode_argument_errors(keys):
    key = keys["HS256"]
    token = jwt.encode({}, key, algorithm="HS256")
    with pytest.raises(TypeError):
        jwt.decode(token, key)  # algorithms is required
    with pytest.raises(TypeError):
        jwt.decode(token, key, algorithms=None)
    with pytest.raises(ValueError):
        jwt.decode(token, key, algorithms=[])
    with pytest.raises(ValueError, match="decode_unverified"):
        jwt.decode(token, key, algorithms=["HS256"], options={"verify_signature": False})
    with pytest.raises(ValueError):
        jwt.decode(token, key, algorithms=["HS256"], options={"verify_exp": False})
    with pytest.raises(ValueError):
        jwt.decode(token, key, algorithms=["HS256"], options={"bogus": 1})
    with pytest.raises(ValueError):
        jwt.decode(token, key, algorithms=["HS256"], leeway=-1)
    with pytest.raises(TypeError):
        jwt.decode(token, key, algorithms=["HS256"], leeway="5")
    with pytest.raises(m2mauth.InvalidArgumentError):
        jwt.decode(token, key, algorithms=["HS256"], leeway=10**6)
    with pytest.raises(TypeError):
        jwt.decode(12, key, algorithms=["HS256"])
    with pytest.raises(TypeError):
        jwt.decode(token, key, algorithms=["HS256"], issuer=["a"])


def test_decode_complete_and_unverified(keys):
    key = keys["P-256"]
    token = jwt.encode({"x": 1}, key, algorithm="ES256")
    full = jwt.decode_complete(token, key.public_key(), algorithms=["ES256"])
    assert full["header"] == {"alg": "ES256", "typ": "JWT", "kid": "p256"}
    assert full["payload"] == {"x": 1}
    assert len(full["signature"]) == 64
    assert jwt.decode_unverified(token) == {"x": 1}
    assert jwt.get_unverified_header(token.encode()) == full["header"]


def test_keyset_decode(keys):
    ks = m2mauth.KeySet.from_keys([keys["RSA"], keys["Ed25519"]])
    for k, alg in ((keys["RSA"], "PS256"), (keys["Ed25519"], "EdDSA")):
        token = jwt.encode({"a": alg}, k, algorithm=alg)
        assert jwt.decode(token, ks, algorithms=["PS256", "EdDSA"]) == {"a": alg}
        assert jwt.Verifier(ks, ["PS256", "EdDSA"]).verify(token) == {"a": alg}
    stranger = jwt.encode({}, m2mauth.Key.generate("OKP", kid="zz"), algorithm="EdDSA")
    with pytest.raises(m2mauth.Error):
        jwt.decode(stranger, ks, algorithms=["EdDSA"])


def test_verifier_clock_and_reuse(keys):
    key = keys["P-256"]
    token = jwt.encode({"exp": 2000, "nbf": 1000, "aud": "api"}, key, algorithm="ES256")
    now = [1500.0]
    with jwt.Verifier(key.public_key(), ["ES256"], audience="api", clock=lambda: now[0]) as v:
        assert v.verify(token)["exp"] == 2000
        now[0] = 999.0
        with pytest.raises(m2mauth.ImmatureTokenError):
            v.verify(token)
        now[0] = 2001.0
        with pytest.raises(m2mauth.ExpiredTokenError):
            v.verify(token)
        assert v.verify_complete(jwt.encode({"exp": 2002, "aud": "api"}, key, algorithm="ES256"))["payload"]
    assert repr(v) == "<m2mauth.jwt.Verifier closed>"
    with pytest.raises(ValueError, match="closed"):
        v.verify(token)

    def bad_clock():
        raise RuntimeError("clock broke")
    with pytest.raises(RuntimeError, match="clock broke"):
        jwt.Verifier(key, ["ES256"], audience="api", clock=bad_clock).verify(token)
    with pytest.raises(ValueError):
        jwt.Verifier(key, ["ES256"], audience="api", clock=lambda: float("nan")).verify(token)
    with pytest.raises(TypeError):
        jwt.Verifier(key, ["ES256"], clock=5)


def test_verifier_clock_per_thread(keys):
    """Each thread's clock reading is its own (the reading is passed per call, not stored in the verifier)."""
    key = keys["HS256"]
    token = jwt.encode({"exp": 2000}, key, algorithm="HS256")
    local = threading.local()
    v = jwt.Verifier(key, ["HS256"], clock=lambda: local.now)
    results = {}

    def run(name, now):
        local.now = now
        ok = 0
        for _ in range(300):
            try:
                v.verify(token)
                ok += 1
            except m2mauth.ExpiredTokenError:
                pass
        results[name] = ok

    threads = [threading.Thread(target=run, args=("valid", 1000.0)), threading.Thread(target=run, args=("expired", 3000.0))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == {"valid": 300, "expired": 0}


def test_verifier_options(keys):
    key = keys["HS256"]
    token = jwt.encode({"jti": "1"}, key, algorithm="HS256", headers={"typ": "at+jwt"})
    assert jwt.Verifier(key, "HS256", typ="at+jwt", require=["jti"]).verify(token) == {"jti": "1"}
    with pytest.raises(m2mauth.InvalidClaimError):
        jwt.Verifier(key, ["HS256"], typ="JWT").verify(token)
    with pytest.raises(m2mauth.MalformedError, match="over the verifier.s limit"):
        jwt.Verifier(key, ["HS256"], max_size=20).verify(token)
    with pytest.raises(TypeError):
        jwt.Verifier(key, ["HS256"], require="jti")
    with pytest.raises(ValueError):
        jwt.Verifier(key, ["HS256"], max_size=0)


def test_jwt_vectors(jose):
    for case in jose["jwt"]:
        cfg = case["verifier"]
        key = vector_key(jose, case["key"])
        v = jwt.Verifier(key, case["allowed"], audience=cfg.get("audience"), issuer=cfg.get("issuer"),
                         subject=cfg.get("subject"), leeway=cfg.get("leeway", 0), require=cfg.get("require", ()),
                         typ=cfg.get("typ"), max_size=cfg.get("max_size"), clock=lambda: cfg["now"])
        if case["error"] is None:
            assert v.verify(case["token"]) == json.loads(case["claims"]), case["name"]
            assert v.verify_complete(case["token"])["header"] == json.loads(case["header"]), case["name"]
        else:
            with pytest.raises(m2mauth.Error) as info:
                v.verify(case["token"])
            assert info.value.name == case["error"], (case["name"], info.value)
            assert isinstance(info.value, m2mauth.errors.error_class_for(info.value.code))


def test_deterministic_jwt_vectors_through_encode(jose):
    """The deterministic jwt-* cases reproduce byte for byte through jwt.encode (kid = key name)."""
    for case in jose["jws"]:
        if not case["name"].startswith("jwt-") or not case["deterministic"]:
            continue
        key = vector_key(jose, case["key"]).with_kid(case["key"])
        claims = json.loads(case["payload"])
        assert jwt.encode(claims, key, algorithm=case["alg"]) == case["token"], case["name"]


def test_duplicate_claims_refused_in_large_objects(keys):
    # The scanner compares names pairwise in small objects and through a hash set in large ones: a
    # duplicate (plain or written with an escape) is refused either way, at the top or nested.
    from m2mauth import jws
    key = keys["HS256"]
    members = ",".join('"m%d":%d' % (i, i) for i in range(40))
    for payload in ('{%s,"m7":1}' % members, '{%s,"\\u006d7":1}' % members,
                    '{"n":{%s,"m39":0}}' % members):
        token = jws.sign(payload.encode(), key, "HS256")
        with pytest.raises(m2mauth.MalformedError):
            jwt.decode(token, key, algorithms=["HS256"])
    ok = jws.sign(('{%s}' % members).encode(), key, "HS256")
    assert jwt.decode(ok, key, algorithms=["HS256"])["m39"] == 39
