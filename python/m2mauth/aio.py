"""asyncio: ``await client.token_async()`` and :class:`AsyncOAuth2Client`, on the completion-callback
form of the C API (``m2mauth_token_manager_get_async``, ``m2mauth_token_manager_request_async``).

No call blocks the event loop and no thread is parked per waiting task: the library completes each
call on its own thread (or at once, on the calling one, when the outcome is known: a fresh token, an
error still backing off), which hands the outcome to the loop with ``loop.call_soon_threadsafe``.
Cancelling the awaiting task (``task.cancel()``, ``asyncio.wait_for``, ``asyncio.timeout``) cancels
the native call at once (``m2mauth_cancel``): the wait for a token ends, a transfer in progress is
aborted. A token request shared with other callers goes on for them. Errors are the exceptions the
blocking calls raise (:class:`m2mauth.OAuthError`, :class:`m2mauth.NetworkTimeoutError`, ...); closing the
client completes its pending calls with :class:`m2mauth.CancelledError`.

::

    async with m2mauth.AsyncOAuth2Client(token_url, "svc", client_secret=secret) as client:
        r = await client.request("GET", "https://api.example/v1/accounts")
        token = await client.token()

``asyncio`` itself is imported on first use, not with ``m2mauth``.
"""

from __future__ import annotations

from typing import Any, MutableMapping, Optional, Sequence, Union

from .http import BodyArg, HeadersArg, Response
from .oauth2 import Cancel, OAuth2Client, Token, _request_args, _timeout_ms

__all__ = ["AsyncOAuth2Client", "token_async", "token_for_async"]


class _Settle:
    """``done(result, error)`` for one native call, called once on the thread that completes it (the GIL
    held): passes the outcome to the loop's thread, then lets go of the loop and the future, so nothing of
    the caller's is released on the library's thread."""

    __slots__ = ("_loop", "_future")

    def __init__(self, loop: Any, future: Any) -> None:
        self._loop = loop
        self._future = future

    def __call__(self, result: Any, error: Optional[BaseException]) -> None:
        loop, future = self._loop, self._future
        self._loop = self._future = None
        if loop is None:
            return
        try:
            loop.call_soon_threadsafe(_resolve, future, result, error)
        except RuntimeError:  # the loop is closed: nobody awaits any more
            pass


def _resolve(future: Any, result: Any, error: Optional[BaseException]) -> None:
    if future.done():  # the task was cancelled meanwhile
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


async def _wait(future: Any, cancel: Any) -> Any:
    import asyncio
    try:
        return await future
    except asyncio.CancelledError:
        cancel.cancel()  # ends the native wait or transfer; its completion finds the future cancelled
        raise


async def token_async(client: OAuth2Client, timeout: Optional[float] = None) -> Token:
    """``client.token()`` without blocking the event loop (see :meth:`OAuth2Client.token_async`)."""
    token: Optional[Token] = client._token_if_fresh()
    if token is not None:
        return token
    timeout_ms = _timeout_ms(timeout)
    import asyncio
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    cancel = Cancel()
    client._token_async(_Settle(loop, future), timeout_ms, cancel)
    result: Token = await _wait(future, cancel)
    return result


async def token_for_async(client: OAuth2Client, scope: Optional[str], audience: Optional[str],
                          resource: Optional[str], timeout: Optional[float] = None) -> Token:
    """``client.token_for(...)`` without blocking the event loop (arguments already checked)."""
    timeout_ms = _timeout_ms(timeout)
    import asyncio
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    cancel = Cancel()
    client._token_for_async(scope, audience, resource, _Settle(loop, future), timeout_ms, cancel)
    result: Token = await _wait(future, cancel)
    return result


class AsyncOAuth2Client:
    """An :class:`~m2mauth.OAuth2Client` for asyncio: the same arguments (or ``client=`` an existing
    one, shared with threads and not closed by this object), the same token cache and refresh, and
    coroutines that never block the event loop.

    Any number of tasks may await :meth:`token` or :meth:`request` at once: they share the one token
    request in flight. Cancelling a task cancels its native call.
    """

    def __init__(self, *args: Any, client: Optional[OAuth2Client] = None, **kwargs: Any) -> None:
        if client is not None:
            if args or kwargs:
                raise TypeError("give an OAuth2Client or the arguments of one, not both")
            if not isinstance(client, OAuth2Client):
                raise TypeError(f"client must be an m2mauth.OAuth2Client, not {type(client).__name__}")
            self._client = client
            self._owns = False
        else:
            self._client = OAuth2Client(*args, **kwargs)
            self._owns = True

    @property
    def client(self) -> OAuth2Client:
        """The blocking client underneath (for threads, :meth:`~m2mauth.OAuth2Client.fetch`, events)."""
        return self._client

    @property
    def client_id(self) -> str:
        return self._client.client_id

    @property
    def closed(self) -> bool:
        return bool(self._client.closed)

    async def token(self, *, timeout: Optional[float] = None) -> Token:
        """The current token (see :meth:`~m2mauth.OAuth2Client.token`); ``timeout`` bounds the wait."""
        return await token_async(self._client, timeout)

    async def token_for(self, scope: Union[str, Sequence[str], None] = None, *, audience: Optional[str] = None,
                        resource: Optional[str] = None, timeout: Optional[float] = None) -> Token:
        """Another key's token (see :meth:`~m2mauth.OAuth2Client.token_for`); ``timeout`` bounds the wait."""
        return await self._client.token_for_async(scope, audience=audience, resource=resource, timeout=timeout)

    async def authorize(self, headers: MutableMapping[str, str], method: Optional[str] = None,
                        url: Optional[str] = None) -> MutableMapping[str, str]:
        """Sets ``headers["Authorization"]`` to ``"Bearer <token>"`` and returns headers; with a DPoP-bound
        token also ``headers["DPoP"]``, a proof for ``method`` and ``url`` (see OAuth2Client.authorize)."""
        token = await token_async(self._client, None)
        headers["Authorization"] = token.authorization
        self._client._dpop_header(headers, token, method, url)
        return headers

    def invalidate(self, token: Union[Token, str, None] = None) -> None:
        """Drops the cached token if it still is ``token`` (None: whatever is cached)."""
        self._client.invalidate(token)

    async def request(self, method: str, url: str, headers: HeadersArg = None, body: BodyArg = None, *,
                      json: Any = None, timeout: Optional[float] = None) -> Response:
        """:meth:`~m2mauth.OAuth2Client.request` without blocking the event loop: the token, the send
        and the one retry after a 401 (with a new token) run on the library's threads. ``timeout``
        (seconds) bounds the whole call; cancelling the task aborts the transfer."""
        args = _request_args(method, url, headers, body, json, timeout)
        import asyncio
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        cancel = Cancel()
        self._client._request_async(*args, cancel, _Settle(loop, future))
        return Response._from_native(await _wait(future, cancel))

    def close(self) -> None:
        """Closes the client if this object made it (pending calls end with CancelledError)."""
        if self._owns:
            self._client.close()

    async def aclose(self) -> None:
        self.close()

    async def __aenter__(self) -> "AsyncOAuth2Client":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<m2mauth.AsyncOAuth2Client over {self._client!r}>"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("AsyncOAuth2Client objects cannot be pickled (they hold secrets)")
