"""OAuth2Client against real token endpoints on 127.0.0.1: oidc-provider (every client authentication
method, tokens checked by introspection), Authlib (aud = token endpoint), and the fault server (errors,
retries, the token manager's single flight, 401 handling, events, idempotency header)."""

from __future__ import annotations

import gc
import threading
import time

import pytest
import requests

import m2mauth
from conftest import HAVE_SERVERS, SERVERS_DIR, assert_no_secret, control, script

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")


def introspect(server, clients, token: str) -> dict:
    secret = clients["introspector"]["client_secret"]
    url = server.info["introspection_endpoint"]
    r = requests.post(url, data={"token": token}, auth=("introspector", secret), timeout=10)
    r.raise_for_status()
    return r.json()


def key_of(clients, client_id) -> m2mauth.Key:
    return m2mauth.Key.from_file(SERVERS_DIR / clients[client_id]["private_key"])


OIDC_CASES = [
    ("svc-basic", "client_secret_basic"),
    ("svc-post", "client_secret_post"),
    ("svc-jwt", "client_secret_jwt"),
    ("svc-rs256", "private_key_jwt"),
    ("svc-es256", "private_key_jwt"),
    ("svc-eddsa", "private_key_jwt"),
    ("svc-moneyp", "private_key_jwt"),
]


@pytest.mark.parametrize("client_id,method", OIDC_CASES)
def test_oidc_provider_every_auth_method(oidc_server, clients, http, client_id, method):
    c = clients[client_id]
    kwargs = {}
    if "client_secret" in c:
        kwargs["client_secret"] = c["client_secret"]
    else:
        kwargs["private_key"] = key_of(clients, client_id)
    with m2mauth.OAuth2Client(oidc_server.info["token_endpoint"], client_id, auth_method=method, scope="api.read",
                              http=http, **kwargs) as client:
        token = client.token()
        assert token.token_type == "Bearer" and token.scope == "api.read"
        assert 3000 < token.expires_in <= 3600
        info = introspect(oidc_server, clients, token.access_token)
        assert info["active"] is True and info["client_id"] == client_id
        assert client.token() is token  # cached: the same object
        fetched = client.fetch()  # one more request, uncached
        assert fetched.access_token != token.access_token
        assert introspect(oidc_server, clients, fetched.access_token)["active"] is True
        for text in (repr(token), str(token), repr(client)):
            assert_no_secret(text, token.access_token, c.get("client_secret", ""))


def test_oidc_discovery_and_issuer_audience(oidc_server, clients, http):
    key = key_of(clients, "svc-es256")
    issuer = oidc_server.info["issuer"]
    with m2mauth.OAuth2Client(None, "svc-es256", issuer=issuer, private_key=key, assertion_audience=issuer,
                              http=http) as client:
        assert introspect(oidc_server, clients, client.token().access_token)["active"]


def test_private_key_as_pem_text(oidc_server, clients, http):
    pem = (SERVERS_DIR / clients["svc-rs256"]["private_key"]).read_bytes()
    with m2mauth.OAuth2Client(oidc_server.info["token_endpoint"], "svc-rs256", private_key=pem, http=http) as client:
        assert client.token().access_token


def test_authlib_audience_is_the_token_endpoint(authlib_server, clients, http):
    endpoint = authlib_server.info["token_endpoint"]
    key = key_of(clients, "svc-rs256")
    with m2mauth.OAuth2Client(endpoint, "svc-rs256", private_key=key, scope="api.read", http=http) as client:
        token = client.token()
        info = introspect(authlib_server, clients, token.access_token)
        assert info["active"] is True and info["client_id"] == "svc-rs256"
    # Authlib refuses the issuer as audience: a permanent OAuth error, no secret in the message.
    with m2mauth.OAuth2Client(endpoint, "svc-rs256", private_key=key, http=http,
                              assertion_audience=authlib_server.info["issuer"]) as client:
        with pytest.raises(m2mauth.OAuthError) as exc:
            client.token()
        assert exc.value.error == "invalid_client" and not exc.value.transient


def test_moneyp_scope_limit(authlib_server, clients, http):
    key = key_of(clients, "svc-moneyp")
    with m2mauth.OAuth2Client(authlib_server.info["token_endpoint"], "svc-moneyp", private_key=key, http=http,
                              scope="api.read api.write") as client:
        assert client.token().scope == "api.read api.write"


# ---- faults -------------------------------------------------------------------------------------

SECRET = None


def basic_client(fault, clients, http, **kw):
    return m2mauth.OAuth2Client(fault.info["token_endpoint"], "svc-basic",
                                client_secret=clients["svc-basic"]["client_secret"], http=http, **kw)


FAULTS = [
    ({"status": 500}, m2mauth.HTTPError, True, 0.0),
    ({"status": 503, "retry_after": 2}, m2mauth.HTTPError, True, 2.0),
    ({"status": 429, "retry_after": 3}, m2mauth.HTTPError, True, 3.0),
    ({"error": "invalid_client", "status": 401}, m2mauth.OAuthError, False, None),
    ({"error": "temporarily_unavailable", "status": 503}, m2mauth.OAuthError, True, None),
    ({"reset": True}, m2mauth.NetworkError, True, None),
    ({"body": "not json", "content_type": "application/json"}, m2mauth.ProtocolError, None, None),
    ({"html": True, "status": 502}, m2mauth.HTTPError, True, None),
    ({"huge_bytes": 8 * 1024 * 1024}, m2mauth.TooLargeError, None, None),
    ({"status": 302, "location": "http://127.0.0.1:1/"}, m2mauth.HTTPError, None, None),
]


@pytest.mark.parametrize("step,cls,transient,retry_after", FAULTS, ids=[str(f[0]) for f in FAULTS])
def test_fault_to_exception(fault, clients, http, step, cls, transient, retry_after):
    secret = clients["svc-basic"]["client_secret"]
    script(fault, [step])
    # A new transport: on a reused keep-alive connection libcurl re-sends a request whose connection was
    # reset, which would consume no script step.
    with basic_client(fault, clients, m2mauth.Http(timeout=10)) as client:
        with pytest.raises(cls) as exc:
            client.fetch()
    e = exc.value
    if transient is not None:
        assert e.transient is transient
    if retry_after is not None:
        assert e.retry_after == pytest.approx(retry_after)
    assert isinstance(e.retry_after, float)
    assert e.http_status == step.get("status", e.http_status)
    for text in (str(e), repr(e), " ".join(map(str, e.args))):
        assert_no_secret(text, secret)
    if isinstance(e, m2mauth.OAuthError):
        assert e.error == step["error"] and e.http_status == step["status"]


def test_timeout_is_a_timeout_error(fault, clients):
    script(fault, [{"hang": True, "max_s": 5}])
    quick = m2mauth.Http(timeout=0.5)
    with basic_client(fault, clients, quick) as client:
        t0 = time.monotonic()
        with pytest.raises(TimeoutError) as exc:
            client.fetch()
        assert time.monotonic() - t0 < 4
    assert isinstance(exc.value, m2mauth.NetworkTimeoutError) and exc.value.transient


def test_manager_serves_valid_token_through_failures_and_backs_off(fault, clients, http):
    # wait_timeout shorter than Retry-After: the caller gets the 503 at once instead of waiting for the retry
    with basic_client(fault, clients, http, wait_timeout=0.5, min_fetch_interval=0) as client:
        first = client.token()
        client.invalidate()
        script(fault, [{"status": 503, "retry_after": 1}])
        with pytest.raises(m2mauth.HTTPError) as exc:
            client.token()
        assert exc.value.transient and exc.value.retry_after >= 0.5
        # while backing off, no new request; afterwards a new token
        before = control(fault, "stats")["token_requests"]
        with pytest.raises(m2mauth.Error):
            client.token()
        assert control(fault, "stats")["token_requests"] == before
        time.sleep(exc.value.retry_after + 0.2)
        assert client.token().access_token != first.access_token


def test_32_threads_one_token_request(fault, clients, http):
    script(fault, [{"delay_ms": 300}])
    with basic_client(fault, clients, http) as client:
        barrier = threading.Barrier(32)
        results, errors = [], []

        def work():
            try:
                barrier.wait(10)
                results.append(client.token().access_token)
            except Exception as exc:  # pragma: no cover
                errors.append(exc)

        threads = [threading.Thread(target=work) for _ in range(32)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors and len(results) == 32 and len(set(results)) == 1
        assert control(fault, "stats")["token_requests"] == 1


def test_request_401_refetches_once(fault, clients, http):
    with basic_client(fault, clients, http) as client:
        api = fault.info["api_url"] + "/things?x=1"
        r = client.request("GET", api)
        assert r.status == 200 and r.json()["client_id"] == "svc-basic"
        old = client.token()
        control(fault, "revoke")
        r = client.request("POST", api, {"X-Test": "1"}, b'{"a":1}')
        assert r.status == 200 and r.json()["body"] == '{"a":1}'
        stats = control(fault, "stats")
        assert stats["token_requests"] == 2 and stats["api_rejected"] == 1
        assert client.token().access_token != old.access_token
        r = client.request("PUT", api, json={"k": "v"})
        assert r.json()["headers"]["Content-Type"] == "application/json"


def test_authorize_for_other_http_clients(fault, clients, http):
    with basic_client(fault, clients, http) as client:
        headers = client.authorize({"Accept": "application/json"})
        r = requests.get(fault.info["api_url"] + "/x", headers=headers, timeout=10)
        assert r.status_code == 200


def test_idempotency_header(fault, clients, http):
    with basic_client(fault, clients, http, idempotency_header="IdempotencyKey") as client:
        api = fault.info["api_url"] + "/pay"
        keys = {client.request("POST", api, body=b"{}").json()["headers"]["IdempotencyKey"] for _ in range(3)}
        assert len(keys) == 3 and all(len(k) == 36 for k in keys)
        given = client.request("POST", api, {"IdempotencyKey": "mine"}).json()["headers"]["IdempotencyKey"]
        assert given == "mine"
        control(fault, "revoke")  # the 401 retry keeps the same key
        r = client.request("POST", api, {"IdempotencyKey": "retry-1"})
        assert r.status == 200 and r.json()["headers"]["IdempotencyKey"] == "retry-1"


def test_events_from_the_manager_thread(fault, clients, http):
    events, threads = [], set()

    def on_event(ev):
        events.append(ev)
        threads.add(threading.get_ident())

    with basic_client(fault, clients, http, scope="api.read", on_event=on_event) as client:
        t = client.token()
        client.invalidate(t)
        client.token()
        script(fault, [{"error": "invalid_client", "status": 401}])
        client.invalidate()
        with pytest.raises(m2mauth.OAuthError):
            client.token()
        deadline = time.monotonic() + 5  # events come from the manager's thread, after the waiters wake
        while "failed" not in [e.kind for e in events] and time.monotonic() < deadline:
            time.sleep(0.01)
    kinds = [e.kind for e in events]
    # (a fetch's event may arrive after the caller's next invalidation: compare counts, not order)
    assert sorted(kinds[:5]) == ["failed", "fetched", "invalidated", "invalidated", "refreshed"], kinds
    failed = next(e for e in events if e.kind == "failed")
    assert failed.error == "oauth" and failed.oauth_error == "invalid_client" and failed.http_status == 401
    assert not failed.transient and failed.retry_after > 0
    fetched = next(e for e in events if e.kind == "fetched")
    assert fetched.client_id == "svc-basic" and fetched.scope == "api.read"
    assert fetched.expires_at == pytest.approx(t.expires_at)
    assert threading.get_ident() in threads or len(threads) >= 1
    for e in events:
        assert_no_secret(repr(e), clients["svc-basic"]["client_secret"], t.access_token)


def test_event_callback_errors_go_to_unraisablehook(fault, clients, http, monkeypatch):
    seen = []
    monkeypatch.setattr("sys.unraisablehook", lambda u: seen.append(u))

    def bad(ev):
        raise RuntimeError("observer failed")

    with basic_client(fault, clients, http, on_event=bad) as client:
        assert client.token().access_token  # delivery unaffected
        deadline = time.monotonic() + 5
        while not seen and time.monotonic() < deadline:
            time.sleep(0.01)
    assert seen and isinstance(seen[0].exc_value, RuntimeError) and seen[0].object is bad


def test_background_refresh_before_expiry(start_server, clients, http):
    srv = start_server("fault", token_ttl=4)
    events = []
    with m2mauth.OAuth2Client(srv.info["token_endpoint"], "svc-basic", http=http, on_event=events.append,
                              client_secret=clients["svc-basic"]["client_secret"], refresh_margin=2,
                              expiry_skew=0.4) as client:
        first = client.token()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and client.token() is first:
            time.sleep(0.05)
        assert client.token().access_token != first.access_token
        assert "refreshed" in [e.kind for e in events]


def test_token_fast_path_releases_nothing_and_slow_path_releases_the_gil(fault, clients, http):
    """While a token request hangs in one thread, another Python thread keeps running."""
    script(fault, [{"delay_ms": 1500}])
    with basic_client(fault, clients, http) as client:
        counter = [0]
        done = threading.Event()

        def spin():
            while not done.is_set():
                counter[0] += 1

        t = threading.Thread(target=spin)
        t.start()
        try:
            before = counter[0]
            client.token()
            assert counter[0] - before > 1000
        finally:
            done.set()
            t.join(5)


def test_closed_client_and_handles(fault, clients, http):
    from conftest import live_handles
    base = live_handles()
    for _ in range(5):
        c = basic_client(fault, clients, http)
        c.token()
        c.close()
        c.close()
        with pytest.raises(ValueError):
            c.token()
    c = basic_client(fault, clients, http)
    c.token()
    del c
    gc.collect()
    assert live_handles() == base


def test_argument_errors(http):
    with pytest.raises(TypeError):
        m2mauth.OAuth2Client("http://127.0.0.1:1/token", None)
    with pytest.raises(ValueError):
        m2mauth.OAuth2Client("http://127.0.0.1:1/token", "x", auth_method="bogus")
    with pytest.raises(m2mauth.InsecureTransportError):
        m2mauth.OAuth2Client("http://auth.example/token", "x", client_secret="s", http=http).fetch()
    with pytest.raises(TypeError):
        import pickle
        pickle.dumps(m2mauth.Token("secret-token", "Bearer", 1.0, ""))


SHUTDOWN_SCRIPT = r"""
import sys, threading, time
sys.path.insert(0, sys.argv[2])
import m2mauth
events = []
def on_event(ev):
    events.append(ev.kind)
    time.sleep(0.05)  # still inside Python when the interpreter starts to exit
client = m2mauth.OAuth2Client(sys.argv[1], "svc-basic", client_secret=sys.argv[3], on_event=on_event)
client.token()
keep = [client]  # not closed: finalization must stop it
def reader():
    while True:  # every round: an invalidation, a fetch on the manager's thread, events into Python
        try:
            client.invalidate()
            client.token()
        except Exception:
            pass
threading.Thread(target=reader, daemon=True).start()
time.sleep(0.3)
print("exiting", len(events) > 0, flush=True)
"""


def test_interpreter_exit_with_a_live_manager(fault, clients, tmp_path):
    """Exiting while the manager's thread refreshes and calls back into Python: no hang, no crash."""
    import subprocess
    import sys
    script_file = tmp_path / "exit.py"
    script_file.write_text(SHUTDOWN_SCRIPT)
    for _ in range(3):
        proc = subprocess.run([sys.executable, str(script_file), fault.info["token_endpoint"], str(SERVERS_DIR),
                               clients["svc-basic"]["client_secret"]], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert proc.stdout.strip() == "exiting True"
        assert "Fatal" not in proc.stderr and "terminate" not in proc.stderr
