"""The token cache shared by processes (issue 14) through the configuration's cache section, as every
language uses it: Python processes sharing one token through the file cache, the shared_hit event, and
the hostile-input rules (a key that is not 256 bits, a directory others can write, corrupted entries)."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

import m2mauth
from m2mauth import config
from conftest import HAVE_SERVERS, control
from shared_cache_support import KEY, run_children, write_config

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="loopback servers not available")


@pytest.mark.parametrize("n", [1, 2, 8, 32, 64])
def test_processes_share_one_token(tmp_path, clean_env, fault, server_clients, n):
    path = write_config(tmp_path, fault, server_clients,
                        {"kind": "file", "path": str(tmp_path / "c"), "key": KEY, "lease_ms": 3000})
    hashes = run_children(path, n)
    assert len(set(hashes)) == 1
    assert control(fault, "stats")["token_requests"] == 1
    assert (os.stat(tmp_path / "c").st_mode & 0o777) == 0o700
    # Without the cache, each process asks for its own.
    control(fault, "reset", {})
    plain = write_config(tmp_path, fault, server_clients, None, "plain.json")
    assert len(set(run_children(plain, n))) == n
    assert control(fault, "stats")["token_requests"] == n


def test_shared_hit_event_and_key_file(tmp_path, clean_env, fault, server_clients):
    (tmp_path / "cache.key").write_bytes(bytes(range(10, 42)))  # 32 raw bytes (one of them a newline)
    path = write_config(tmp_path, fault, server_clients,
                        {"kind": "file", "path": str(tmp_path / "c"), "key_file": str(tmp_path / "cache.key")})
    cfg = config.load(path)
    assert "cache" in json.dumps(cfg.describe())
    events = []
    with cfg.oauth2_client() as a, cfg.oauth2_client(on_event=events.append) as b:
        assert a.token().access_token == b.token().access_token
    assert [e.kind for e in events] == ["shared_hit", "fetched"]
    assert control(fault, "stats")["token_requests"] == 1


# ---- hostile input ----

@pytest.mark.parametrize("key", ["abcd", KEY[:-2], KEY + "00", "zz" + KEY[2:], "A" * 42 + "+"])
def test_key_not_256_bits_refused(tmp_path, clean_env, key):
    doc = {"oauth2": {"token_url": "https://as.example/t", "client_id": "i"},
           "cache": {"kind": "file", "path": str(tmp_path / "c"), "key": key}}
    with pytest.raises(m2mauth.ConfigError) as exc:
        config.from_json(json.dumps(doc))
    assert "cache.key" in str(exc.value) and key not in str(exc.value)


def test_directory_writable_by_others_refused(tmp_path, clean_env, fault, server_clients):
    d = tmp_path / "open"
    d.mkdir()
    os.chmod(d, 0o777)
    path = write_config(tmp_path, fault, server_clients, {"kind": "file", "path": str(d), "key": KEY})
    with pytest.raises(m2mauth.ConfigError) as exc:
        config.load(path).oauth2_client()
    assert "cache.path" in str(exc.value)


def test_corrupted_or_foreign_entries_ignored_and_replaced(tmp_path, clean_env, fault, server_clients):
    cache = {"kind": "file", "path": str(tmp_path / "c"), "key": KEY}
    path = write_config(tmp_path, fault, server_clients, cache)
    first = run_children(path, 1)[0]
    for f in (tmp_path / "c").glob("*.tok"):
        data = bytearray(f.read_bytes())
        data[-1] ^= 1
        f.write_bytes(bytes(data))
    second = run_children(path, 1)[0]
    assert second != first
    assert control(fault, "stats")["token_requests"] == 2
    other = write_config(tmp_path, fault, server_clients, dict(cache, key="f" + KEY[1:]), "other.json")
    assert run_children(other, 1)[0] not in (first, second)
    assert run_children(path, 1)[0] not in (first, second)  # replaced under the other key: fetched again
    assert control(fault, "stats")["token_requests"] == 4
    assert hashlib.sha256(b"").hexdigest() not in (first, second)
