"""PKCS#11 keys (Key.from_pkcs11 and the CLI's --key pkcs11:...) with a SoftHSM2 token this module
initialises in a temporary folder: RSA and EC P-256 keys generated inside it sign tokens that PyJWT
verifies with the public keys; the PIN never shows in an error."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import jwt as pyjwt
import pytest

import m2mauth

MODULES = [Path("/usr/lib/softhsm/libsofthsm2.so"), Path("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
           Path("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so")]
MODULE = next((m for m in MODULES if m.exists()), None)
PIN = "2468"
pytestmark = pytest.mark.skipif(MODULE is None or not shutil.which("softhsm2-util") or not shutil.which("pkcs11-tool"),
                                reason="SoftHSM2 (softhsm2) or pkcs11-tool (opensc) is not installed")


@pytest.fixture(scope="module")
def token(tmp_path_factory):
    d = tmp_path_factory.mktemp("softhsm")
    (d / "tokens").mkdir()
    conf = d / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {d}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read by the module when it is first loaded, in this process
    quiet = {"check": True, "capture_output": True, "timeout": 60}
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "py-test", "--pin", PIN,
                    "--so-pin", "13579135"], **quiet)
    tool = ["pkcs11-tool", "--module", str(MODULE), "--token-label", "py-test", "--login", "--pin", PIN]
    subprocess.run(tool + ["--keypairgen", "--key-type", "rsa:2048", "--label", "rsa1", "--id", "01"], **quiet)
    subprocess.run(tool + ["--keypairgen", "--key-type", "EC:prime256v1", "--label", "ec1", "--id", "02"], **quiet)
    return conf


def uri(obj: str) -> str:
    return f"pkcs11:token=py-test;object={obj};type=private?module-path={MODULE}"


def test_wrong_pin_and_pin_value_never_in_messages(token):
    # First in this module: once a key is loaded the token stays logged in for the process (PKCS#11).
    with pytest.raises(m2mauth.KeyFormatError) as info:
        m2mauth.Key.from_pkcs11(uri("rsa1"), "11223344")
    assert "11223344" not in str(info.value)
    with pytest.raises(m2mauth.KeyFormatError) as info:
        m2mauth.Key.from_pkcs11(f"pkcs11:token=py-test;object=missing;pin-value={PIN}?module-path={MODULE}")
    assert PIN not in str(info.value) and "object=missing" in str(info.value)
    with pytest.raises(m2mauth.InvalidInputError):
        m2mauth.Key.from_pkcs11("/etc/passwd")


@pytest.mark.parametrize("obj,alg", [("rsa1", "RS256"), ("rsa1", "PS256"), ("ec1", "ES256")])
def test_token_keys_sign_tokens_pyjwt_verifies(token, obj, alg):
    key = m2mauth.Key.from_pkcs11(uri(obj), PIN)
    assert key.has_private and key.kty == ("EC" if obj == "ec1" else "RSA")
    jwt = m2mauth.jwt.encode({"sub": "svc", "aud": "https://as.example/token"}, key, algorithm=alg)
    claims = pyjwt.decode(jwt, key.public_key().public_pem(), algorithms=[alg], audience="https://as.example/token")
    assert claims["sub"] == "svc"
    with pytest.raises(m2mauth.NoPrivateKeyError):
        key.private_pem()


def test_cli_jwt_encode_with_a_token_key(token):
    env = dict(os.environ, M2MAUTH_PKCS11_PIN=PIN, SOFTHSM2_CONF=str(token))
    proc = subprocess.run([sys.executable, "-m", "m2mauth", "jwt", "encode", "--key", uri("ec1"), "--alg", "ES256",
                           "--claims", '{"sub": "cli"}'], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert PIN not in proc.stdout + proc.stderr
    public = m2mauth.Key.from_pkcs11(uri("ec1"), PIN).public_key().public_pem()
    assert pyjwt.decode(proc.stdout.strip(), public, algorithms=["ES256"])["sub"] == "cli"
