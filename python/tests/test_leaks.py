"""No native handle or memory leaks: the module's live-handle counters return to their baseline, the
resident size stays flat over many rounds, and (when valgrind is installed) a run under valgrind
reports no leak and no memory error inside libm2mauth or the extension."""

from __future__ import annotations

import gc
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tracemalloc

import pytest

import m2mauth
from conftest import live_handles
import leak_workload

HERE = pathlib.Path(__file__).resolve().parent


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_handles_return_to_baseline():
    base = live_handles()
    keys = leak_workload.make_keys()
    for _ in range(3):
        leak_workload.one_round(keys)
    for _ in range(200):
        k = m2mauth.Key.generate("EC")
        k.public_key()
        with m2mauth.Key.hmac(b"k" * 32):
            pass
        try:
            m2mauth.jwt.Verifier(k, ["ES256"], max_size=1).verify("a.b.c")
        except m2mauth.Error:
            pass
        m2mauth.Certificate.self_signed(k, "x", 1).close()
    del keys, k
    assert live_handles() == base


def test_network_handles_return_to_baseline(fault, clients, a2a_server, server_clients):
    """OAuth2Client, Http, A2AClient, OAuth1 and Config release their handles (closed or collected),
    the token manager's thread included, after real token requests and API calls."""
    from m2mauth import config, senhasegura
    m2mauth.http.default_http()
    base = live_handles()
    secret = clients["svc-basic"]["client_secret"]
    a2a = server_clients["a2a"]["oauth2"][0]
    events = []
    for i in range(20):
        http = m2mauth.Http(timeout=10)
        c = m2mauth.OAuth2Client(fault.info["token_endpoint"], "svc-basic", client_secret=secret, http=http,
                                 on_event=events.append)
        c.token()
        c.request("GET", fault.info["api_url"] + "/x")
        c.fetch()
        if i % 2:
            c.close()
        v = senhasegura.A2AClient(a2a_server.url, client_id=a2a["client_id"], client_secret=a2a["client_secret"],
                                  http=http)
        v.credential("5")
        try:
            v.info("1024")
        except m2mauth.VendorError:
            pass
        cfg = config.from_json({"oauth2": {"token_url": fault.info["token_endpoint"], "client_id": "svc-basic",
                                           "client_secret": secret}})
        with cfg.oauth2_client(http) as c2:
            c2.token()
        m2mauth.oauth1.Client("ck", client_secret="s").sign("https://a.example/")
        del c, v, cfg, c2, http
    assert events
    assert live_handles() == base


@pytest.mark.skipif(os.environ.get("M2MAUTH_SANITIZED") == "1",
                    reason="sanitizer quarantine keeps freed memory resident")
def test_memory_stays_flat():
    keys = leak_workload.make_keys()
    for _ in range(10):  # warm up caches and allocator pools
        leak_workload.one_round(keys)
    gc.collect()
    tracemalloc.start()
    before_py = tracemalloc.take_snapshot()
    before_rss = rss_bytes()
    for _ in range(80):
        leak_workload.one_round(keys)
    gc.collect()
    grown_rss = rss_bytes() - before_rss
    grown_py = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(before_py, "filename"))
    tracemalloc.stop()
    # One round creates ~60 native objects and ~30 exceptions; a leak of even one small block per call
    # would show as several MB here.
    assert grown_rss < 3 * 1024 * 1024, grown_rss
    assert grown_py < 256 * 1024, grown_py


def _our_frames(block: str) -> bool:
    # Frames of libm2mauth or the extension: C API symbols, core or binding namespaces, library names.
    return re.search(r"m2mauth_|m2mauth::|libm2mauth|_m2mauth", block) is not None


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
@pytest.mark.skipif(os.environ.get("M2MAUTH_SKIP_VALGRIND") == "1", reason="M2MAUTH_SKIP_VALGRIND=1")
def test_valgrind_finds_nothing_in_m2mauth(tmp_path):
    log = tmp_path / "valgrind.log"
    env = dict(os.environ, PYTHONMALLOC="malloc")
    cmd = ["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect", "--num-callers=40",
           f"--log-file={log}", sys.executable, str(HERE / "leak_workload.py"), "2"]
    proc = subprocess.run(cmd, env=env, cwd=HERE, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = log.read_text()
    blocks = re.split(r"\n==\d+== \n", text)
    errors = [b for b in blocks if re.search(r"Invalid (read|write)|uninitialised|Mismatched free|invalid free", b)
              and _our_frames(b)]
    leaks = [b for b in blocks if re.search(r"are (definitely|indirectly) lost", b) and _our_frames(b)]
    assert not errors, errors[0][:3000]
    assert not leaks, leaks[0][:3000]
