"""OAuth2Client.stats() (issue 15): real token requests against the fault server, counted by the library."""

from __future__ import annotations

import threading
import time

import pytest

import m2mauth
from conftest import HAVE_SERVERS, assert_no_secret, control, fault_client, script

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="loopback servers not available")


def test_stats_count_a_transient_failure_a_fetch_and_hits_on_threads(fault, clients):
    control(fault, "reset")
    script(fault, [{"status": 503}])
    with fault_client(fault, clients, min_fetch_interval=0, backoff_base=0.001, backoff_max=0.05) as client:
        empty = client.stats()
        assert isinstance(empty, m2mauth.TokenStats)
        assert (empty.has_token, empty.source, empty.requests, empty.expires_at) == (False, "none", 0, None)

        token = client.token()  # waits through the 503 and the retry
        s = client.stats()
        assert (s.requests_ok, s.requests_transient, s.requests_permanent) == (1, 1, 0)
        assert s.waits == 1 and s.wait_time_total >= 0
        assert sum(s.refresh_latency) == 2 and len(s.refresh_latency) == len(m2mauth.stats.LATENCY_BOUNDS) + 1
        assert s.has_token and s.source == "fetched"
        assert s.expires_at == pytest.approx(token.expires_at, abs=0.002)
        assert 0 < s.expires_in <= 3600
        assert (s.last_error_category, s.last_http_status) == ("http", 503)

        # Python's token() serves its own copy while fresh: the library counts the reads that reach it.
        before = s.cache_hits
        threads = [threading.Thread(target=lambda: [client.token_for(None) for _ in range(50)]) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = client.stats()
        assert after.requests_ok == 1
        assert after.cache_hits == before + 150  # the first read on each thread takes the locked path, a hit too


def test_stats_count_the_reads_token_serves_without_the_library(fault, clients):
    # token() returns its own Token object again while it is fresh, without calling the library; it
    # counts those reads in the reuse-hit counter the view gives, which the library sums into cache_hits (and
    # the cache-hits metric).
    control(fault, "reset")
    with fault_client(fault, clients, min_fetch_interval=0) as client:
        client.token()  # the fetch: a wait, not a hit
        before = client.stats()
        assert before.requests_ok == 1
        for _ in range(1000):
            client.token()
        s = client.stats()
        assert s.cache_hits == before.cache_hits + 1000
        assert s.requests_ok == 1

        def reads() -> None:
            for _ in range(500):
                client.token()

        threads = [threading.Thread(target=reads) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = client.stats()
        assert after.cache_hits == s.cache_hits + 2000
        assert client.stats_all()[0].cache_hits == after.cache_hits


def test_stats_of_another_key_and_a_permanent_failure(fault, clients):
    control(fault, "reset")
    with fault_client(fault, clients, min_fetch_interval=0, permanent_backoff=0) as client:
        with pytest.raises(m2mauth.NotFoundError):
            client.stats("read", resource="https://api.example/")
        script(fault, [{"status": 400, "error": "invalid_scope"}])
        with pytest.raises(m2mauth.OAuthError):
            client.token_for("read", resource="https://api.example/")
        s = client.stats("read", resource="https://api.example/")
        assert (s.requests_permanent, s.requests_ok, s.has_token) == (1, 0, False)
        assert (s.last_oauth_error, s.last_http_status, s.last_error_category) == ("invalid_scope", 400,
                                                                                    "oauth_refusal")
        token = client.token_for("read", resource="https://api.example/")
        for _ in range(10):
            client.token_for("read", resource="https://api.example/")
        s = client.stats("read", resource="https://api.example/")
        assert s.requests_ok == 1 and s.source == "fetched" and s.cache_hits >= 10
        assert client.stats().requests == 0  # the configured key saw none of it

        every = client.stats_all()
        assert [k.scope for k in every] == [None, "read"]
        assert every[1].resources == ("https://api.example/",) and every[1].last_oauth_error == "invalid_scope"
        text = repr(every) + repr(s)
        assert_no_secret(text, clients["svc-basic"]["client_secret"], token.access_token)


# ---- clocks that disagree ------------------------------------------------------------------------

def _assertion_claims(fault) -> dict:
    import base64
    import json
    form = control(fault, "stats")["last_token_request"]["form"]
    payload = form["client_assertion"].split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


@pytest.mark.parametrize("skew", [None, 0, 30])
def test_client_assertions_are_backdated_by_the_clock_skew(fault, clients, skew):
    control(fault, "reset")
    kw = {} if skew is None else {"assertion_clock_skew": skew}
    with m2mauth.OAuth2Client(fault.info["token_endpoint"], "svc-jwt", client_secret=clients["svc-jwt"]["client_secret"],
                              auth_method="client_secret_jwt", assertion_lifetime=60,
                              http=m2mauth.Http(timeout=10), **kw) as client:
        before = int(time.time())
        client.fetch()
        after = int(time.time())
    claims = _assertion_claims(fault)
    back = 5 if skew is None else skew  # the default: 5 s
    assert before - back <= claims["iat"] <= after - back
    assert claims["nbf"] == claims["iat"]
    assert before + 60 <= claims["exp"] <= after + 60  # exp counts from the real time


def test_an_assertion_clock_skew_out_of_range_is_refused(fault, clients):
    with pytest.raises(m2mauth.InvalidArgumentError):
        m2mauth.OAuth2Client(fault.info["token_endpoint"], "svc-jwt", client_secret=clients["svc-jwt"]["client_secret"],
                             auth_method="client_secret_jwt", assertion_clock_skew=301)


@pytest.mark.parametrize("offset", [-300, 600])
def test_the_server_clock_offset_is_in_the_stats_and_an_event(fault, clients, offset):
    control(fault, "reset")
    events = []
    with fault_client(fault, clients, min_fetch_interval=0, on_event=events.append) as client:
        assert client.stats().clock_offset is None
        script(fault, [{"jwt": True, "clock_offset_s": offset, "jwt_lifetime_s": 300}])
        token = client.token()
        s = client.stats()
        assert s.clock_offset == pytest.approx(offset, abs=2)
        # the JWT's exp, on this client's clock: 300 s from now whichever way the server's clock is off
        assert token.expires_at == pytest.approx(time.time() + 300, abs=3)
        deadline = time.monotonic() + 2
        while not any(e.kind == "clock_offset" for e in events) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert any(e.kind == "clock_offset" for e in events)
