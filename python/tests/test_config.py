"""m2mauth.config: the shared JSON file and M2MAUTH_* variables (parsed by the C library), describe()
with secrets redacted, get/has, errors naming the key, and the builders (Http, OAuth2Client,
A2AClient) against the loopback servers."""

from __future__ import annotations

import json
import os

import pytest

import m2mauth
from m2mauth import config
from conftest import HAVE_SERVERS, SERVERS_DIR, assert_no_secret, control


@pytest.fixture
def clean_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("M2MAUTH_"):
            monkeypatch.delenv(name)
    return monkeypatch


def write(tmp_path, doc, name="m2mauth.json"):
    p = tmp_path / name
    p.write_text(json.dumps(doc))
    return p


def test_file_env_and_redaction(tmp_path, clean_env):
    secret_file = tmp_path / "secret"
    secret_file.write_text("file-secret-value\n")
    path = write(tmp_path, {"http": {"timeout_ms": 5000},
                            "oauth2": {"token_url": "https://auth.example/token", "client_id": "svc",
                                       "client_secret_file": str(secret_file), "scope": "api.read"},
                            "senhasegura": {"base_url": "https://vault.example", "client_id": "a",
                                            "client_secret": "inline-secret-value"}})
    clean_env.setenv("M2MAUTH_OAUTH2_SCOPE", "api.write")
    clean_env.setenv("M2MAUTH_HTTP_TIMEOUT_MS", "7000")
    cfg = config.load(path)
    assert cfg.get("oauth2.scope") == "api.write"  # the environment wins, key by key
    assert cfg.get("oauth2.client_id") == "svc"
    assert cfg.get("http.timeout_ms") == "7000"
    assert cfg.get("oauth2.client_secret_file") == str(secret_file)
    assert cfg.get("oauth2.audience") is None and cfg.get("oauth2.audience", "d") == "d"
    assert cfg.has("oauth2") and cfg.has("oauth2.scope") and not cfg.has("oauth2.audience")
    d = cfg.describe()
    assert d["oauth2"]["scope"] == "api.write" and d["http"]["timeout_ms"] == 7000
    assert d["senhasegura"]["client_secret"] == "<redacted>"
    assert str(path) in json.dumps(d["_sources"])
    text = json.dumps(d) + repr(cfg)
    assert_no_secret(text, "file-secret-value", "inline-secret-value")
    with pytest.raises(m2mauth.Error):
        cfg.get("senhasegura.client_secret")  # a secret is never read back
    without_env = config.load(path, use_env=False)
    assert without_env.get("oauth2.scope") == "api.read"


def test_default_path_from_environment(tmp_path, clean_env):
    path = write(tmp_path, {"oauth2": {"token_url": "https://a.example/t", "client_id": "from-env-file"}})
    clean_env.setenv("M2MAUTH_CONFIG", str(path))
    assert config.load().get("oauth2.client_id") == "from-env-file"


def test_from_json_and_errors(tmp_path, clean_env):
    cfg = config.from_json({"oauth2": {"token_url": "https://a.example/t", "client_id": "x"}})
    assert cfg.get("oauth2.token_url") == "https://a.example/t"
    with pytest.raises(m2mauth.ConfigError) as exc:
        config.from_json({"oauth2": {"client_idd": "x"}})
    assert "client_idd" in str(exc.value)
    with pytest.raises(m2mauth.ConfigError):
        config.from_json({"http": {"timeout_ms": "soon"}})
    with pytest.raises(m2mauth.ConfigError):
        config.from_json({"bogus": {}})
    with pytest.raises(m2mauth.FileError):
        config.load(tmp_path / "missing.json")
    with pytest.raises(TypeError):
        config.Config()


def test_bmp_profile_with_key_file(clean_env, server_clients):
    key = SERVERS_DIR / server_clients["oauth2"]["clients"]["svc-moneyp"]["private_key"]
    cfg = config.from_json({"oauth2": {"profile": "bmp", "token_url": "https://auth.moneyp.com.br/connect/token",
                                       "client_id": "bmp.digital.api.x", "private_key_file": str(key)}})
    d = cfg.describe()
    assert d["oauth2"]["private_key_file"] == str(key)
    assert "PRIVATE KEY" not in json.dumps(d)
    with pytest.raises(m2mauth.ConfigError):
        config.from_json({"oauth2": {"profile": "bmp", "token_url": "https://a.example/t", "client_id": "x",
                                     "private_key_file": str(key), "scope": "s" * 301}})


@pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")
def test_builders(tmp_path, clean_env, fault, a2a_server, server_clients):
    secret = server_clients["oauth2"]["clients"]["svc-basic"]["client_secret"]
    a2a = server_clients["a2a"]["oauth2"][0]
    (tmp_path / "a2a-secret").write_text(a2a["client_secret"])
    clean_env.setenv("TEST_BASIC_SECRET", secret)
    path = write(tmp_path, {"http": {"timeout_ms": 10000},
                            "oauth2": {"token_url": fault.info["token_endpoint"], "client_id": "svc-basic",
                                       "client_secret_env": "TEST_BASIC_SECRET", "scope": "api.read",
                                       "idempotency_header": "IdempotencyKey", "expiry_skew_ms": 1000},
                            "senhasegura": {"base_url": a2a_server.url, "client_id": a2a["client_id"],
                                            "client_secret_file": str(tmp_path / "a2a-secret")}})
    cfg = config.load(path)
    http = cfg.http()
    assert http.send("GET", fault.info["echo_url"] + "/x").status == 200
    events = []
    with cfg.oauth2_client(on_event=events.append) as client:
        t = client.token()
        assert t.scope == "api.read" and client.token() is t
        r = client.request("POST", fault.info["api_url"] + "/x", body=b"{}")
        assert r.status == 200 and len(r.json()["headers"]["IdempotencyKey"]) == 36
        assert client.fetch().access_token != t.access_token
        assert repr(client).startswith("<m2mauth.OAuth2Client client_id='svc-basic'")
    assert events and events[0].kind == "fetched"
    with cfg.oauth2_client(http) as client:
        assert client.token()
    with cfg.a2a_client() as vault:
        assert vault.credential("5")["password"] == "secret@2504"
        assert "oauth2" in repr(vault)
    assert_no_secret(json.dumps(cfg.describe()), secret, a2a["client_secret"])
