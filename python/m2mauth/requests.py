"""requests adapter (``pip install m2mauth[requests]``): the managed token on every request of a
``requests`` session, and one retry with a new token when the API answers 401.

::

    import requests
    from m2mauth.requests import OAuth2Auth

    session = requests.Session()
    session.auth = OAuth2Auth(m2mauth.OAuth2Client(token_url, "svc", client_secret=secret))
    r = session.get("https://api.example/v1/accounts")

On a 401 the token that was sent is invalidated (``OAuth2Client.invalidate``), a new one is read and the
request is sent once more with the same body (bytes and text as they are; a file is rewound to where it
started; a body that cannot be replayed, such as a generator, is not retried and the 401 is returned).
With a DPoP-bound token (``OAuth2Client(dpop=...)``) every response's ``DPoP-Nonce`` is remembered for its
origin, and a ``use_dpop_nonce`` challenge (RFC 9449 section 9) is answered by one more send with the same
token and a proof carrying the new nonce, not by a new token (``DPoP.observe``). At most one send of each
kind, so at most three in all: a server that asks for a new nonce every time gets two. The retried request
carries no hook of this adapter: never a loop. Earlier responses are in ``response.history``. The adapter
holds no token of its own: the client's cache (shared with every thread and other adapters) decides when to
fetch.
"""

from __future__ import annotations

from typing import Any, Union

import requests
from requests.auth import AuthBase

from .oauth2 import OAuth2Client, _client_of

__all__ = ["OAuth2Auth"]


class OAuth2Auth(AuthBase):
    """A ``requests.auth.AuthBase`` that sets ``Authorization: <type> <token>`` from an
    :class:`~m2mauth.OAuth2Client` (or an :class:`~m2mauth.AsyncOAuth2Client`'s client) and retries
    once on 401. Thread-safe: one instance may serve any number of sessions and threads."""

    def __init__(self, client: Union[OAuth2Client, Any]) -> None:
        self.client = _client_of(client)

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        token = self.client.token()
        request.headers["Authorization"] = token.authorization
        self.client._dpop_header(request.headers, token, request.method, request.url)
        body = request.body
        if body is not None and not isinstance(body, (bytes, str)) and request._body_position is None:
            tell = getattr(body, "tell", None)
            if tell is not None:
                try:
                    request._body_position = tell()  # where the replay starts
                except OSError:
                    pass
        request.register_hook("response", _RetryOn401(self.client, token))
        return request

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OAuth2Auth) and other.client is self.client

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<m2mauth.requests.OAuth2Auth client_id={self.client.client_id!r}>"


def _replay_ready(request: requests.PreparedRequest) -> bool:
    """Whether the request's body can be sent again (rewinding a file to where it started)."""
    body = request.body
    if body is None or isinstance(body, (bytes, str)):
        return True
    if isinstance(request._body_position, int) and hasattr(body, "seek"):
        try:
            requests.utils.rewind_body(request)
            return True
        except requests.exceptions.UnrewindableBodyError:
            return False
    return False


class _RetryOn401:
    """The response hook of one request: one more send with a new DPoP proof when the server asks for a
    nonce, one more with a new token on any other 401 (the token sent is invalidated first)."""

    __slots__ = ("client", "token")

    def __init__(self, client: OAuth2Client, token: Any) -> None:
        self.client = client
        self.token = token

    def __call__(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        token = self.token
        nonce_retried = token_retried = False
        while True:
            nonce = self.client._dpop_nonce_retry(token, response.request.url, response.status_code,
                                                  response.headers.items(), lambda: response.content)
            if nonce and not nonce_retried:
                nonce_retried = True  # the same token, a proof with the nonce just learnt
            elif response.status_code == 401 and not nonce and not token_retried:
                token_retried = True
            else:
                return response
            if response.connection is None:
                return response
            retry = response.request.copy()
            if not _replay_ready(retry):
                return response
            if not nonce:
                self.client.invalidate(token.access_token)
                token = self.client.token()
            _ = response.content  # drain the answer so its connection goes back to the pool
            response.close()
            retry.headers["Authorization"] = token.authorization
            self.client._dpop_header(retry.headers, token, retry.method, retry.url)
            retry.hooks = requests.hooks.default_hooks()  # no hook on the retry: this loop bounds the sends
            again: requests.Response = response.connection.send(retry, **kwargs)
            again.history = list(response.history) + [response]
            again.request = retry
            response = again
