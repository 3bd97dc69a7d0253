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


# ---- hostile input: files that are not regular, strict types, decimal numbers, the core's ranges, NUL ----

BASE = {"token_url": "https://as.example/t", "client_id": "i"}


@pytest.fixture
def specials(tmp_path):
    """A FIFO, a directory, a socket and a device: none is a regular file."""
    import socket
    fifo = tmp_path / "f.fifo"
    os.mkfifo(fifo)
    (tmp_path / "d").mkdir()
    sock_path = tmp_path / "s.sock"
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.bind(str(sock_path))
    finally:
        s.close()
    return {"a FIFO": fifo, "a directory": tmp_path / "d", "a socket": sock_path, "a character device": "/dev/null"}


def test_hostile_files_refused_at_once(tmp_path, clean_env, specials):
    import time
    for kind, path in specials.items():
        start = time.monotonic()
        with pytest.raises(m2mauth.ConfigError) as exc:
            config.from_json({"oauth2": dict(BASE, client_secret_file=str(path))})
        assert time.monotonic() - start < 2  # a FIFO never blocks
        assert "oauth2.client_secret_file" in str(exc.value) and kind in str(exc.value)
        with pytest.raises(m2mauth.ConfigError) as exc:
            config.from_json({"oauth2": dict(BASE, private_key_file=str(path))})
        assert "oauth2.private_key_file" in str(exc.value) and kind in str(exc.value)
        with pytest.raises(m2mauth.FileError) as exc:
            config.load(path, use_env=False)
        assert kind in str(exc.value)
        with pytest.raises(m2mauth.FileError):
            m2mauth.Key.from_file(path)
        with pytest.raises(m2mauth.FileError):
            m2mauth.Certificate.from_file(path)
        with pytest.raises(m2mauth.ConfigError) as exc:
            config.from_json({"http": {"ca_file": str(path)}}).http()
        assert "ca_file" in str(exc.value) and kind in str(exc.value)
    # A symlink to a regular file is read (container secret mounts); to a FIFO, it is a FIFO.
    target = tmp_path / "secret"
    target.write_text("Zq9-linked\n")
    (tmp_path / "link").symlink_to(target)
    (tmp_path / "fifo-link").symlink_to(specials["a FIFO"])
    assert config.from_json({"oauth2": dict(BASE, client_secret_file=str(tmp_path / "link"))}).has("oauth2.client_secret")
    with pytest.raises(m2mauth.ConfigError, match="a FIFO"):
        config.from_json({"oauth2": dict(BASE, client_secret_file=str(tmp_path / "fifo-link"))})


def test_hostile_file_size_cap_and_content_never_shown(tmp_path, clean_env):
    big = tmp_path / "big"
    big.write_bytes(b"Q" * (1 << 20) + b"Q")
    with pytest.raises(m2mauth.ConfigError) as exc:
        config.from_json({"oauth2": dict(BASE, client_secret_file=str(big))})
    assert "larger than 1048576 bytes" in str(exc.value) and "QQQQ" not in str(exc.value)
    with pytest.raises(m2mauth.TooLargeError):
        m2mauth.Key.from_file(big)
    with pytest.raises(m2mauth.TooLargeError):
        config.load(big, use_env=False)
    nul = tmp_path / "nul"
    nul.write_bytes(b"Zq9-before\0after")
    with pytest.raises(m2mauth.ConfigError, match="NUL byte") as exc:
        config.from_json({"oauth2": dict(BASE, client_secret_file=str(nul))})
    assert_no_secret(str(exc.value) + repr(exc.value), "Zq9-before")


@pytest.mark.parametrize("section,key,value,expected", [
    ("oauth2", "resource", "https://rs.example/", "oauth2.resource must be a list of strings"),
    ("http", "timeout_ms", "5000", "http.timeout_ms must be an integer, not a string"),
    ("http", "timeout_ms", None, "http.timeout_ms must be an integer, not null"),
    ("http", "insecure_skip_verify", 1, "http.insecure_skip_verify must be true or false, not a number"),
    ("http", "proxy", ["a"], "http.proxy must be a string, not a list"),
    ("oauth2", "params", {"a": 1}, "oauth2.params.a must be a string, not a number"),
    ("oauth2", "refresh_fraction", "0.5", "oauth2.refresh_fraction must be a number, not a string"),
])
def test_strict_types(clean_env, section, key, value, expected):
    with pytest.raises(m2mauth.ConfigError) as exc:
        config.from_json({section: {key: value}})
    assert expected in str(exc.value)


def test_numbers_are_decimal_and_range_checked(clean_env):
    for text in ('{"http": {"timeout_ms": 1.0}}', '{"http": {"timeout_ms": 1e3}}', '{"http": {"timeout_ms": 0x10}}',
                 '{"http": {"timeout_ms": 9223372036854775808}}', '{"oauth2": {"refresh_fraction": 1e400}}',
                 '{"oauth2": {"refresh_fraction": NaN}}', '{"oauth2": {"refresh_fraction": Infinity}}'):
        with pytest.raises(m2mauth.ConfigError):
            config.from_json(text)
    for name, value in (("M2MAUTH_HTTP_TIMEOUT_MS", "0x10"), ("M2MAUTH_HTTP_TIMEOUT_MS", "+5"),
                        ("M2MAUTH_HTTP_TIMEOUT_MS", "1e3"), ("M2MAUTH_HTTP_TIMEOUT_MS", "99999999999999999999"),
                        ("M2MAUTH_OAUTH2_REFRESH_FRACTION", "0x1p-1"), ("M2MAUTH_OAUTH2_REFRESH_FRACTION", "nan"),
                        ("M2MAUTH_OAUTH2_REFRESH_FRACTION", "inf"), ("M2MAUTH_OAUTH2_REFRESH_FRACTION", "0,5")):
        clean_env.setenv(name, value)
        with pytest.raises(m2mauth.ConfigError, match=name):
            config.from_json({}, use_env=True)
        clean_env.delenv(name)
    assert config.from_json({"http": {"timeout_ms": 0}}).get("http.timeout_ms") == "0"


def test_ranges_are_the_cores(clean_env):
    cfg = config.from_json({"oauth2": dict(BASE, refresh_fraction=0.01, wait_timeout_ms=0)})
    assert cfg.describe()["oauth2"]["refresh_fraction"] == 0.01
    for key, value in (("refresh_fraction", 0), ("jitter_fraction", 0.6), ("wait_timeout_ms", -1),
                       ("backoff_base_ms", 0), ("assertion_lifetime_s", 5)):
        with pytest.raises(m2mauth.ConfigError, match="oauth2." + key):
            config.from_json({"oauth2": dict(BASE, **{key: value})})
    with pytest.raises(m2mauth.ConfigError, match="oauth2.backoff_max_ms"):
        config.from_json({"oauth2": dict(BASE, backoff_base_ms=5000, backoff_max_ms=100)})
    with pytest.raises(m2mauth.ConfigError, match="http.timeout_ms"):
        config.from_json({"http": {"timeout_ms": -1}})


@pytest.mark.parametrize("members,key", [
    ({"scope": "api\0.evil"}, "oauth2.scope"),
    ({"client_secret": "Zq9-a\0Zq9-b"}, "oauth2.client_secret"),
    ({"client_secret_file": "/etc/passwd\0x"}, "oauth2.client_secret_file"),
    ({"resource": ["urn:a", "urn:b\0c"]}, "oauth2.resource"),
    ({"params": {"t": "a\0b"}}, "oauth2.params"),
    ({"client_secret\0x": "s"}, 'section "oauth2"'),
])
def test_embedded_nul_refused(clean_env, members, key):
    with pytest.raises(m2mauth.ConfigError) as exc:
        config.from_json({"oauth2": dict(BASE, **members)})
    assert key in str(exc.value) and "NUL" in str(exc.value)
    assert_no_secret(str(exc.value), "Zq9")
    with pytest.raises(m2mauth.ConfigError, match="oauth2.client_id"):
        config.from_json('{"oauth2": {"token_url": "https://as.example/t", "client_id": "i\\u0000x"}}')
