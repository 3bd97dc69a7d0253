"""OAuth2Client.stats() (issue 15): real token requests against the fault server, counted by the library."""

from __future__ import annotations

import threading

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
