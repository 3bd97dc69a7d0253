"""httpx adapter (``pip install m2mauth[httpx]``): an ``httpx.Auth`` that sets the managed token on every
request of an ``httpx.Client`` or ``httpx.AsyncClient``, and retries once with a new token on 401.

::

    import httpx
    from m2mauth.httpx import OAuth2Auth

    auth = OAuth2Auth(m2mauth.OAuth2Client(token_url, "svc", client_secret=secret))
    with httpx.Client(auth=auth) as http:
        r = http.get("https://api.example/v1/accounts")
    async with httpx.AsyncClient(auth=auth) as http:
        r = await http.get("https://api.example/v1/accounts")

The async flow reads the token with ``await client.token_async()``: it never blocks the event loop.
The request body is read before the first send (``requires_request_body``) so the retry can send it
again; the 401 response is in ``response.history``; a second 401 is returned as it is. With a
DPoP-bound token every response's ``DPoP-Nonce`` is remembered for its origin and a ``use_dpop_nonce``
challenge is answered by one more send with the same token and a proof carrying the new nonce
(``DPoP.observe``); at most one send of each kind, so a server that always asks for a new nonce gets two.
"""

from __future__ import annotations

from typing import Any, AsyncGenerator, Callable, Generator, Optional, Union

import httpx

from .oauth2 import OAuth2Client, _client_of

__all__ = ["OAuth2Auth"]


class OAuth2Auth(httpx.Auth):
    """An ``httpx.Auth`` over an :class:`~m2mauth.OAuth2Client` (or an
    :class:`~m2mauth.AsyncOAuth2Client`'s client): sync and async flows, one retry on 401.
    One instance may serve any number of clients, threads and event loops."""

    requires_request_body = True  # the body is read before the first send, so the retry can send it again

    def __init__(self, client: Union[OAuth2Client, Any]) -> None:
        self.client = _client_of(client)

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.read()  # kept for the retry (httpx.Auth's own flows do this for requires_request_body)
        token = self.client.token()
        self._authorize(request, token)
        response = yield request
        nonce_retried = token_retried = False
        while True:
            nonce = self._nonce_retry(request, response, token, response.read)
            step = _next_step(response, nonce, nonce_retried, token_retried)
            if step is None:
                return
            if step == "nonce":
                nonce_retried = True
            else:
                token_retried = True
                self.client.invalidate(token)
                token = self.client.token()
            self._authorize(request, token)
            response = yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        token = await self.client.token_async()
        self._authorize(request, token)
        response = yield request
        nonce_retried = token_retried = False
        while True:
            if response.status_code == 400:
                await response.aread()  # a token endpoint's use_dpop_nonce is in the JSON body
            nonce = self._nonce_retry(request, response, token, lambda: response.content)
            step = _next_step(response, nonce, nonce_retried, token_retried)
            if step is None:
                return
            if step == "nonce":
                nonce_retried = True
            else:
                token_retried = True
                self.client.invalidate(token)  # a lock in the library, no I/O
                token = await self.client.token_async()
            self._authorize(request, token)
            response = yield request

    def _authorize(self, request: httpx.Request, token: Any) -> None:
        request.headers["Authorization"] = token.authorization
        self.client._dpop_header(request.headers, token, request.method, str(request.url))

    def _nonce_retry(self, request: httpx.Request, response: httpx.Response, token: Any,
                     body: Callable[[], bytes]) -> bool:
        if "DPoP" not in request.headers:
            return False
        return self.client._dpop_nonce_retry(token, str(request.url), response.status_code,
                                             response.headers.multi_items(), body)

    def __repr__(self) -> str:
        return f"<m2mauth.httpx.OAuth2Auth client_id={self.client.client_id!r}>"


def _next_step(response: httpx.Response, nonce: bool, nonce_retried: bool, token_retried: bool) -> Optional[str]:
    """What answers response: "nonce" (one more proof, the same token), "token" (a new token, after any
    other 401), or None (it is returned). At most one of each."""
    if nonce and not nonce_retried:
        return "nonce"
    if response.status_code == 401 and not nonce and not token_retried:
        return "token"
    return None
