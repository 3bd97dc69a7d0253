"""Cancelling a managed request stops the native call: a loopback server answers token requests and
never answers anything else; the request returns CancelledError right after the cancel."""
import threading
import time

import pytest

import m2mauth
from stall_server import StallServer


@pytest.fixture
def server():
    s = StallServer()
    yield s
    s.close()


def test_cancel_stops_a_managed_request(server):
    with m2mauth.OAuth2Client(server.url("/token"), "svc", client_secret="s3cret") as client:
        client.token()
        runs = []
        for _ in range(3):
            cancel = m2mauth.Cancel()
            at = []
            timer = threading.Timer(0.05, lambda: (at.append(time.monotonic()), cancel.cancel()))
            timer.start()
            with pytest.raises(m2mauth.CancelledError):
                client.request("GET", server.url("/api/stall"), cancel=cancel)
            runs.append(time.monotonic() - at[0])
            timer.join()
            assert cancel.cancelled
        runs.sort()
        assert runs[1] < 0.25, runs  # 100 ms asked for; margin for loaded machines


def test_timeout_bounds_a_managed_request(server):
    with m2mauth.OAuth2Client(server.url("/token"), "svc", client_secret="s3cret") as client:
        start = time.monotonic()
        with pytest.raises(m2mauth.NetworkTimeoutError):
            client.request("GET", server.url("/api/stall"), timeout=0.15)
        assert 0.1 < time.monotonic() - start < 2.0
        with pytest.raises(ValueError):
            client.request("GET", server.url("/api/stall"), timeout=0)


def test_token_for_another_key(server):
    with m2mauth.OAuth2Client(server.url("/token"), "svc", client_secret="s3cret", scope="api.read") as client:
        first = client.token()
        assert (first.access_token, first.token_type, first.scope) == ("tok-1", "Bearer", "api.read")
        other = client.token_for("api.write")
        assert (other.access_token, other.token_type, other.scope) == ("tok-2", "Bearer", "api.write")
        assert other.expires_at > time.time() + 3000
        assert client.token_for(["api.write"]).access_token == "tok-2"  # cached for that key
        assert client.token_for("api.write", audience="https://api").access_token == "tok-3"  # a key of its own
        assert client.token_for(resource="https://res", timeout=5).access_token == "tok-4"
        assert client.token() is first
        assert server.tokens == 4
        assert "tok-2" not in repr(other)
        with pytest.raises(ValueError):
            client.token_for("a\0b")
        with pytest.raises(ValueError):
            client.token_for("x", timeout=0)

        # A key whose token endpoint never answers: a cancel or a timeout ends the native wait.
        server.stall_tokens = True
        cancel = m2mauth.Cancel()
        at = []
        timer = threading.Timer(0.05, lambda: (at.append(time.monotonic()), cancel.cancel()))
        timer.start()
        with pytest.raises(m2mauth.CancelledError):
            client.token_for("api.admin", cancel=cancel)
        assert time.monotonic() - at[0] < 0.25
        timer.join()
        start = time.monotonic()
        with pytest.raises(m2mauth.NetworkTimeoutError):
            client.token_for("api.other", timeout=0.15)
        assert 0.1 < time.monotonic() - start < 2.0
    with pytest.raises(ValueError):
        client.token_for("api.write")


def _cancel_after(seconds):
    """A Cancel requested from a timer thread after seconds; returns (cancel, timer, times requested)."""
    cancel = m2mauth.Cancel()
    at = []
    timer = threading.Timer(seconds, lambda: (at.append(time.monotonic()), cancel.cancel()))
    timer.start()
    return cancel, timer, at


def test_http_send_is_bounded_and_cancellable(server):
    http = m2mauth.Http(allow_plain_http=True)
    start = time.monotonic()
    with pytest.raises(m2mauth.NetworkTimeoutError):
        http.send("GET", server.url("/api/stall"), timeout=0.15)
    assert 0.1 < time.monotonic() - start < 2.0
    cancel, timer, at = _cancel_after(0.05)
    with pytest.raises(m2mauth.CancelledError):
        http.send("GET", server.url("/api/stall"), cancel=cancel)
    assert time.monotonic() - at[0] < 0.5
    timer.join()
    assert server.hung_up.wait(2)  # the transfer itself was stopped, not only the wait
    with pytest.raises(ValueError):
        http.send("GET", server.url("/api/stall"), timeout=-1)


@pytest.mark.parametrize("call", ["credential", "info", "ssh_key", "applications", "call"])
def test_a2a_calls_are_bounded_and_cancellable(server, call):
    """Every A2A call takes timeout= and cancel= (m2mauth_a2a_*_with), like the C, C++, Java and Go APIs."""
    client = m2mauth.senhasegura.A2AClient(server.url(""), auth="query", consumer_key="ck", token="tk",
                               http=m2mauth.Http(allow_plain_http=True))
    run = {
        "credential": lambda **kw: client.credential("5", **kw),
        "info": lambda **kw: client.info("10", **kw),
        "ssh_key": lambda **kw: client.ssh_key("7", **kw),
        "applications": lambda **kw: client.applications(**kw),
        "call": lambda **kw: client.call("GET", "pam/device/1", **kw),
    }[call]
    start = time.monotonic()
    with pytest.raises(m2mauth.NetworkTimeoutError):
        run(timeout=0.15)
    assert 0.1 < time.monotonic() - start < 2.0
    cancel, timer, at = _cancel_after(0.05)
    with pytest.raises(m2mauth.CancelledError):
        run(cancel=cancel)
    assert time.monotonic() - at[0] < 0.5
    timer.join()
    client.close()
