"""asyncio on the completion-callback C API: await client.token_async() and AsyncOAuth2Client against the
fault server on 127.0.0.1 (and a server that never answers): many awaits share one token request, the
loop keeps running while a slow token endpoint answers, cancelling a task cancels the native wait or
transfer, timeouts, and the same exception classes as the blocking calls."""

from __future__ import annotations

import asyncio
import time

import pytest

import m2mauth
import m2mauth.aio
from stall_server import StallServer
from conftest import HAVE_SERVERS, control, fault_client, script, token_requests

pytestmark = pytest.mark.skipif(not HAVE_SERVERS, reason="tests/servers dependencies are not installed")


async def ticking(coro, period: float = 0.01):
    """Runs coro while a ticker task counts; returns (result or exception, ticks, seconds)."""
    ticks = [0]

    async def ticker():
        while True:
            await asyncio.sleep(period)
            ticks[0] += 1

    t = asyncio.ensure_future(ticker())
    start = time.monotonic()
    try:
        result = await coro
    except Exception as e:  # noqa: BLE001  (returned to the test)
        result = e
    elapsed = time.monotonic() - start
    t.cancel()
    return result, ticks[0], elapsed


def test_many_awaits_one_token_request_and_the_loop_keeps_ticking(fault, clients):
    script(fault, [{"delay_ms": 1000}])
    with fault_client(fault, clients) as client:
        async def main():
            return await ticking(asyncio.gather(*(client.token_async() for _ in range(64))))
        tokens, ticks, elapsed = asyncio.run(main())
        assert elapsed >= 0.9
        assert ticks >= 0.5 * elapsed / 0.01, f"the loop stalled: {ticks} ticks in {elapsed:.2f} s"
        assert len({t.access_token for t in tokens}) == 1 and token_requests(fault) == 1
        assert client.token() is tokens[0]  # the async read installed the cached token
        # fresh: returned at once, the same object, no native call
        assert asyncio.run(client.token_async()) is tokens[0]


def test_async_client_request_keeps_the_loop_running(fault, clients):
    script(fault, [{"delay_ms": 1000}])

    async def main():
        async with m2mauth.AsyncOAuth2Client(fault.info["token_endpoint"], "svc-basic",
                                             client_secret=clients["svc-basic"]["client_secret"]) as client:
            r, ticks, elapsed = await ticking(client.request("POST", fault.info["api_url"] + "/v1/items",
                                                             json={"n": 1}))
            return r, ticks, elapsed, client

    r, ticks, elapsed, client = asyncio.run(main())
    assert r.status == 200 and r.json()["body"] == '{"n":1}' and r.json()["client_id"] == "svc-basic"
    assert ticks >= 0.5 * elapsed / 0.01 and elapsed >= 0.9
    assert client.closed


def test_async_request_retries_once_on_401_and_shares_the_cache(fault, clients):
    with fault_client(fault, clients, min_fetch_interval=0) as sync:
        aclient = m2mauth.AsyncOAuth2Client(client=sync)

        async def main():
            first = await aclient.request("GET", fault.info["api_url"] + "/a")
            control(fault, "revoke")
            second = await aclient.request("GET", fault.info["api_url"] + "/b", headers={"X-Trace": "1"})
            return first, second

        first, second = asyncio.run(main())
        assert first.status == 200 and second.status == 200 and second.json()["headers"]["X-Trace"] == "1"
        assert token_requests(fault) == 2
        assert sync.token().access_token == asyncio.run(aclient.token()).access_token
        aclient.close()  # not its client: still open
        assert not sync.closed


class Recorder(m2mauth.aio._Settle):
    """_Settle that records when the library completed the call, and with what."""

    calls: list = []
    __slots__ = ()

    def __call__(self, result, error):
        Recorder.calls.append((time.monotonic(), result, error))
        super().__call__(result, error)


def test_cancelling_the_task_cancels_the_native_wait(fault, clients, monkeypatch):
    monkeypatch.setattr(m2mauth.aio, "_Settle", Recorder)
    Recorder.calls = []
    script(fault, [{"hang": True}])
    with fault_client(fault, clients) as client:
        async def main():
            task = asyncio.ensure_future(client.token_async())
            await asyncio.sleep(0.3)
            assert not task.done()
            cancelled_at = time.monotonic()
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            return cancelled_at

        cancelled_at = asyncio.run(main())
        deadline = time.monotonic() + 2
        while not Recorder.calls and time.monotonic() < deadline:
            time.sleep(0.01)
        assert Recorder.calls, "the native wait was not ended by the cancel"
        at, result, error = Recorder.calls[0]
        assert result is None and isinstance(error, m2mauth.CancelledError) and at - cancelled_at < 1.0


def test_cancelling_the_task_aborts_the_native_transfer():
    api = StallServer(access_token="silent-token")
    try:
        async def main():
            async with m2mauth.AsyncOAuth2Client(api.url("/token"), "svc", client_secret="s" * 32) as client:
                task = asyncio.ensure_future(client.request("GET", api.url("/api/slow")))
                while api.stalled == 0:
                    await asyncio.sleep(0.01)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
                return await asyncio.wait_for(client.token(), 5)

        assert asyncio.run(main()).access_token == "silent-token"
        assert api.hung_up.wait(2), "the transfer went on after the task was cancelled"
    finally:
        api.close()


def test_wait_for_timeout_and_the_call_timeout(fault, clients):
    script(fault, [{"hang": True, "max_s": 5}])
    with fault_client(fault, clients) as client:
        async def main():
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.token_async(), 0.3)
            start = time.monotonic()
            with pytest.raises(m2mauth.NetworkTimeoutError):
                await client.token_async(timeout=0.3)
            return time.monotonic() - start

        assert asyncio.run(main()) < 2.0


def sync_and_async_errors(sync_call, async_call):
    with pytest.raises(m2mauth.Error) as sync_exc:
        sync_call()
    with pytest.raises(m2mauth.Error) as async_exc:
        asyncio.run(async_call())
    return sync_exc.value, async_exc.value


def same_error(a, b):
    assert type(a) is type(b), (a, b)
    assert (a.code, a.name, a.http_status, a.transient) == (b.code, b.name, b.http_status, b.transient)


@pytest.mark.parametrize("step", [{"error": "invalid_client", "status": 401}, {"status": 503},
                                  {"body": "not json", "content_type": "application/json"}])
def test_token_errors_are_the_sync_classes(fault, clients, step):
    script(fault, [step, step])  # one failure for each client; a transient one is retried after 1 s, past the wait
    with fault_client(fault, clients, wait_timeout=0.5) as a, fault_client(fault, clients, wait_timeout=0.5) as b:
        sync_exc, async_exc = sync_and_async_errors(a.token, b.token_async)
        same_error(sync_exc, async_exc)
        if isinstance(sync_exc, m2mauth.OAuthError):
            assert async_exc.error == sync_exc.error == "invalid_client"


def test_request_errors_are_the_sync_classes(fault, clients):
    with fault_client(fault, clients) as client:
        aclient = m2mauth.AsyncOAuth2Client(client=client)
        same_error(*sync_and_async_errors(lambda: client.request("GET", "http://api.example.com/v1"),
                                          lambda: aclient.request("GET", "http://api.example.com/v1")))
        script(fault, [{"hang": True, "max_s": 5}])
        client.invalidate()
        same_error(*sync_and_async_errors(lambda: client.request("GET", fault.info["api_url"], timeout=0.3),
                                          lambda: aclient.request("GET", fault.info["api_url"], timeout=0.3)))


def test_closing_the_client_ends_pending_awaits_with_cancelled(fault, clients):
    script(fault, [{"hang": True, "max_s": 5}])
    client = fault_client(fault, clients)

    async def main():
        tasks = [asyncio.ensure_future(client.token_async()) for _ in range(8)]
        await asyncio.sleep(0.3)
        client.close()
        return await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 5)

    results = asyncio.run(main())
    assert all(isinstance(r, m2mauth.CancelledError) for r in results), results
    with pytest.raises(ValueError):
        asyncio.run(client.token_async())


def test_a_closed_loop_and_an_abandoned_await_are_harmless(fault, clients):
    script(fault, [{"delay_ms": 500}])
    with fault_client(fault, clients) as client:
        loop = asyncio.new_event_loop()
        task = loop.create_task(client.token_async())
        loop.run_until_complete(asyncio.sleep(0.05))
        loop.close()  # the completion comes later and finds the loop closed
        time.sleep(1.0)
        assert not task.done()
        assert client.token().access_token  # the token the abandoned call fetched


def test_every_completion_releases_its_payload(fault, clients):
    """Each native call holds the done callable and the Token class until the library releases its
    payload: after many calls (each one native: cache-hit events forbid reusing the cached object) and
    their failures, no _Settle object is left and the Token class has its references back."""
    import gc
    import sys
    with fault_client(fault, clients, report_cache_hits=True) as client:
        aclient = m2mauth.AsyncOAuth2Client(client=client)
        client.token()
        gc.collect()
        token_class = m2mauth.Token
        base = sys.getrefcount(token_class)

        async def main():
            await asyncio.gather(*(client.token_async() for _ in range(200)))
            await asyncio.gather(*(aclient.request("GET", fault.info["api_url"] + "/x") for _ in range(20)))
            for _ in range(20):
                with pytest.raises(m2mauth.InsecureTransportError):
                    await aclient.request("GET", "http://api.example.com/")

        asyncio.run(main())
        deadline = time.monotonic() + 5
        while True:
            gc.collect()
            settles = sum(1 for o in gc.get_objects() if isinstance(o, m2mauth.aio._Settle))
            references = sys.getrefcount(token_class)
            if (settles == 0 and references == base) or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert (settles, references) == (0, base)


def test_token_for_async_another_key_with_its_granted_scope(fault, clients):
    """token_for_async (m2mauth_token_manager_get_for_async): many awaits of one key share one token request,
    the key's token is not the configured one's, and a cancelled task ends its native wait."""
    script(fault, [{"delay_ms": 500}])
    with fault_client(fault, clients) as client:
        configured = client.token()

        async def main():
            return await ticking(asyncio.gather(*(client.token_for_async("api.other") for _ in range(16))))
        tokens, ticks, elapsed = asyncio.run(main())
        assert ticks >= 0.5 * elapsed / 0.01, f"the loop stalled: {ticks} ticks in {elapsed:.2f} s"
        assert len({t.access_token for t in tokens}) == 1
        other = tokens[0]
        assert other.access_token != configured.access_token and other.scope == "api.other"
        assert client.token() is configured  # the configured key's cached token is untouched
        assert client.token_for("api.other").access_token == other.access_token  # one cache, both forms
        assert asyncio.run(m2mauth.AsyncOAuth2Client(client=client).token_for("api.other")).access_token \
            == other.access_token
        with pytest.raises(ValueError):
            asyncio.run(client.token_for_async("a\0b"))

        script(fault, [{"hang": True, "max_s": 5}])

        async def cancelled():
            task = asyncio.ensure_future(client.token_for_async("api.hanging"))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            start = time.monotonic()
            with pytest.raises(m2mauth.NetworkTimeoutError):
                await client.token_for_async("api.late", timeout=0.3)
            return time.monotonic() - start
        assert asyncio.run(cancelled()) < 3
