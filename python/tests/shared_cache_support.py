"""Helpers of the shared-cache tests (test_shared_cache.py, test_redis_cache.py): a configuration with a cache
section for the fault server's svc-basic client, and child processes that each print the SHA-256 of their
token."""

from __future__ import annotations

import json
import os
import subprocess
import sys

KEY = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

CHILD = """
import hashlib, sys
from m2mauth import config
with config.load(sys.argv[1]).oauth2_client() as c:
    print(hashlib.sha256(c.token().access_token.encode()).hexdigest())
"""


def write_config(tmp_path, fault, server_clients, cache, name="m2mauth.json"):
    secret = server_clients["oauth2"]["clients"]["svc-basic"]["client_secret"]
    doc = {"oauth2": {"token_url": fault.info["token_endpoint"], "client_id": "svc-basic", "client_secret": secret,
                      "scope": "api.read"}}
    if cache is not None:
        doc["cache"] = cache
    p = tmp_path / name
    p.write_text(json.dumps(doc))
    return p


def run_children(path, n):
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ)) for _ in range(n)]
    out = []
    for p in procs:
        stdout, _ = p.communicate(timeout=60)
        assert p.returncode == 0
        out.append(stdout.strip())
    return out
