"""OAuth2Client.token() returns the token object it returned before, with no call into the library, while
the library's view says it is fresh and the key's generation counter is unchanged: what changes the token
(an invalidation from another thread, a refresh) is seen by the very next call."""
import threading
import time

import m2mauth

from conftest import control, fault_client, script, token_requests




def test_invalidate_from_another_thread_is_seen_at_once(fault, clients):
    script(fault, [])
    with fault_client(fault, clients, min_fetch_interval=0) as client:
        first = client.token()
        assert client.token() is first
        t = threading.Thread(target=client.invalidate, args=(first,))
        t.start()
        t.join(10)
        second = client.token()
        assert second.access_token != first.access_token
        assert client.token() is second


def test_a_refresh_is_picked_up(fault, clients):
    script(fault, [{"expires_in": 4}])
    refreshed = threading.Event()

    def on_event(e):
        if e.kind == "refreshed":
            refreshed.set()

    with fault_client(fault, clients, refresh_fraction=0.1, refresh_margin=0, expiry_skew=0, jitter=0,
                    min_fetch_interval=0, on_event=on_event) as client:
        first = client.token()
        deadline = time.monotonic() + 10
        while not refreshed.is_set():
            assert time.monotonic() < deadline, "no refresh within 10 s"
            client.token()  # from the snapshot until the refresh is due, which a library read then starts
            time.sleep(0.001)
        assert client.token().access_token != first.access_token


def test_cache_hit_events_mean_every_read_reaches_the_library(fault, clients):
    script(fault, [])
    events = []
    with fault_client(fault, clients, report_cache_hits=True, on_event=events.append) as client:
        for _ in range(50):
            client.token()
        deadline = time.monotonic() + 5
        while sum(e.kind == "cache_hit" for e in events) < 49 and time.monotonic() < deadline:
            time.sleep(0.005)
    assert sum(e.kind == "cache_hit" for e in events) >= 49


def test_a_zero_lifetime_token_is_never_reused(fault, clients):
    script(fault, [{"expires_in": 0}] * 10)
    with fault_client(fault, clients, min_fetch_interval=0, expiry_skew=0, wait_timeout=2) as client:
        seen = set()
        for _ in range(3):
            before = token_requests(fault)
            try:
                token = client.token().access_token
            except m2mauth.ProtocolError:
                continue  # a lifetime the library refuses: never served at all
            assert token not in seen
            assert token_requests(fault) > before
            seen.add(token)


def test_a_token_stale_on_arrival_costs_one_request_per_call(fault, clients):
    # A lifetime under the min_fetch_interval floor: the token goes to the call that waited for it. The
    # call reads the library once, so it costs exactly one token request (a second read would wait for,
    # and make, another).
    script(fault, [{"expires_in": 0}] * 6)
    with fault_client(fault, clients, min_fetch_interval=0.3, wait_timeout=5) as client:
        for _ in range(3):
            before = token_requests(fault)
            client.token()
            assert token_requests(fault) == before + 1
