"""The `redis` kind of the shared token cache through the configuration's cache section: Python processes
sharing one token through a real redis-server on loopback (Debian's, started here in a temporary directory,
stopped by its pid), Redis killed (no call fails) and restarted, and the hostile-input rules of the Redis
store: a strict cache.url, a wrong password refused at start, and a fake server's hostile replies (huge
bulk strings, garbage, silence) that never fail or hang a token call. Skipped without redis-server unless
CI is set, or when the library was built without the Redis store."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

import m2mauth
from m2mauth import config
from conftest import HAVE_SERVERS, control
from shared_cache_support import KEY, run_children
from shared_cache_support import write_config as _write_config

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="loopback servers not available")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """redis-server on a free loopback port: no persistence, ACL user m2m / m2m-pw."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="m2mauth-redis-")
        self.port = _free_port()
        with open(os.path.join(self.dir, "redis.conf"), "w") as f:
            f.write(f"port {self.port}\nbind 127.0.0.1\ndir {self.dir}\nsave \"\"\nappendonly no\n"
                    "user default on >default-pw ~* &* +@all\nuser m2m on >m2m-pw ~* &* +@all\n")
        self.proc = None
        self.start()

    def start(self) -> None:
        log = open(os.path.join(self.dir, "redis.log"), "a")
        self.proc = subprocess.Popen([shutil.which("redis-server"), os.path.join(self.dir, "redis.conf")],
                                     stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(64):
                        return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, userinfo: str = "m2m:m2m-pw") -> str:
        return f"redis://{userinfo}@127.0.0.1:{self.port}/0"


def _redis_supported() -> bool:
    doc = {"oauth2": {"token_url": "https://as.example/t", "client_id": "i", "client_secret": "s"},
           "cache": {"kind": "redis", "url": "redis://127.0.0.1:1", "key": KEY}}
    try:
        config.from_json(json.dumps(doc)).oauth2_client().close()
    except m2mauth.Error as e:
        return "not built" not in str(e)
    return True


@pytest.fixture
def redis():
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is required when CI is set")
        pytest.skip("redis-server is not on PATH")
    if not _redis_supported():
        pytest.skip("built without the Redis store (M2MAUTH_WITH_REDIS)")
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def redis_built():
    if not _redis_supported():
        pytest.skip("built without the Redis store (M2MAUTH_WITH_REDIS)")


def write_config(tmp_path, fault, server_clients, url, name="m2mauth.json"):
    return _write_config(tmp_path, fault, server_clients,
                         {"kind": "redis", "url": url, "key": KEY, "lease_ms": 3000, "fallback_ms": 200}, name)


@pytest.mark.parametrize("n", [1, 2, 8, 32, 64])
def test_processes_share_one_token_through_redis(tmp_path, clean_env, fault, server_clients, redis, n):
    path = write_config(tmp_path, fault, server_clients, redis.url())
    hashes = run_children(path, n)
    assert len(set(hashes)) == 1
    assert control(fault, "stats")["token_requests"] == 1
    described = json.dumps(config.load(path).describe())
    assert "m2m-pw" not in described


def test_redis_killed_then_restarted(tmp_path, clean_env, fault, server_clients, redis):
    path = write_config(tmp_path, fault, server_clients, redis.url())
    run_children(path, 1)
    redis.kill()
    start = time.monotonic()
    run_children(path, 2)  # no call fails: each process fetches its own
    assert time.monotonic() - start < 30
    assert control(fault, "stats")["token_requests"] == 3
    redis.start()
    hashes = run_children(path, 3)  # sharing resumes: one more request for all three
    assert len(set(hashes)) == 1
    assert control(fault, "stats")["token_requests"] == 4


# ---- hostile input ----

@pytest.mark.parametrize("url", ["redis://h:0", "redis://h:65536", "redis://h:+80", "redis://h:6379/1a",
                                 "redis://u:hunter2@h?db=1", "redis://u:hunter2%00@h", "redis://u:hunter2%zz@h",
                                 "http://h:6379", "redis://h o"])
def test_cache_url_strict(tmp_path, clean_env, url):
    doc = {"oauth2": {"token_url": "https://as.example/t", "client_id": "i", "client_secret": "s"},
           "cache": {"kind": "redis", "url": url, "key": KEY}}
    with pytest.raises(m2mauth.ConfigError) as exc:
        config.from_json(json.dumps(doc)).oauth2_client()
    assert "cache.url" in str(exc.value) and "hunter2" not in str(exc.value)


def test_wrong_password_refused_at_start(tmp_path, clean_env, fault, server_clients, redis):
    path = write_config(tmp_path, fault, server_clients, redis.url("m2m:wrong-pw-4711"))
    with pytest.raises(m2mauth.ConfigError) as exc:
        config.load(path).oauth2_client()
    assert "wrong-pw-4711" not in str(exc.value)


class HostileRedis:
    """Answers every connection's first bytes with `reply`, then (stream=True) more bytes forever."""

    def __init__(self, reply: bytes, stream: bool = False) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.reply, self.stream, self.stop = reply, stream, threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.05)
        while not self.stop.is_set():
            try:
                c, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._one, args=(c,), daemon=True).start()

    def _one(self, c) -> None:
        c.settimeout(0.05)
        try:
            while not self.stop.is_set():
                try:
                    if c.recv(4096):
                        break
                except socket.timeout:
                    continue
            c.sendall(self.reply)
            while self.stream and not self.stop.is_set():
                c.sendall(b"A" * 65536)
            while not self.stop.is_set():
                time.sleep(0.05)
        except OSError:
            pass
        finally:
            c.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.sock.close()


@pytest.mark.parametrize("reply,stream", [(b"$1000000000\r\n", True), (b"*2000000000\r\n", False),
                                          (b"?garbage\r\n", False), (b":42\r\n", False), (b"", False)])
def test_hostile_server_never_fails_or_hangs_a_token_call(tmp_path, clean_env, fault, server_clients, redis_built,
                                                           reply, stream):
    fake = HostileRedis(reply, stream)
    try:
        path = write_config(tmp_path, fault, server_clients, f"redis://127.0.0.1:{fake.port}")
        start = time.monotonic()
        with config.load(path).oauth2_client() as c:
            assert c.token().access_token
        assert time.monotonic() - start < 10
        assert control(fault, "stats")["token_requests"] == 1
    finally:
        fake.close()
