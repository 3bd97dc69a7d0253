"""Token events on the standard logging logger "m2mauth", against the fault server on 127.0.0.1:
fetched / refreshed / invalidated at DEBUG, failed at WARNING with its category, never a secret, the
user callback alongside, and nothing formatted (or called at all) on the cached read path."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time

import pytest

import m2mauth
from conftest import HAVE_SERVERS, SERVERS_DIR, control, fault_client, script, token_requests

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")


def wait_until(predicate, timeout: float = 5.0) -> bool:
    """Events come from the manager's thread, after the waiting caller is woken: bounded polling."""
    deadline = time.monotonic() + timeout
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.01)
    return predicate()


def ours(caplog, logger: str = "m2mauth") -> list:
    return [r for r in caplog.records if r.name == logger]


def kinds(caplog) -> list:
    return [r.m2mauth_event.kind for r in ours(caplog)]


def every_text(caplog) -> str:
    """Everything a handler could show of our records: message, arguments and every attribute."""
    parts = [caplog.text]
    for r in ours(caplog):
        parts += [r.getMessage(), repr(r.args), repr(vars(r)), repr(r.m2mauth_event)]
        parts += [str(getattr(r.m2mauth_event, name)) for name in r.m2mauth_event.__slots__]
    return "\n".join(parts)


def test_fetched_refreshed_invalidated_at_debug(fault, clients, caplog):
    caplog.set_level(logging.DEBUG, logger="m2mauth")
    with fault_client(fault, clients, scope="api.read", min_fetch_interval=0) as client:
        first = client.token()
        client.invalidate(first)
        second = client.token()
        assert wait_until(lambda: sorted(kinds(caplog)) == ["fetched", "invalidated", "refreshed"]), kinds(caplog)
    records = {r.m2mauth_event.kind: r for r in ours(caplog)}
    assert all(r.levelno == logging.DEBUG for r in records.values())
    fetched = records["fetched"].getMessage()
    assert fetched.startswith("m2mauth: token fetched for client 'svc-basic' scope 'api.read', expires in 3")
    assert records["refreshed"].getMessage().startswith("m2mauth: token refreshed for client 'svc-basic'")
    assert records["invalidated"].getMessage() == "m2mauth: token invalidated for client 'svc-basic' scope 'api.read'"
    assert records["fetched"].m2mauth_event.expires_at == pytest.approx(first.expires_at)
    text = every_text(caplog)
    for secret in (first.access_token, second.access_token, clients["svc-basic"]["client_secret"]):
        assert secret not in text


@pytest.mark.parametrize("step,expected", [
    ({"error": "invalid_client", "status": 401},
     "permanent oauth error (-45), HTTP 401, OAuth error 'invalid_client'; next attempt in "),
    ({"status": 503, "retry_after": 2}, "transient http error (-44), HTTP 503; next attempt in 2.0 s"),
    ({"reset": True}, "transient network error (-40); next attempt in "),
])
def test_failed_at_warning_with_its_category(fault, clients, caplog, step, expected):
    caplog.set_level(logging.DEBUG, logger="m2mauth")
    script(fault, [step])
    with fault_client(fault, clients, wait_timeout=0.5) as client:  # no waiting for the retry of a transient one
        with pytest.raises(m2mauth.Error):
            client.token()
        assert wait_until(lambda: "failed" in kinds(caplog))
    failed = [r for r in ours(caplog) if r.m2mauth_event.kind == "failed"][0]
    assert failed.levelno == logging.WARNING
    message = failed.getMessage()
    assert message.startswith("m2mauth: token request failed for client 'svc-basic': " + expected), message


@pytest.mark.parametrize("client_id", ["svc-basic", "svc-rs256"])
def test_a_server_echoing_credentials_never_reaches_the_log(fault, clients, caplog, client_id):
    caplog.set_level(logging.DEBUG, logger="m2mauth")
    echo = "$ASSERTION" if client_id == "svc-rs256" else "$CLIENT_SECRET"
    script(fault, [{"status": 400, "error": f"invalid_client {echo}",
                    "error_description": f"bad {echo} / $AUTHORIZATION / $FORM"}])
    c = clients[client_id]
    credential = {"private_key": m2mauth.Key.from_file(SERVERS_DIR / c["private_key"])} if client_id == "svc-rs256" \
        else {"client_secret": c["client_secret"]}
    with m2mauth.OAuth2Client(fault.info["token_endpoint"], client_id, http=m2mauth.Http(timeout=10),
                              **credential) as client:
        with pytest.raises(m2mauth.OAuthError):
            client.token()
        assert wait_until(lambda: "failed" in kinds(caplog))
    sent = control(fault, "stats")["last_token_request"]
    secret = sent["form"]["client_assertion"] if client_id == "svc-rs256" else c["client_secret"]
    text = every_text(caplog)
    assert "invalid_client" in text
    assert secret not in text and secret[len(secret) // 2:] not in text


def test_a_user_callback_does_not_silence_logging(fault, clients, caplog):
    caplog.set_level(logging.DEBUG, logger="m2mauth")
    events = []
    with fault_client(fault, clients, on_event=events.append) as client:
        client.token()
        assert wait_until(lambda: kinds(caplog) == ["fetched"] and [e.kind for e in events] == ["fetched"])
        client.on_event = None  # logging goes on without the callback
        client.invalidate()
        assert wait_until(lambda: kinds(caplog) == ["fetched", "invalidated"])
    assert [e.kind for e in events] == ["fetched"]


def test_logger_none_or_another_logger(fault, clients, caplog):
    caplog.set_level(logging.DEBUG)
    with fault_client(fault, clients, logger=None) as quiet, \
            fault_client(fault, clients, logger=logging.getLogger("app.tokens")) as other:
        assert quiet.logger is None and other.logger.name == "app.tokens"
        quiet.token()
        other.token()
        assert wait_until(lambda: len(ours(caplog, "app.tokens")) == 1)
    assert ours(caplog) == [] and ours(caplog, "app.tokens")[0].m2mauth_event.kind == "fetched"


class CountingLogger:
    """A logger whose every level is off; counts the checks and fails the test if anything is logged."""

    def __init__(self):
        self.checks = 0
        self.logged = 0

    def isEnabledFor(self, level):  # noqa: N802  (logging's name)
        self.checks += 1
        return False

    def log(self, *args, **kwargs):
        self.logged += 1


def test_cached_reads_never_log_and_a_disabled_logger_formats_nothing(fault, clients, caplog):
    caplog.set_level(logging.DEBUG, logger="m2mauth")
    logger = CountingLogger()
    with fault_client(fault, clients, logger=logger, report_cache_hits=True) as counted, \
            fault_client(fault, clients, report_cache_hits=True) as logged:
        counted.token()
        logged.token()
        assert wait_until(lambda: logger.checks == 1 and kinds(caplog) == ["fetched"])
        for _ in range(2000):  # each one a cache_hit event in the library
            counted.token()
            logged.token()
        time.sleep(0.2)
    assert logger.checks == 1 and logger.logged == 0
    assert kinds(caplog) == ["fetched"]


def test_on_by_default_warnings_reach_stderr_without_any_logging_setup(fault, clients):
    """A program that configures nothing sees a failed token request on stderr (logging's last-resort
    handler prints WARNING and above), never the DEBUG events, never the secret."""
    secret = clients["svc-basic"]["client_secret"]
    script(fault, [{"status": 400, "error": "invalid_client", "error_description": "bad $CLIENT_SECRET"}])
    program = (
        "import sys, m2mauth\n"
        "c = m2mauth.OAuth2Client(sys.argv[1], 'svc-basic', client_secret=sys.argv[2])\n"
        "try:\n    c.token()\nexcept m2mauth.OAuthError:\n    pass\n"
        "import time; time.sleep(0.5)\n"  # the event comes from the manager's thread
        "c.invalidate(); c.close()\n"
    )
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-c", program, fault.info["token_endpoint"], secret],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "m2mauth: token request failed for client 'svc-basic': permanent oauth error (-45), HTTP 400, " \
           "OAuth error 'invalid_client'" in proc.stderr
    assert "invalidated" not in proc.stderr and secret not in proc.stderr


def test_the_last_reference_dropped_inside_an_event_callback(fault, clients):
    """A callback (logging handler or on_event) that releases the last reference to its client runs on the
    manager's own thread (here the background refresh), which cannot free the manager (it would join
    itself): the client is stopped and freed on a thread of its own; the autouse leak check sees its
    native handle released."""
    holder, dropped = [], []

    def on_event(ev):
        if ev.kind == "refreshed" and holder:
            holder.pop()
            dropped.append(threading.get_ident())

    script(fault, [{"expires_in": 4}])  # due 2 s before expiry: a read then starts the refresh on the manager's thread
    holder.append(fault_client(fault, clients, on_event=on_event, refresh_margin=2, expiry_skew=0.4))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            holder[0].token()  # the reference this call holds is gone before the sleep
        except IndexError:
            break
        time.sleep(0.05)
    assert wait_until(lambda: len(dropped) == 1)
    assert dropped[0] != threading.get_ident()


def test_close_during_a_fetch_logs_at_debug_and_zero_lifetime_says_expired(fault, clients, caplog):
    """Closing the client while its background refresh hangs cancels that refresh: a failure the
    application caused, at DEBUG (as in Java and Go), never a WARNING. (A caller waiting in token()
    keeps the client alive until its wait ends, as in Java and Go.) A token issued with expires_in 0 is
    logged as "already expired", never "expires in -0 s"."""
    caplog.set_level(logging.DEBUG, logger="m2mauth")
    script(fault, [{"expires_in": 4}, {"hang": True, "max_s": 20}])
    client = fault_client(fault, clients, refresh_margin=3.5, min_fetch_interval=0)
    client.token()
    # Reads after refresh_at (half the lifetime) start the one refresh; the server hangs on it.
    assert wait_until(lambda: client.token() is not None and token_requests(fault) >= 2, 6)
    started = time.monotonic()
    client.close()
    assert time.monotonic() - started < 2  # the transfer was cancelled, not waited for
    assert wait_until(lambda: "failed" in kinds(caplog)), kinds(caplog)
    failed = [r for r in ours(caplog) if r.m2mauth_event.kind == "failed"]
    assert failed and all(r.m2mauth_event.error == "cancelled" and r.levelno == logging.DEBUG for r in failed)

    caplog.clear()
    script(fault, [{"expires_in": 0}])
    with fault_client(fault, clients, wait_timeout=2) as client:
        client.token()
        assert wait_until(lambda: "fetched" in kinds(caplog))
    message = [r for r in ours(caplog) if r.m2mauth_event.kind == "fetched"][0].getMessage()
    assert message.endswith("already expired") and "-0" not in message, message
