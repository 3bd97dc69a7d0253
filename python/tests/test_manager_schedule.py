"""The token manager's schedule against a hostile token endpoint (the fault server): lifetimes under
the floor, transient failures on a cold start, Retry-After of an hour, permanent errors. The same rules
as tests/oauth2/manager_schedule_test.cpp, seen from Python."""
import threading
import time

import m2mauth
import pytest

from conftest import control, fault_client, script, token_requests




@pytest.mark.parametrize("lifetime", [0.4, 0, -5])
def test_short_lifetime_one_request_per_floor(fault, clients, lifetime):
    script(fault, [{"expires_in": lifetime}] * 60)
    served, refused, unexpected = [], [], []
    with fault_client(fault, clients, min_fetch_interval=0.25, wait_timeout=2) as client:
        start = time.monotonic()
        end = start + 1.2

        def reader():
            while time.monotonic() < end:
                try:
                    served.append(client.token().access_token)
                except m2mauth.ProtocolError:
                    refused.append(1)  # a lifetime the library refuses: reported, not retried in a loop
                except Exception as e:  # noqa: BLE001 - collected and asserted below
                    unexpected.append(repr(e))

        threads = [threading.Thread(target=reader) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
    assert not unexpected
    assert served or refused
    # ~1.2 s with a 0.25 s floor: a handful of requests, not dozens.
    requests = token_requests(fault)
    assert requests <= int(elapsed / 0.25) + 1
    # A token that expires as it arrives goes to the threads that waited for it, once each: never to
    # thousands of later reads.
    assert len(served) <= 4 * requests


def test_cold_start_survives_transient_failures(fault, clients):
    script(fault, [{"status": 503}, {"reset": True}])
    with fault_client(fault, clients, min_fetch_interval=0, backoff_base=0.1, wait_timeout=5) as client:
        t0 = time.monotonic()
        assert client.token().access_token
        assert time.monotonic() - t0 < 3
    assert token_requests(fault) == 3


def test_permanent_error_returns_at_once_after_one_request(fault, clients):
    script(fault, [{"error": "invalid_client", "status": 401}])
    with fault_client(fault, clients, wait_timeout=5) as client:
        t0 = time.monotonic()
        with pytest.raises(m2mauth.OAuthError) as exc:
            client.token()
        assert time.monotonic() - t0 < 2
        assert not exc.value.transient
    assert token_requests(fault) == 1


def test_retry_after_is_capped_by_backoff_max(fault, clients):
    script(fault, [{"status": 503, "retry_after": 3600}])
    with fault_client(fault, clients, min_fetch_interval=0, backoff_max=0.3, backoff_base=0.1, wait_timeout=5) as client:
        t0 = time.monotonic()
        assert client.token().access_token  # retried after 0.3 s, not an hour
        assert time.monotonic() - t0 < 3
    assert token_requests(fault) == 2


def test_short_wait_gets_the_failure_with_its_retry_after(fault, clients):
    script(fault, [{"status": 503, "retry_after": 30}])
    with fault_client(fault, clients, backoff_max=60, wait_timeout=0.3) as client:
        with pytest.raises(m2mauth.HTTPError) as exc:
            client.token()
        assert exc.value.transient and exc.value.retry_after >= 29
    assert token_requests(fault) == 1


def test_wait_timeout_zero_is_no_limit(fault, clients):
    script(fault, [{"delay_ms": 600}])
    with fault_client(fault, clients, wait_timeout=0) as client:
        assert client.token().access_token
        assert m2mauth.describe_manager_options(wait_timeout=0)["wait_timeout_ms"] == 0
