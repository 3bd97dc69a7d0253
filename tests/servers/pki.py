#!/usr/bin/env python3
"""A throwaway test PKI made with `cryptography` (test-only).

    python3 pki.py --out DIR      writes PEM files, client.p12 (password "test") and manifest.json

Library use: `make_pki(out_dir) -> dict` (the manifest). Nothing here is fit for anything but tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import ipaddress
import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

P12_PASSWORD = "test"
SERVER_SANS = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
               x509.IPAddress(ipaddress.ip_address("::1"))]


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "m2mauth test PKI"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _rsa():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _cert(subject_key, cn: str, issuer_key=None, issuer_cert=None, *, ca=False, sans=None, eku=None,
          not_before=None, not_after=None) -> x509.Certificate:
    now = dt.datetime.now(dt.timezone.utc)
    not_before = not_before or now - dt.timedelta(minutes=5)
    not_after = not_after or now + dt.timedelta(days=30)
    issuer_key = issuer_key or subject_key
    builder = (x509.CertificateBuilder()
               .subject_name(_name(cn))
               .issuer_name(issuer_cert.subject if issuer_cert else _name(cn))
               .public_key(subject_key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(subject_key.public_key()), critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False, encipher_only=False,
            decipher_only=False), critical=True)
    if issuer_cert is not None:
        builder = builder.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer_cert.public_key()), critical=False)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _write(out: Path, stem: str, cert: x509.Certificate, key) -> dict:
    cert_path, key_path = out / f"{stem}.pem", out / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    der = cert.public_bytes(serialization.Encoding.DER)
    sha256, sha1 = hashlib.sha256(der).hexdigest(), hashlib.sha1(der).hexdigest()
    return {"cert": str(cert_path), "key": str(key_path), "subject": cert.subject.rfc4514_string(),
            "sha256": sha256, "sha1": sha1,
            "sha256_colon": ":".join(sha256[i:i + 2] for i in range(0, 64, 2)).upper(),
            "sha1_colon": ":".join(sha1[i:i + 2] for i in range(0, 40, 2)).upper()}


def make_pki(out_dir: str | Path) -> dict:
    """Create the PKI in out_dir; return (and write as manifest.json) the manifest."""
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    server_eku = [ExtendedKeyUsageOID.SERVER_AUTH]
    client_eku = [ExtendedKeyUsageOID.CLIENT_AUTH]

    ca_key = _rsa()
    ca = _cert(ca_key, "m2mauth test root CA", ca=True, not_after=now + dt.timedelta(days=365))
    certs = {"ca": _write(out, "ca", ca, ca_key)}

    def issue(stem, cn, key, **kw):
        certs[stem.replace("-", "_")] = _write(out, stem, _cert(key, cn, ca_key, ca, **kw), key)
        return key

    issue("server", "localhost", _rsa(), sans=SERVER_SANS, eku=server_eku)
    issue("server-wrong-host", "wrong.example", _rsa(), sans=[x509.DNSName("wrong.example")], eku=server_eku)
    issue("server-expired", "localhost", _rsa(), sans=SERVER_SANS, eku=server_eku,
          not_before=now - dt.timedelta(days=30), not_after=now - dt.timedelta(days=1))
    client_key = issue("client-rsa", "m2mauth test client (RSA)", _rsa(), eku=client_eku)
    issue("client-ec", "m2mauth test client (EC)", ec.generate_private_key(ec.SECP256R1()), eku=client_eku)
    self_key = ec.generate_private_key(ec.SECP256R1())
    certs["client_selfsigned"] = _write(out, "client-selfsigned",
                                        _cert(self_key, "m2mauth self-signed client", eku=client_eku), self_key)

    client_cert = x509.load_pem_x509_certificate(Path(certs["client_rsa"]["cert"]).read_bytes())
    p12 = out / "client-rsa.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"m2mauth-test-client", client_key, client_cert, [ca],
        serialization.BestAvailableEncryption(P12_PASSWORD.encode())))

    manifest = {"dir": str(out), "ca_bundle": certs["ca"]["cert"], "certs": certs,
                "client_p12": {"path": str(p12), "password": P12_PASSWORD, "cert": "client_rsa"}}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main():
    p = argparse.ArgumentParser(description="Make a throwaway test PKI.")
    p.add_argument("--out", required=True, help="output folder (created)")
    args = p.parse_args()
    print(json.dumps(make_pki(args.out), indent=2))


if __name__ == "__main__":
    main()
