"""m2mauth.Certificate against the shared vectors (fingerprints exactly as openssl prints them)."""

from __future__ import annotations

import datetime as dt

import pytest

import m2mauth
from conftest import b64_decode, vector_key


def test_vector_certificate(jose):
    c = jose["certificates"]["rsa2048-self-signed"]
    for cert in (m2mauth.Certificate.from_pem(c["pem"]), m2mauth.Certificate.from_der(b64_decode(c["der_b64"]))):
        assert cert.fingerprint() == c["openssl_sha256_fingerprint"].split("=", 1)[-1]
        assert cert.fingerprint("sha1") == c["openssl_sha1_fingerprint"].split("=", 1)[-1]
        assert cert.fingerprint("sha256", "hex") == c["sha256_hex"]
        assert cert.fingerprint("sha1", "hex") == c["sha1_hex"]
        assert cert.fingerprint("sha1", "base64url") == c["x5t"]
        assert cert.fingerprint("sha256", "base64url") == c["x5t#S256"]
        assert cert.subject == c["subject_rfc2253"]
        assert cert.not_after_timestamp == c["not_after"]
        assert cert.not_after == dt.datetime.fromtimestamp(c["not_after"], tz=dt.timezone.utc)
        assert cert.der == b64_decode(c["der_b64"])
        assert cert.public_key() == vector_key(jose, c["key"]).public_key()
        assert "subject='" in repr(cert)


def test_from_file_and_errors(tmp_path, jose):
    c = jose["certificates"]["rsa2048-self-signed"]
    path = tmp_path / "c.pem"
    path.write_text(c["pem"])
    cert = m2mauth.Certificate.from_file(path)
    assert cert == m2mauth.Certificate.from_pem(c["pem"]) and hash(cert) == hash(m2mauth.Certificate.from_pem(c["pem"]))
    assert m2mauth.Key.from_file(path) == cert.public_key()  # a certificate is also a public-key source
    with pytest.raises(ValueError):
        cert.fingerprint("md5")
    with pytest.raises(ValueError):
        cert.fingerprint(format="HEX")
    with pytest.raises(m2mauth.KeyFormatError):
        m2mauth.Certificate.from_pem(b"not a certificate")
    with pytest.raises(m2mauth.KeyFormatError):
        m2mauth.Certificate.from_der(c["pem"].encode())  # each constructor reads only its own encoding
    with pytest.raises(m2mauth.KeyFormatError):
        m2mauth.Certificate.from_pem(b64_decode(c["der_b64"]))
    with pytest.raises(TypeError):
        m2mauth.Certificate.from_der(c["pem"])
    with pytest.raises(TypeError):
        m2mauth.Certificate()


def test_self_signed(keys):
    key = keys["P-256"]
    with m2mauth.Certificate.self_signed(key, "svc-1", days=2) as cert:
        assert cert.subject == "CN=svc-1"
        assert cert.public_key() == key.public_key()
        left = cert.not_after - dt.datetime.now(dt.timezone.utc)
        assert dt.timedelta(days=1, hours=23) < left <= dt.timedelta(days=2)
        assert m2mauth.Certificate.from_pem(cert.pem) == cert
    assert cert.closed and repr(cert) == "<m2mauth.Certificate closed>"
    with pytest.raises(ValueError):
        m2mauth.Certificate.self_signed(key, "x", days=0)
    with pytest.raises(TypeError):
        m2mauth.Certificate.self_signed("key", "x")
