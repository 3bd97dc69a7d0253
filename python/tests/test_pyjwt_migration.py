"""PyJWT habits: str/bytes keys (HMAC secrets, PEM), PyJWT's defaults and meanings, checked against PyJWT on
the same tokens in both directions; the README's migration snippets run; decode's caches (text keys parsed
once, one native verifier per key and arguments) never mix up arguments and never outlive their key."""

from __future__ import annotations

import re
import threading
import time

import pytest

import m2mauth
from m2mauth import Key, jwt
from m2mauth._native import native
from conftest import REPO

pyjwt = pytest.importorskip("jwt")

README = REPO / "python" / "README.md"
SECRET = "a-shared-secret-of-32-bytes-min!"


def migration_snippets() -> dict:
    text = README.read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in
            re.finditer(r"<!-- migration: ([\w-]+) -->\n```python\n(.*?)\n```", text, re.DOTALL)}


def test_the_migration_snippets_exist():
    assert {"hmac", "pem", "errors"} <= set(migration_snippets())


@pytest.mark.parametrize("name", ["hmac", "pem", "errors"])
def test_migration_snippet_runs(name):
    exec(compile(migration_snippets()[name], f"README.md:{name}", "exec"), {})


@pytest.mark.parametrize("alg,size", [("HS256", 32), ("HS384", 48), ("HS512", 64)])
@pytest.mark.parametrize("as_bytes", [False, True])
def test_hmac_text_keys_match_pyjwt_both_ways(alg, size, as_bytes):
    secret = ("s" * size).encode() if as_bytes else "s" * size
    claims = {"sub": "svc", "aud": "api", "iss": "me", "exp": int(time.time()) + 60}
    ours = jwt.encode(claims, secret, algorithm=alg)
    assert ours == pyjwt.encode(claims, secret, algorithm=alg)  # byte for byte
    assert pyjwt.decode(ours, secret, algorithms=[alg], audience="api", issuer="me") == claims
    theirs = pyjwt.encode(claims, secret, algorithm=alg, headers={"kid": "k"})
    assert jwt.decode(theirs, secret, algorithms=[alg], audience="api", issuer="me") == claims
    assert jwt.decode_complete(theirs, secret, algorithms=[alg], audience="api")["header"]["kid"] == "k"


def test_text_key_defaults_to_hs256_like_pyjwt():
    token = jwt.encode({"a": 1}, SECRET)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    assert token == pyjwt.encode({"a": 1}, SECRET)
    rsa = Key.generate("RSA")
    assert jwt.get_unverified_header(jwt.encode({"a": 1}, rsa))["alg"] == "RS256"  # a Key: as before
    assert jwt.get_unverified_header(jwt.encode({"a": 1}, SECRET, algorithm=None))["alg"] == "HS256"


@pytest.mark.parametrize("kty,alg", [("RSA", "RS256"), ("RSA", "PS384"), ("EC", "ES256"), ("OKP", "EdDSA")])
def test_pem_text_keys_match_pyjwt_both_ways(kty, alg):
    key = Key.generate(kty)
    private_pem, public_pem = key.private_pem(), key.public_pem()
    claims = {"sub": "svc", "iss": "me", "exp": int(time.time()) + 60}
    ours = jwt.encode(claims, private_pem, algorithm=alg)
    assert pyjwt.decode(ours, public_pem, algorithms=[alg], issuer="me") == claims
    theirs = pyjwt.encode(claims, private_pem.encode(), algorithm=alg)
    for verify_key in (public_pem, public_pem.encode(), private_pem, private_pem.encode()):
        assert jwt.decode(theirs, verify_key, algorithms=[alg], issuer="me") == claims
    with pytest.raises(m2mauth.NoPrivateKeyError):  # signing needs the private key, as in PyJWT
        jwt.encode(claims, public_pem, algorithm=alg)


def test_certificate_pem_verifies():
    key = Key.generate("EC")
    cert_pem = m2mauth.Certificate.self_signed(key, "svc", 1).pem
    token = jwt.encode({"sub": "svc"}, key, algorithm="ES256")
    assert jwt.decode(token, cert_pem, algorithms=["ES256"]) == {"sub": "svc"}


def test_audience_issuer_leeway_mean_what_they_mean_in_pyjwt():
    now = int(time.time())
    token = jwt.encode({"aud": ["a", "b"], "iss": "me", "exp": now - 5}, SECRET, algorithm="HS256")
    for lib_decode, expired, aud_error, iss_error in (
            (jwt.decode, m2mauth.ExpiredSignatureError, m2mauth.InvalidClaimError, m2mauth.InvalidClaimError),
            (pyjwt.decode, pyjwt.ExpiredSignatureError, pyjwt.InvalidAudienceError, pyjwt.InvalidIssuerError)):
        with pytest.raises(expired):
            lib_decode(token, SECRET, algorithms=["HS256"], audience="a")
        assert lib_decode(token, SECRET, algorithms=["HS256"], audience="b", issuer="me", leeway=30)["iss"] == "me"
        assert lib_decode(token, SECRET, algorithms=["HS256"], audience=["x", "a"], leeway=30)["iss"] == "me"
        with pytest.raises(aud_error):
            lib_decode(token, SECRET, algorithms=["HS256"], audience="c", leeway=30)
        with pytest.raises(iss_error):
            lib_decode(token, SECRET, algorithms=["HS256"], audience="a", issuer="other", leeway=30)
        with pytest.raises((m2mauth.InvalidTokenError, pyjwt.InvalidTokenError)):  # aud present, none expected
            lib_decode(token, SECRET, algorithms=["HS256"], leeway=30)


def test_pem_is_never_an_hmac_secret_like_pyjwt():
    public_pem = Key.generate("RSA").public_pem()
    forged = pyjwt.api_jws.PyJWS().encode(b'{"sub":"admin"}', b"x" * 32, algorithm="HS256")  # any HS token
    with pytest.raises(pyjwt.InvalidKeyError):
        pyjwt.decode(forged, public_pem, algorithms=["HS256"])
    with pytest.raises(m2mauth.InvalidKeyError) as info:
        jwt.decode(forged, public_pem, algorithms=["HS256"])
    assert "HMAC secret" in str(info.value) and "BEGIN" not in str(info.value)
    with pytest.raises(m2mauth.InvalidKeyError):
        jwt.encode({"sub": "x"}, public_pem, algorithm="HS256")
    with pytest.raises(m2mauth.InvalidKeyError) as info:  # a secret is no RSA key either
        jwt.decode(forged, SECRET, algorithms=["RS256"])
    assert SECRET not in str(info.value)


def test_short_secrets_keep_the_library_rule():
    for alg, size in (("HS256", 32), ("HS384", 48), ("HS512", 64)):
        with pytest.raises(m2mauth.KeyTypeError, match=f"at least {size} bytes"):
            jwt.encode({"a": 1}, "k" * (size - 1), algorithm=alg)
        token = jwt.encode({"a": 1}, "k" * size, algorithm=alg)
        with pytest.raises(ValueError, match=f"at least {size} bytes"):
            jwt.decode(token, "k" * (size - 1), algorithms=[alg])
        assert jwt.decode(token, "k" * size, algorithms=[alg]) == {"a": 1}


def test_text_keys_are_parsed_once():
    pem = Key.generate("EC").private_pem()
    token = jwt.encode({"a": 1}, pem, algorithm="ES256")
    jwt._forget_text_keys()
    before = native.live_handles()["Key"]
    for _ in range(20):
        assert jwt.decode(token, pem, algorithms=["ES256"]) == {"a": 1}
    assert native.live_handles()["Key"] == before + 1  # one parse, kept
    assert native.jwt_cached_verifiers(jwt._TEXT_KEYS[pem][0]._native) == 1  # and one verifier, reused
    for i in range(40):  # bounded
        jwt.decode(jwt.encode({"a": i}, f"{i:032d}"), f"{i:032d}", algorithms=["HS256"])
    assert len(jwt._TEXT_KEYS) <= jwt._TEXT_KEYS_MAX
    jwt._forget_text_keys()
    assert native.live_handles()["Key"] == before


def test_decode_reuses_one_verifier_per_key_and_arguments():
    key = Key.hmac(SECRET)
    token = jwt.encode({"aud": "a", "iss": "me"}, key, algorithm="HS256")
    for _ in range(10):
        jwt.decode(token, key, algorithms=["HS256"], audience="a")
    assert native.jwt_cached_verifiers(key._native) == 1
    jwt.decode(token, key, algorithms=["HS256"], audience="a", issuer="me")
    jwt.decode(token, key, algorithms=["HS256", "HS384"], audience="a")
    jwt.decode(token, key, algorithms="HS256", audience=["a"])  # the general path: the same settings
    assert native.jwt_cached_verifiers(key._native) == 3
    for i in range(20):  # bounded
        with pytest.raises(m2mauth.InvalidClaimError):
            jwt.decode(token, key, algorithms=["HS256"], audience=f"other{i}")
    assert native.jwt_cached_verifiers(key._native) <= 8
    key.close()  # the verifiers go with the key
    assert native.jwt_cached_verifiers(key._native) == 0
    with pytest.raises(ValueError, match="closed"):
        jwt.decode(token, key, algorithms=["HS256"], audience="a")
    assert native.jwt_cached_verifiers(key._native) == 0


def test_cached_verifiers_never_mix_up_arguments():
    key = Key.hmac(SECRET)
    other = Key.hmac("b" * 32)
    t_a = jwt.encode({"aud": "a", "iss": "one"}, key, algorithm="HS256")
    t_b = jwt.encode({"aud": "b", "iss": "two"}, key, algorithm="HS256")
    t_384 = jwt.encode({"aud": "a", "iss": "one"}, Key.hmac("c" * 48), algorithm="HS384")
    assert jwt.decode(t_a, key, ["HS256"], audience="a")["aud"] == "a"
    with pytest.raises(m2mauth.InvalidClaimError):
        jwt.decode(t_a, key, ["HS256"], audience="b")
    assert jwt.decode(t_b, key, ["HS256"], audience="b")["aud"] == "b"
    with pytest.raises(m2mauth.InvalidClaimError):
        jwt.decode(t_b, key, ["HS256"], audience="b", issuer="one")
    assert jwt.decode(t_b, key, ["HS256"], audience="b", issuer="two")["iss"] == "two"
    with pytest.raises(m2mauth.InvalidTokenError):
        jwt.decode(t_a, key, ["HS384"], audience="a")  # another allow-list, another verifier
    with pytest.raises(m2mauth.InvalidSignatureError):
        jwt.decode(t_a, other, ["HS256"], audience="a")  # another key, its own verifiers
    with pytest.raises(m2mauth.InvalidTokenError):
        jwt.decode(t_384, key, ["HS256"], audience="a")
    with pytest.raises(m2mauth.InvalidTokenError):  # leeway/subject take the general path, same rules
        jwt.decode(t_a, key, ["HS256"], audience="a", subject="nobody", leeway=1)
    with pytest.raises(m2mauth.InvalidClaimError):
        jwt.decode(t_a, key, ["HS256"], audience="b", leeway=1)


def test_decode_from_many_threads_with_different_arguments():
    key = Key.hmac(SECRET)
    tokens = {aud: jwt.encode({"aud": aud}, key, algorithm="HS256") for aud in ("a", "b", "c", "d")}
    failures = []

    def work(aud: str) -> None:
        try:
            for _ in range(300):
                assert jwt.decode(tokens[aud], key, ["HS256"], audience=aud) == {"aud": aud}
                wrong = "a" if aud != "a" else "b"
                try:
                    jwt.decode(tokens[wrong], key, ["HS256"], audience=aud)
                    failures.append(f"{aud} accepted a token for {wrong}")
                except m2mauth.InvalidClaimError:
                    pass
        except BaseException as exc:  # noqa: BLE001 (reported below)
            failures.append(repr(exc))

    threads = [threading.Thread(target=work, args=(aud,)) for aud in tokens for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures[:3]
    assert native.jwt_cached_verifiers(key._native) == 4


def test_plain_arguments_fall_back_to_the_general_path_with_its_errors():
    key = Key.hmac(SECRET)
    token = jwt.encode({"aud": "a"}, key, algorithm="HS256")
    assert jwt.decode(token.encode(), key, ["HS256"], audience="a") == {"aud": "a"}      # bytes token
    assert jwt.decode(token, key, ("HS256",), audience=b"a") == {"aud": "a"}           # tuple, bytes audience
    assert jwt.decode(token, key, ["HS256"], audience=b"a", leeway=1) == {"aud": "a"}   # the cached settings
    assert jwt.decode(token, key, ["HS256"], audience=iter(["x", "a"]), leeway=1) == {"aud": "a"}
    with pytest.raises(m2mauth.MalformedError):
        jwt.decode(token + "\0", key, ["HS256"], audience="a")
    with pytest.raises(m2mauth.AlgorithmError):
        jwt.decode(token, key, ["HS999"], audience="a")
    with pytest.raises(ValueError, match="empty"):
        jwt.decode(token, key, [], audience="a")
    with pytest.raises(ValueError, match="NUL"):
        jwt.decode(token, key, ["HS256"], audience="a\0b")
    with pytest.raises(TypeError):
        jwt.decode(token, key, ["HS256"], audience="a", issuer=5)
