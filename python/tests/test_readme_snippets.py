"""The python/README.md code blocks marked `<!-- snippet: NAME -->` run as written, each in a fresh
interpreter, against the fault server on 127.0.0.1 (token_url, api_url and secret are given to them)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from conftest import HAVE_SERVERS, REPO

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")

README = REPO / "python" / "README.md"


def snippets() -> dict:
    text = README.read_text(encoding="utf-8")
    return {m.group(1): m.group(2) for m in
            re.finditer(r"<!-- snippet: ([\w-]+) -->\n```python\n(.*?)\n```", text, re.DOTALL)}


def run(fault, clients, name: str) -> subprocess.CompletedProcess:
    prelude = "import sys\ntoken_url, api_url, secret = sys.argv[1:4]\n"
    return subprocess.run([sys.executable, "-c", prelude + snippets()[name], fault.info["token_endpoint"],
                           fault.info["api_url"], clients["svc-basic"]["client_secret"]],
                          capture_output=True, text=True, timeout=120)


def test_the_marked_snippets_exist():
    assert {"logging", "asyncio", "requests", "httpx"} <= set(snippets())


@pytest.mark.parametrize("name", ["asyncio", "requests", "httpx"])
def test_snippet_runs(fault, clients, name):
    if name == "httpx":
        pytest.importorskip("httpx", reason="httpx is not installed (pip install -r .ci/requirements.txt)")
    proc = run(fault, clients, name)
    assert proc.returncode == 0, proc.stderr


def test_logging_snippet_logs_the_fetch(fault, clients):
    proc = run(fault, clients, "logging")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"DEBUG m2mauth m2mauth: token fetched for client 'svc-basic', expires in 3[56]\d\d s",
                     proc.stderr), proc.stderr
    assert clients["svc-basic"]["client_secret"] not in proc.stderr
