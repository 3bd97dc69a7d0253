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
again; the 401 response is in ``response.history``; a second 401 is returned as it is.
"""

from __future__ import annotations

from typing import Any, AsyncGenerator, Generator, Union

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
        request.headers["Authorization"] = token.authorization
        self.client._dpop_header(request.headers, token, request.method, str(request.url))
        response = yield request
        if response.status_code == 401:
            self.client.invalidate(token)
            token = self.client.token()
            request.headers["Authorization"] = token.authorization
            self.client._dpop_header(request.headers, token, request.method, str(request.url))
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        token = await self.client.token_async()
        request.headers["Authorization"] = token.authorization
        self.client._dpop_header(request.headers, token, request.method, str(request.url))
        response = yield request
        if response.status_code == 401:
            self.client.invalidate(token)  # a lock in the library, no I/O
            token = await self.client.token_async()
            request.headers["Authorization"] = token.authorization
            self.client._dpop_header(request.headers, token, request.method, str(request.url))
            yield request

    def __repr__(self) -> str:
        return f"<m2mauth.httpx.OAuth2Auth client_id={self.client.client_id!r}>"
