"""DPoP keys from the CLI (``--dpop-key FILE``: PEM, DER or JWK, its passphrase by the secret-reading rules) and
from the configuration (``oauth2.dpop_key``), against oidc-provider (DPoP feature; the binding checked by
introspection) and the nonce resource server; ``config show`` and describe() never show key material."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import requests

import m2mauth
from conftest import HAVE_SERVERS
from test_cli_net import run

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")

KEYS = Path(__file__).resolve().parents[2] / "tests" / "servers" / "keys"


def jkt_of_token(oidc_server, clients, token: str) -> str:
    info = requests.post(oidc_server.info["introspection_endpoint"], data={"token": token},
                         auth=("introspector", clients["introspector"]["client_secret"]), timeout=10).json()
    assert info["active"]
    return info["cnf"]["jkt"]


def flags(oidc_server):
    return ["--token-url", oidc_server.info["token_endpoint"], "--client-id", "svc-basic",
            "--client-secret-env", "BASIC_SECRET"]


@pytest.fixture
def basic(clients):
    return clients["svc-basic"]["client_secret"]


def test_token_with_a_dpop_key_file_pem_jwk_and_encrypted(oidc_server, clients, basic, tmp_path):
    env = {"BASIC_SECRET": basic}
    pem = KEYS / "ec-p256.pem"
    proc = run(["token", *flags(oidc_server), "--dpop-key", str(pem), "--json"], env=env, secrets=[basic])
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["token_type"] == "DPoP"
    assert jkt_of_token(oidc_server, clients, doc["access_token"]) == m2mauth.Key.from_file(pem).thumbprint()

    ed = m2mauth.Key.generate("OKP")
    jwk_file = tmp_path / "dpop.jwk"
    jwk_file.write_text(json.dumps(ed.private_jwk()))
    os.chmod(jwk_file, 0o600)
    proc = run(["token", *flags(oidc_server), "--dpop-key", str(jwk_file), "--json"], env=env, secrets=[basic])
    assert proc.returncode == 0, proc.stderr
    assert jkt_of_token(oidc_server, clients, json.loads(proc.stdout)["access_token"]) == ed.thumbprint()

    encrypted = tmp_path / "dpop-enc.pem"
    encrypted.write_text(ed.private_pem("pass-Zq7"))
    proc = run(["token", *flags(oidc_server), "--dpop-key", str(encrypted), "--dpop-key-passphrase-env", "DPOP_PASS",
                "--json"], env={**env, "DPOP_PASS": "pass-Zq7"}, secrets=[basic, "pass-Zq7"])
    assert proc.returncode == 0, proc.stderr
    assert jkt_of_token(oidc_server, clients, json.loads(proc.stdout)["access_token"]) == ed.thumbprint()
    proc = run(["token", *flags(oidc_server), "--dpop-key", str(encrypted), "--dpop-key-passphrase-env", "DPOP_PASS"],
               env={**env, "DPOP_PASS": "wrong-Zq8"}, secrets=[basic, "wrong-Zq8", "pass-Zq7"])
    assert proc.returncode != 0 and "passphrase" in proc.stderr.lower()


def test_dpop_key_refusals(oidc_server, basic, tmp_path):
    """### Hostile input: a --dpop-key (or oauth2.dpop_key) that is a public key is refused before any request
    (NoPrivateKeyError), naming the key, never showing it."""
    env = {"BASIC_SECRET": basic}
    proc = run(["token", *flags(oidc_server), "--dpop-key", str(KEYS / "ec-p256.pub.pem")], env=env, secrets=[basic])
    assert proc.returncode != 0 and proc.stdout == ""
    assert "private" in proc.stderr and "BEGIN" not in proc.stderr
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"kty": "EC", "crv": "P-256"')
    proc = run(["token", *flags(oidc_server), "--dpop-key", str(garbage)], env=env, secrets=[basic])
    assert proc.returncode != 0 and "kty" not in proc.stderr
    # Config clients name their key in the configuration, not on the command line.
    cfg = tmp_path / "m2mauth.json"
    cfg.write_text(json.dumps({"oauth2": {"token_url": oidc_server.info["token_endpoint"], "client_id": "svc-basic",
                                          "client_secret_env": "BASIC_SECRET"}}))
    proc = run(["token", "--config", str(cfg), "--dpop-key", str(KEYS / "ec-p256.pem")], env=env)
    assert proc.returncode == 2 and "oauth2.dpop_key" in proc.stderr
    cfg.write_text(json.dumps({"oauth2": {"token_url": oidc_server.info["token_endpoint"], "client_id": "svc-basic",
                                          "client_secret": "not-used", "dpop_key_file": str(KEYS / "ec-p256.pub.pem")}}))
    with pytest.raises(m2mauth.errors.NoPrivateKeyError, match="oauth2.dpop_key"):
        m2mauth.config.load(cfg, use_env=False).oauth2_client()


def test_configured_dpop_key_from_cli_and_python(oidc_server, clients, basic, tmp_path):
    pem = KEYS / "ec-p256.pem"
    cfg = tmp_path / "m2mauth.json"
    cfg.write_text(json.dumps({"oauth2": {"token_url": oidc_server.info["token_endpoint"], "client_id": "svc-basic",
                                          "client_secret_env": "BASIC_SECRET", "dpop_key_file": str(pem)}}))
    env = {"BASIC_SECRET": basic}
    proc = run(["token", "--config", str(cfg), "--json"], env=env, secrets=[basic])
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["token_type"] == "DPoP"
    assert jkt_of_token(oidc_server, clients, doc["access_token"]) == m2mauth.Key.from_file(pem).thumbprint()
    proc = run(["config", "show", "--config", str(cfg)], env=env, secrets=[basic])
    assert proc.returncode == 0, proc.stderr
    shown = json.loads(proc.stdout)["oauth2"]
    assert shown["dpop_key_file"] == str(pem) and shown["dpop_key"] != pem.read_text()
    assert "PRIVATE" not in proc.stdout

    os.environ["BASIC_SECRET"] = basic
    try:
        config = m2mauth.config.load(cfg)
        assert "PRIVATE" not in json.dumps(config.describe())
        with config.oauth2_client() as client:
            assert client.dpop is not None
            assert client.dpop_thumbprint == m2mauth.Key.from_file(pem).thumbprint()
            assert client.token().token_type == "DPoP"
    finally:
        del os.environ["BASIC_SECRET"]


def test_request_with_a_dpop_key_at_the_nonce_resource_server(oidc_server, basic):
    import harness
    with harness.start("dpop", nonce=True) as rs:
        proc = run(["request", *flags(oidc_server), "--dpop-key", str(KEYS / "ed25519.pem"), "GET",
                    rs.info["api_url"] + "/cli"], env={"BASIC_SECRET": basic}, secrets=[basic])
        assert proc.returncode == 0, proc.stderr
        assert json.loads(proc.stdout)["scheme"] == "DPoP"
        stats = requests.get(rs.url + "/_control/stats", timeout=10).json()
        assert stats["nonce_challenges"] == 1 and stats["accepted"] == 1
