"""Signer keys (Key.from_signer): the private key stays with the application's "KMS" (here the
``cryptography`` package on a key m2mauth never sees). Tokens are checked with PyJWT and jwcrypto,
client assertions by oidc-provider, OAuth 1.0 RSA-SHA1 against the in-process key."""

from __future__ import annotations

import json
import threading

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from jwcrypto import jwk as jc_jwk, jws as jc_jws

import m2mauth
from conftest import HAVE_SERVERS, SERVERS_DIR

_HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


class Kms:
    """Signs like a cloud KMS: the message in, the signature out (ECDSA as DER, as AWS KMS answers)."""

    def __init__(self, private_key):
        self.private_key = private_key
        self.calls = []
        self.fail: Exception | None = None

    def __call__(self, alg: str, data: bytes) -> bytes:
        self.calls.append((alg, data))
        if self.fail is not None:
            raise self.fail
        k = self.private_key
        if alg == "RSA-SHA1":
            return k.sign(data, padding.PKCS1v15(), hashes.SHA1())
        if alg.startswith("RS"):
            return k.sign(data, padding.PKCS1v15(), _HASHES[alg[2:]]())
        if alg.startswith("PS"):
            h = _HASHES[alg[2:]]()
            return k.sign(data, padding.PSS(mgf=padding.MGF1(h), salt_length=h.digest_size), h)
        if alg.startswith("ES"):
            return k.sign(data, ec.ECDSA(_HASHES[alg[2:]]()))
        if alg == "EdDSA":
            return k.sign(data)
        raise ValueError(f"unexpected alg {alg}")


def public_of(private_key) -> m2mauth.Key:
    return m2mauth.Key.from_pem(private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


CASES = [
    ("RS256", lambda: rsa.generate_private_key(65537, 2048)),
    ("PS256", lambda: rsa.generate_private_key(65537, 2048)),
    ("ES256", lambda: ec.generate_private_key(ec.SECP256R1())),
    ("ES384", lambda: ec.generate_private_key(ec.SECP384R1())),
    ("EdDSA", ed25519.Ed25519PrivateKey.generate),
]


@pytest.mark.parametrize("alg,make", CASES, ids=[c[0] for c in CASES])
def test_signer_key_tokens_verify_with_pyjwt_and_jwcrypto(alg, make):
    private = make()
    kms = Kms(private)
    key = m2mauth.Key.from_signer(public_of(private), kms)
    assert key.is_signer and key.has_private and not public_of(private).is_signer
    token = m2mauth.jwt.encode({"sub": "svc", "n": 7}, key, algorithm=alg)
    assert [c[0] for c in kms.calls] == [alg]
    assert kms.calls[0][1] == token.rsplit(".", 1)[0].encode()  # exactly the signing input
    pub_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                serialization.PublicFormat.SubjectPublicKeyInfo)
    assert pyjwt.decode(token, pub_pem, algorithms=[alg])["n"] == 7
    checker = jc_jws.JWS()
    checker.deserialize(token)
    checker.verify(jc_jwk.JWK.from_pem(pub_pem), alg=alg)
    assert json.loads(checker.payload)["sub"] == "svc"


def test_signer_key_binding_kid_and_no_export():
    private = ec.generate_private_key(ec.SECP256R1())
    key = m2mauth.Key.from_signer(public_of(private).with_kid("kms-1"), Kms(private), algorithm="ES256")
    assert key.kid == "kms-1"
    token = m2mauth.jwt.encode({"sub": "svc"}, key, algorithm=None)
    assert pyjwt.get_unverified_header(token) == {"alg": "ES256", "typ": "JWT", "kid": "kms-1"}
    with pytest.raises(m2mauth.NoPrivateKeyError):
        key.private_pem()
    with pytest.raises(m2mauth.NoPrivateKeyError):
        key.private_jwk()
    assert "d" not in key.public_jwk()
    with pytest.raises(m2mauth.AlgorithmError):
        m2mauth.jwt.encode({"sub": "svc"}, key, algorithm="ES384")
    with pytest.raises(m2mauth.KeyTypeError):
        m2mauth.Key.from_signer(public_of(private), Kms(private), algorithm="RS256")
    with pytest.raises(TypeError):
        m2mauth.Key.from_signer(public_of(private), "not callable")


def test_exception_in_sign_is_a_signer_error_with_its_message_escaped_and_capped():
    private = rsa.generate_private_key(65537, 2048)
    kms = Kms(private)
    key = m2mauth.Key.from_signer(public_of(private), kms)
    kms.fail = RuntimeError("KMS throttled\r\n\x1b[2Jinjected" + "y" * 1000)
    with pytest.raises(m2mauth.SignerError) as info:
        m2mauth.jwt.encode({"sub": "svc"}, key, algorithm="RS256")
    err = info.value
    assert err.code == -14 and err.name == "signer"
    assert isinstance(err, m2mauth.InvalidKeyError)
    text = str(err)
    assert "RuntimeError: KMS throttled\\r\\n\\x1B[2Jinjected" in text
    assert "\n" not in text and "\x1b" not in text and len(text) < 300


def test_sign_returning_no_bytes_or_a_wrong_signature_is_a_signer_error():
    private = ec.generate_private_key(ec.SECP256R1())
    key = m2mauth.Key.from_signer(public_of(private), lambda alg, data: "text")
    with pytest.raises(m2mauth.SignerError, match="returned str, not bytes"):
        m2mauth.jwt.encode({"sub": "svc"}, key, algorithm=None)
    other = ec.generate_private_key(ec.SECP256R1())
    wrong = m2mauth.Key.from_signer(public_of(private), Kms(other))  # signs with another key
    with pytest.raises(m2mauth.SignerError, match="not a valid ES256 signature"):
        m2mauth.jwt.encode({"sub": "svc"}, wrong, algorithm=None)


def test_threads_call_the_signer_one_at_a_time():
    private = ed25519.Ed25519PrivateKey.generate()
    inside, most = [0], [0]
    lock = threading.Lock()

    def sign(alg, data):
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        try:
            return private.sign(data)
        finally:
            with lock:
                inside[0] -= 1

    key = m2mauth.Key.from_signer(public_of(private), sign)
    tokens = []

    def work():
        for _ in range(25):
            tokens.append(m2mauth.jwt.encode({"sub": "svc"}, key, algorithm=None))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(tokens) == 100 and most[0] == 1


def test_oauth1_rsa_sha1_with_a_signer_equals_the_in_process_key():
    private = rsa.generate_private_key(65537, 2048)
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    kms = Kms(private)
    signer = m2mauth.Key.from_signer(public_of(private), kms)
    sigs = [m2mauth.OAuth1("ck", signature_method="RSA-SHA1", rsa_key=k).signature(
        "https://api.example/v1/x?a=1", nonce="n1", timestamp=1700000000) for k in (m2mauth.Key.from_pem(pem), signer)]
    assert sigs[0] == sigs[1] and len(sigs[0]) > 300
    assert kms.calls[-1][0] == "RSA-SHA1"


def load_private(path):
    return serialization.load_pem_private_key(path.read_bytes(), None)


@pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")
@pytest.mark.parametrize("client_id", ["svc-rs256", "svc-es256", "svc-eddsa"])
def test_private_key_jwt_at_oidc_provider_signed_by_the_signer(oidc_server, clients, http, client_id):
    private = load_private(SERVERS_DIR / clients[client_id]["private_key"])
    kms = Kms(private)
    key = m2mauth.Key.from_signer(public_of(private), kms)
    with m2mauth.OAuth2Client(oidc_server.info["token_endpoint"], client_id, auth_method="private_key_jwt",
                              scope="api.read", http=http, private_key=key) as client:
        token = client.token()
        assert token.token_type == "Bearer"
    assert len(kms.calls) == 1
