"""The requests and httpx adapters (m2mauth.requests.OAuth2Auth, m2mauth.httpx.OAuth2Auth) against the fault
server's protected API on 127.0.0.1, which accepts only Bearer tokens it issued and has not revoked:
the managed token attached, one retry on 401 with a new token and the same body, never a loop (a
loopback API that always answers 401), and `import m2mauth` importing neither client."""

from __future__ import annotations

import asyncio
import http.server
import io
import json
import subprocess
import sys
import threading
import time

import pytest
import requests

import m2mauth
import m2mauth.requests
from conftest import HAVE_SERVERS, control, fault_client, token_requests

try:
    import httpx
    import m2mauth.httpx
except ImportError:  # pragma: no cover  (pinned in .ci/requirements.txt)
    httpx = None

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")
needs_httpx = pytest.mark.skipif(httpx is None, reason="httpx is not installed (pip install -r .ci/requirements.txt)")


def api_stats(fault):
    s = control(fault, "stats")
    return s["api_requests"], s["api_rejected"]


def test_importing_m2mauth_imports_neither_http_client_nor_asyncio():
    code = ("import sys, m2mauth\n"
            "print(sorted(m for m in ('requests', 'httpx', 'asyncio') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_adapters_take_a_client_only():
    with pytest.raises(TypeError):
        m2mauth.requests.OAuth2Auth("not a client")
    if httpx is not None:
        with pytest.raises(TypeError):
            m2mauth.httpx.OAuth2Auth(object())


# ---- requests -------------------------------------------------------------------------------------------

def test_requests_attaches_the_managed_token(fault, clients):
    with fault_client(fault, clients) as client, requests.Session() as session:
        session.auth = m2mauth.requests.OAuth2Auth(client)
        r = session.get(fault.info["api_url"] + "/v1/accounts", params={"page": "2"}, timeout=10)
        assert r.status_code == 200 and r.json()["client_id"] == "svc-basic" and r.json()["raw_query"] == "page=2"
        assert r.json()["headers"]["Authorization"] == client.token().authorization
        assert session.get(fault.info["api_url"] + "/v1/again", timeout=10).status_code == 200
        assert token_requests(fault) == 1 and r.history == []
        assert "svc-basic" in repr(session.auth) and clients["svc-basic"]["client_secret"] not in repr(session.auth)


@pytest.mark.parametrize("body", [b'{"n":1}', '{"n":1}', "file", "json"])
def test_requests_retries_once_on_401_with_the_same_body(fault, clients, body):
    with fault_client(fault, clients, min_fetch_interval=0) as client:
        auth = m2mauth.requests.OAuth2Auth(client)
        first = client.token()
        control(fault, "revoke")  # the API refuses the cached token from now on
        url = fault.info["api_url"] + "/v1/items"
        if body == "file":
            f = io.BytesIO(b'xx{"n":1}')
            f.read(2)  # a file is replayed from where the request started reading it
            r = requests.post(url, data=f, auth=auth, timeout=10)
        elif body == "json":
            r = requests.post(url, json={"n": 1}, auth=auth, timeout=10)
        else:
            r = requests.post(url, data=body, auth=auth, timeout=10)
        assert r.status_code == 200 and json.loads(r.json()["body"]) == {"n": 1}
        assert [h.status_code for h in r.history] == [401]
        assert r.request.headers["Authorization"] != first.authorization
        assert r.request.headers["Authorization"] == client.token().authorization
        assert token_requests(fault) == 2 and api_stats(fault) == (2, 1)


def test_requests_does_not_replay_a_generator_body(fault, clients):
    with fault_client(fault, clients) as client:
        client.token()
        control(fault, "revoke")
        r = requests.post(fault.info["api_url"] + "/v1/stream", data=(p for p in [b"a", b"b"]),
                          auth=m2mauth.requests.OAuth2Auth(client), timeout=10)
        assert r.status_code == 401 and r.history == [] and api_stats(fault) == (1, 1)


class AlwaysUnauthorized:
    """A loopback API that answers 401 to everything and counts the requests and their tokens."""

    def __init__(self):
        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                seen.append((self.headers.get("Authorization"), body))
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Bearer error="invalid_token"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = _any

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def refusing_api():
    api = AlwaysUnauthorized()
    yield api
    api.close()


def test_requests_never_loops(fault, clients, refusing_api):
    with fault_client(fault, clients, min_fetch_interval=0) as client:
        r = requests.post(refusing_api.url, data=b"payload", auth=m2mauth.requests.OAuth2Auth(client), timeout=10)
        assert r.status_code == 401 and len(r.history) == 1
        assert [b for _, b in refusing_api.seen] == [b"payload", b"payload"]
        assert refusing_api.seen[0][0] != refusing_api.seen[1][0]  # the retry carried a new token
        assert token_requests(fault) == 2


# ---- httpx ----------------------------------------------------------------------------------------------

@needs_httpx
def test_httpx_sync_attaches_the_token_and_retries_once(fault, clients):
    with fault_client(fault, clients, min_fetch_interval=0) as client, \
            httpx.Client(auth=m2mauth.httpx.OAuth2Auth(client), timeout=10) as http:
        r = http.get(fault.info["api_url"] + "/v1/accounts")
        assert r.status_code == 200 and r.json()["headers"]["Authorization"] == client.token().authorization
        control(fault, "revoke")
        r = http.post(fault.info["api_url"] + "/v1/items", content=iter([b'{"n"', b':1}']))
        assert r.status_code == 200 and json.loads(r.json()["body"]) == {"n": 1}
        assert [h.status_code for h in r.history] == [401] and token_requests(fault) == 2


@needs_httpx
def test_httpx_sync_never_loops(fault, clients, refusing_api):
    with fault_client(fault, clients, min_fetch_interval=0) as client, \
            httpx.Client(auth=m2mauth.httpx.OAuth2Auth(client), timeout=10) as http:
        r = http.post(refusing_api.url, content=b"payload")
        assert r.status_code == 401 and len(r.history) == 1 and len(refusing_api.seen) == 2
        assert refusing_api.seen[0][0] != refusing_api.seen[1][0] and token_requests(fault) == 2


@needs_httpx
def test_httpx_async_flow_retries_once_and_never_blocks_the_loop(fault, clients, refusing_api):
    from conftest import script
    script(fault, [{"delay_ms": 1000}])
    with fault_client(fault, clients, min_fetch_interval=0) as client:
        auth = m2mauth.httpx.OAuth2Auth(m2mauth.AsyncOAuth2Client(client=client))

        async def main():
            ticks = [0]

            async def ticker():
                while True:
                    await asyncio.sleep(0.01)
                    ticks[0] += 1

            t = asyncio.ensure_future(ticker())
            async with httpx.AsyncClient(auth=auth, timeout=10) as http:
                start = time.monotonic()
                first = await http.get(fault.info["api_url"] + "/v1/slow-token")
                elapsed = time.monotonic() - start
                control(fault, "revoke")
                async def chunks():
                    for part in (b'{"n"', b":1}"):
                        yield part

                second = await http.post(fault.info["api_url"] + "/v1/items", content=chunks())
                refused = await http.get(refusing_api.url)
            t.cancel()
            return first, second, refused, ticks[0], elapsed

        first, second, refused, ticks, elapsed = asyncio.run(main())
        assert first.status_code == 200 and elapsed >= 0.9
        assert ticks >= 0.5 * elapsed / 0.01, f"the loop stalled: {ticks} ticks in {elapsed:.2f} s"
        assert second.status_code == 200 and json.loads(second.json()["body"]) == {"n": 1}
        assert [h.status_code for h in second.history] == [401]
        assert refused.status_code == 401 and len(refused.history) == 1 and len(refusing_api.seen) == 2
        assert token_requests(fault) == 3
