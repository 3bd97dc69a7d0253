"""OAuth 2.0 Token Exchange (RFC 8693): trade a subject token for another token.

Use :meth:`m2mauth.OAuth2Client.exchange`, which sends the exchange with the client's own
authentication (any method) and, by default, caches the answer in the client's token manager::

    client = m2mauth.OAuth2Client(token_url, "gateway", client_secret=secret)
    t = client.exchange(subject_token=incoming, subject_token_type=m2mauth.TOKEN_TYPE_ACCESS_TOKEN,
                        audience="orders-api")
    headers = {"Authorization": t.authorization}

The cache key holds the SHA-256 of the subject (and actor) token, never the token; a cached answer
is served no longer than the subject token's ``exp`` when the subject token is a JWT. Each distinct
exchange is one key of the client (``max_keys``). The tokens are secrets: never in an exception or
a repr.
"""

from __future__ import annotations

import time
from typing import Any, Iterable, Optional, Union

from ._convert import optional_text, secret_text, to_text
from ._native import native
from .oauth2 import Cancel, Token, _texts, _timeout_ms, _words

__all__ = ["ExchangedToken", "TOKEN_TYPE_ACCESS_TOKEN", "TOKEN_TYPE_REFRESH_TOKEN", "TOKEN_TYPE_ID_TOKEN",
           "TOKEN_TYPE_SAML1", "TOKEN_TYPE_SAML2", "TOKEN_TYPE_JWT"]

#: RFC 8693 section 3 token type identifiers (any absolute URI is accepted as a type).
TOKEN_TYPE_ACCESS_TOKEN = "urn:ietf:params:oauth:token-type:access_token"
TOKEN_TYPE_REFRESH_TOKEN = "urn:ietf:params:oauth:token-type:refresh_token"
TOKEN_TYPE_ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token"
TOKEN_TYPE_SAML1 = "urn:ietf:params:oauth:token-type:saml1"
TOKEN_TYPE_SAML2 = "urn:ietf:params:oauth:token-type:saml2"
TOKEN_TYPE_JWT = "urn:ietf:params:oauth:token-type:jwt"


class ExchangedToken(Token):
    """A :class:`~m2mauth.Token` from a token exchange, with ``issued_token_type`` (a token type URI).
    ``token_type`` is ``"N_A"`` when the server says the token is not an access token."""

    __slots__ = ()

    def __new__(cls, access_token: str, token_type: str, expires_at: float, scope: str,  # type: ignore[override]
                issued_token_type: str) -> "ExchangedToken":
        return tuple.__new__(cls, (access_token, token_type, expires_at, scope, issued_token_type))

    @property
    def issued_token_type(self) -> str:
        """The issued token's type, e.g. :data:`TOKEN_TYPE_ACCESS_TOKEN`."""
        return str(self[4])

    def __repr__(self) -> str:
        return (f"<m2mauth.ExchangedToken issued_token_type={self[4]!r} type={self[1]!r} expires_at={self[2]:.3f} "
                f"scope={self[3]!r} access_token=<redacted>>")

    __str__ = __repr__


def exchange(client: Any, *, subject_token: Union[str, bytes], subject_token_type: str,
             actor_token: Union[str, bytes, None] = None, actor_token_type: Optional[str] = None,
             requested_token_type: Optional[str] = None, audience: Union[None, str, Iterable[str]] = None,
             resource: Union[None, str, Iterable[str]] = None, scope: Union[None, str, Iterable[str]] = None,
             cached: bool = True, timeout: Optional[float] = None, cancel: Optional[Cancel] = None) -> ExchangedToken:
    """See :meth:`m2mauth.OAuth2Client.exchange`."""
    if (actor_token is None) != (actor_token_type is None):
        raise ValueError("actor_token and actor_token_type go together (RFC 8693 section 2.1)")
    t = native._token_exchange(
        client, bool(cached), secret_text(subject_token, "subject_token"),
        to_text(subject_token_type, "subject_token_type"),
        None if actor_token is None else secret_text(actor_token, "actor_token"),
        optional_text(actor_token_type, "actor_token_type"), optional_text(requested_token_type, "requested_token_type"),
        _texts(audience, "audience"), _texts(resource, "resource"), _words(scope, "scope"), _timeout_ms(timeout), cancel)
    return ExchangedToken(*t)


def expires_in(token: ExchangedToken) -> float:
    """Seconds until token expires (negative once expired)."""
    return float(token[2]) - time.time()
