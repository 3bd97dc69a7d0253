"""m2mauth.Key and KeySet: generation, every input format, export, properties, lifetime."""

from __future__ import annotations

import copy
import json
import pickle

import pytest

import m2mauth
from conftest import b64_decode, b64url_decode

PASS = b"correct horse"


@pytest.mark.parametrize("kty,kwargs,bits,curve,alg", [
    ("RSA", {"bits": 2048}, 2048, None, "RS256"),
    ("RSA", {}, 2048, None, "RS256"),
    ("EC", {"curve": "P-256"}, 256, "P-256", "ES256"),
    ("EC", {"curve": "P-384"}, 384, "P-384", "ES384"),
    ("EC", {"curve": "P-521"}, 521, "P-521", "ES512"),
    ("OKP", {"curve": "Ed25519"}, 256, "Ed25519", "EdDSA"),
    ("OKP", {}, 256, "Ed25519", "EdDSA"),
    ("oct", {"bits": 512}, 512, None, "HS256"),
])
def test_generate(kty, kwargs, bits, curve, alg):
    key = m2mauth.Key.generate(kty, **kwargs)
    assert (key.kty, key.bits, key.curve, key.kid, key.default_algorithm) == (kty, bits, curve, None, alg)
    assert key.has_private
    if kty != "oct":
        pub = key.public_key()
        assert not pub.has_private and pub.kty == kty and pub.thumbprint() == key.thumbprint()


def test_generate_rejects_bad_arguments():
    with pytest.raises(ValueError):
        m2mauth.Key.generate("DSA")
    with pytest.raises(m2mauth.UnsupportedError):
        m2mauth.Key.generate("EC", curve="secp256k1")
    with pytest.raises(m2mauth.UnsupportedError):
        m2mauth.Key.generate("OKP", curve="Ed448")
    with pytest.raises(m2mauth.Error) as info:
        m2mauth.Key.generate("RSA", bits=1024)
    assert info.value.name in ("unsupported", "invalid_argument")
    with pytest.raises(TypeError):
        m2mauth.Key.generate("RSA", bits="2048")
    with pytest.raises(TypeError):
        m2mauth.Key.generate("EC", bits=256)
    with pytest.raises(TypeError):
        m2mauth.Key()


def test_key_forms_from_vectors(jose):
    for name, entry in jose["keys"].items():
        if entry["kty"] == "oct":
            key = m2mauth.Key.hmac(b64url_decode(entry["secret_b64url"]))
            assert key.kty == "oct" and key.bits == entry["bits"]
            assert m2mauth.Key.from_jwk(entry["private_jwk"]).thumbprint() == entry["thumbprint"]
            continue
        tp = entry["thumbprint"]
        pw = entry["passphrase"]
        forms = [m2mauth.Key.from_pem(entry["pkcs8_pem"]),
                 m2mauth.Key.from_pem(entry["pkcs8_pem"].encode()),
                 m2mauth.Key.from_der(b64_decode(entry["pkcs8_der_b64"])),
                 m2mauth.Key.from_pem(entry["pkcs8_encrypted_pem"], password=pw),
                 m2mauth.Key.from_pem(entry["pkcs8_encrypted_pem"], password=pw.encode()),
                 m2mauth.Key.from_der(b64_decode(entry["pkcs8_encrypted_der_b64"]), password=pw),
                 m2mauth.Key.from_jwk(entry["private_jwk"]),
                 m2mauth.Key.from_jwk(json.dumps(entry["private_jwk"]))]
        for field in ("pkcs1_pem", "sec1_pem", "sec1_with_params_pem"):
            if field in entry:
                forms.append(m2mauth.Key.from_pem(entry[field]))
        if "pkcs1_encrypted_pem" in entry:
            forms.append(m2mauth.Key.from_pem(entry["pkcs1_encrypted_pem"], password=pw))
        for key in forms:
            assert key.has_private and key.thumbprint() == tp and key.bits == entry["bits"], name
        publics = [m2mauth.Key.from_pem(entry["spki_pem"]), m2mauth.Key.from_der(b64_decode(entry["spki_der_b64"])),
                   m2mauth.Key.from_jwk(entry["public_jwk"])]
        if "pkcs1_public_pem" in entry:
            publics.append(m2mauth.Key.from_pem(entry["pkcs1_public_pem"]))
        for key in publics:
            assert not key.has_private and key.thumbprint() == tp, name
        assert forms[0].public_pem() == entry["spki_pem"]
        assert forms[0].public_der() == b64_decode(entry["spki_der_b64"])
        jwk = forms[0].public_jwk()
        assert {k: v for k, v in jwk.items() if k != "kid"} == \
            {k: v for k, v in entry["public_jwk"].items() if k != "kid"}
        assert m2mauth.Key.from_jwk(entry["public_jwk"]).kid == name


def test_thumbprint_vectors(jose):
    for case in jose["thumbprints"]:
        assert m2mauth.Key.from_jwk(case["jwk"]).thumbprint() == case["thumbprint"], case["name"]


def test_passphrase_errors(jose):
    entry = jose["keys"]["rsa2048"]
    with pytest.raises(m2mauth.PassphraseError):
        m2mauth.Key.from_pem(entry["pkcs8_encrypted_pem"])
    with pytest.raises(m2mauth.PassphraseError) as info:
        m2mauth.Key.from_pem(entry["pkcs8_encrypted_pem"], password="wrong-passphrase-123")
    assert "wrong-passphrase-123" not in str(info.value) + repr(info.value)
    with pytest.raises(ValueError):
        m2mauth.Key.from_pem(entry["pkcs8_encrypted_pem"], password="a\0b")
    with pytest.raises(TypeError):
        m2mauth.Key.from_pem(entry["pkcs8_encrypted_pem"], password=12)


def test_private_pem_round_trip(keys):
    for name, key in keys.items():
        if key.kty == "oct":
            continue
        plain = key.private_pem()
        assert plain.startswith("-----BEGIN PRIVATE KEY-----")
        assert m2mauth.Key.from_pem(plain) == key
        enc = key.private_pem(password=PASS)
        assert enc.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert m2mauth.Key.from_pem(enc, password=PASS) == key
        with pytest.raises(m2mauth.PassphraseError):
            m2mauth.Key.from_pem(enc, password=b"not it")
        assert m2mauth.Key.from_jwk(key.private_jwk()) == key
        with pytest.raises(m2mauth.NoPrivateKeyError):
            key.public_key().private_pem()


def test_from_file(tmp_path, keys):
    path = tmp_path / "k.pem"
    path.write_text(keys["P-256"].private_pem(password="pw-1234"))
    assert m2mauth.Key.from_file(path, password="pw-1234") == keys["P-256"]
    assert m2mauth.Key.from_file(str(path), password=b"pw-1234") == keys["P-256"]
    der = tmp_path / "k.der"
    der.write_bytes(keys["Ed25519"].public_der())
    assert m2mauth.Key.from_file(der) == keys["Ed25519"].public_key()
    with pytest.raises(m2mauth.Error) as info:
        m2mauth.Key.from_file(tmp_path / "missing.pem")
    assert info.value.name in ("io", "not_found")


def test_hmac_keys():
    k = m2mauth.Key.hmac("text secret that is long enough!")
    assert k.kty == "oct" and k.bits == 32 * 8 and k.curve is None
    assert m2mauth.Key.hmac(bytearray(b"x" * 32)) == m2mauth.Key.hmac(memoryview(b"x" * 32))
    with pytest.raises(m2mauth.KeyTypeError):
        k.public_jwk()
    with pytest.raises(m2mauth.InvalidInputError):
        m2mauth.Key.hmac(b"")
    with pytest.raises(TypeError):
        m2mauth.Key.hmac(1234)


def test_malformed_inputs():
    with pytest.raises(m2mauth.KeyFormatError):
        m2mauth.Key.from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    with pytest.raises(m2mauth.KeyFormatError):
        m2mauth.Key.from_der(b"\x30\x03\x02\x01\x00")
    with pytest.raises(ValueError):
        m2mauth.Key.from_jwk("{not json")
    with pytest.raises(ValueError):
        m2mauth.Key.from_jwk("[1]")
    with pytest.raises(m2mauth.Error):
        m2mauth.Key.from_jwk({"kty": "RSA", "n": "AQAB"})
    with pytest.raises(TypeError):
        m2mauth.Key.from_der("text is not DER")


def test_kid_and_with_kid(keys):
    key = keys["P-256"]
    assert key.kid == "p256"
    assert key.public_key().kid == "p256"
    tp = key.with_kid()
    assert tp.kid == key.thumbprint() and tp == key
    assert key.with_kid("x").public_jwk()["kid"] == "x"
    jwk = key.public_jwk(alg="ES256", use="sig")
    assert (jwk["alg"], jwk["use"], jwk["kid"]) == ("ES256", "sig", "p256")
    assert "d" not in jwk


def test_repr_shows_no_material(keys):
    for key in keys.values():
        text = repr(key) + str(key)
        assert text.startswith("<m2mauth.Key kty=")
        assert f"bits={key.bits}" in text
        jwk = key.private_jwk()
        for member in ("d", "k", "p", "q", "dp", "dq", "qi"):
            if member in jwk:
                assert jwk[member] not in text
    assert repr(keys["P-384"]) == "<m2mauth.Key kty='EC' bits=384 curve='P-384' kid='p384'>"
    assert repr(keys["HS256"]) == "<m2mauth.Key kty='oct' bits=256 kid='h256'>"


def test_no_pickle_and_immutable_copies(keys):
    with pytest.raises(TypeError):
        pickle.dumps(keys["RSA"])
    assert copy.copy(keys["RSA"]) is keys["RSA"]
    assert copy.deepcopy(keys["RSA"]) is keys["RSA"]


def test_equality_and_hash(keys):
    a = keys["P-256"]
    b = m2mauth.Key.from_pem(a.private_pem())
    assert a == b and hash(a) == hash(b)
    assert a != a.public_key()
    assert a != keys["P-384"]
    assert len({a, b, keys["P-384"]}) == 2
    assert a.__eq__("x") is NotImplemented


def test_close_and_context_manager():
    with m2mauth.Key.generate("EC") as key:
        assert not key.closed
    assert key.closed
    key.close()  # idempotent
    assert repr(key) == "<m2mauth.Key closed>"
    with pytest.raises(ValueError, match="closed"):
        key.thumbprint()
    with pytest.raises(ValueError, match="closed"):
        m2mauth.jwt.encode({}, key, algorithm="ES256")


def test_keyset(keys):
    ks = m2mauth.KeySet.from_keys([keys["RSA"], keys["P-256"], keys["Ed25519"]])
    assert sorted(ks.kids) == ["ed", "p256", "rsa"] and len(ks) == 3
    assert ks.get("p256") == keys["P-256"].public_key()
    with pytest.raises(m2mauth.NotFoundError):
        ks.get("nope")
    with pytest.raises(LookupError):
        ks.get("nope")
    assert m2mauth.KeySet(ks.to_dict()).kids == ks.kids
    assert m2mauth.KeySet(ks.to_json()).kids == ks.kids
    with pytest.raises(m2mauth.MalformedError):
        m2mauth.KeySet({"no": "keys"})
    assert m2mauth.Key.from_jwks(ks.to_dict(), "rsa") == keys["RSA"].public_key()
    with pytest.raises(TypeError):
        m2mauth.KeySet.from_keys(["not a key"])
    assert "kids=" in repr(ks)


def test_jwk_alg_binds_the_key():
    key = m2mauth.Key.generate("RSA", bits=2048)
    jwk = dict(key.public_jwk(), alg="PS256")
    bound = m2mauth.Key.from_jwk(jwk)
    token = m2mauth.jwt.encode({"sub": "x"}, key, algorithm="RS256")
    with pytest.raises(m2mauth.errors.AlgorithmError):
        m2mauth.jwt.decode(token, bound, algorithms=["RS256", "PS256"])
    ps = m2mauth.jwt.encode({"sub": "x"}, key, algorithm="PS256")
    assert m2mauth.jwt.decode(ps, bound, algorithms=["RS256", "PS256"]) == {"sub": "x"}
    assert bound.public_jwk()["alg"] == "PS256"
    with pytest.raises(m2mauth.errors.UnsupportedError):
        m2mauth.Key.from_jwk(dict(key.public_jwk(), alg="RSA-OAEP"))
    with pytest.raises(m2mauth.errors.InvalidKeyError):
        m2mauth.Key.from_jwk(dict(key.public_jwk(), alg="ES256"))
