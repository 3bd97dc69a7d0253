"""A token-endpoint test double for your own tests: :class:`TokenServer`.

A loopback OAuth 2.0 authorization server (the library's own, in C++) on 127.0.0.1 and a free port,
serving on native threads: discovery, ``/token`` (client_credentials, token exchange), ``/introspect``
(RFC 7662) and ``/jwks``, with real client authentication (``client_secret_basic``,
``client_secret_post``, ``client_secret_jwt``, ``private_key_jwt``, ``tls_client_auth``) and knobs a test
needs: token lifetime, opaque or JWT tokens with chosen claims, failing or stalling the next requests,
request counters, revoking every token::

    from m2mauth.testing import TokenServer

    def test_my_service_retries_once_on_503():
        with TokenServer() as server:
            server.add_client("svc", "s3cret")
            server.fail_next(1, status=503, error="temporarily_unavailable")
            client = m2mauth.OAuth2Client(server.token_url, "svc", client_secret="s3cret")
            ...
            assert server.requests("token") == 2

With pytest, the ``m2mauth_token_server`` fixture (a started plain-HTTP server, stopped after the test)
is registered by the package's pytest plugin; without the installed package's entry point, import it::

    from m2mauth.pytest_plugin import m2mauth_token_server  # noqa: F401

It is test code: it listens on loopback only, and its tokens are good for nothing else.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Mapping, Optional, Sequence, Union

from ._convert import duration_ms, optional_text, secret_text, to_text
from ._native import native

__all__ = ["TokenServer", "CLIENT_AUTH_METHODS"]

#: The client authentication methods a client can be registered with.
CLIENT_AUTH_METHODS = {
    "client_secret_basic": 1,
    "client_secret_post": 2,
    "client_secret_jwt": 3,
    "private_key_jwt": 4,
    "tls_client_auth": 5,
}
_TOKEN_FORMATS = {"opaque": 1, "jwt": 2}
_I64 = 2**63
_U32 = 2**32 - 1


def _public_key_text(key: Any) -> str:
    if hasattr(key, "public_pem"):
        return str(key.public_pem())
    if isinstance(key, Mapping):
        return json.dumps(dict(key))
    return to_text(key, "public_key")


class TokenServer:
    """A loopback token endpoint. Use it as a context manager (started on enter, stopped on exit) or
    call :meth:`start` and :meth:`stop`.

    Args:
        tls: HTTPS with a generated self-signed certificate for 127.0.0.1 (trust :attr:`ca_file`).
        mtls: HTTPS that asks for a client certificate (implies ``tls``), for ``tls_client_auth``.
        token_lifetime: ``expires_in`` of its tokens, in seconds.
        token_format: ``"opaque"`` (random strings) or ``"jwt"`` (ES256, ``typ`` at+jwt, key at /jwks).
        claims: extra claims of JWT access tokens (a dict).
        audience: ``aud`` of JWT access tokens (default: the server's URL).
        clock_offset: seconds the server's clock runs ahead of this machine's (negative: behind).
        dpop_nonce: a DPoP server nonce (RFC 9449 section 8): every DPoP proof must carry it; one without it is
            answered 400 ``use_dpop_nonce`` with a ``DPoP-Nonce`` header (m2mauth's clients retry once with it).
        max_body_bytes, max_headers, read_timeout: bounds of one request (413, 431, 408 beyond them).
    """

    @staticmethod
    def _int(value: Any, what: str, lo: int, hi: int) -> int:
        """An integer argument within the native type's range (the library checks its own range after)."""
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{what} must be an int, not {type(value).__name__}")
        if not lo <= value <= hi:
            raise ValueError(f"{what} must be {lo} to {hi}")
        return value

    def __init__(self, *, tls: bool = False, mtls: bool = False, token_lifetime: int = 3600,
                 token_format: str = "opaque", claims: Optional[Mapping[str, Any]] = None,
                 audience: Optional[str] = None, clock_offset: int = 0, max_body_bytes: int = 65536,
                 max_headers: int = 64, read_timeout: float = 5.0, dpop_nonce: Optional[str] = None) -> None:
        if token_format not in _TOKEN_FORMATS:
            raise ValueError("token_format must be 'opaque' or 'jwt'")
        claims_json = None if claims is None else json.dumps(dict(claims))
        self._tls = bool(tls or mtls)
        self._ca_file: Optional[str] = None
        self._started = False
        self._native = native._TestServer(
            tls=self._tls, request_client_cert=bool(mtls),
            token_lifetime_s=self._int(token_lifetime, "token_lifetime", -_I64, _I64 - 1),
            token_format=_TOKEN_FORMATS[token_format], extra_claims_json=claims_json,
            audience=optional_text(audience, "audience"),
            max_body_bytes=self._int(max_body_bytes, "max_body_bytes", 0, _I64 - 1),
            max_headers=self._int(max_headers, "max_headers", 0, _U32),
            read_timeout_ms=duration_ms(read_timeout, "read_timeout"),
            clock_offset_s=self._int(clock_offset, "clock_offset", -_I64, _I64 - 1),
            dpop_nonce=optional_text(dpop_nonce, "dpop_nonce"))

    # ---- lifecycle -------------------------------------------------------------------------------

    def start(self) -> "TokenServer":
        """Listens on 127.0.0.1 and a free port; returns self."""
        self._native.start()
        self._started = True
        return self

    def stop(self) -> None:
        """Stops serving (stalled requests end at once) and removes :attr:`ca_file`. Idempotent."""
        self._native.stop()
        if self._ca_file is not None:
            try:
                os.unlink(self._ca_file)
            except OSError:
                pass
            self._ca_file = None

    close = stop

    def __enter__(self) -> "TokenServer":
        if not self._started:
            self.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self._native.url() if self._started else "not started"
        return f"<m2mauth.testing.TokenServer {where}>"

    # ---- where it is -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The issuer URL, ``http://127.0.0.1:<port>`` (or https)."""
        return str(self._native.url())

    issuer = url

    @property
    def token_url(self) -> str:
        return str(self._native.url()) + "/token"

    @property
    def introspection_url(self) -> str:
        return str(self._native.url()) + "/introspect"

    @property
    def jwks_url(self) -> str:
        return str(self._native.url()) + "/jwks"

    @property
    def ca_pem(self) -> str:
        """The server certificate's PEM ("" for plain HTTP)."""
        return str(self._native.ca_pem())

    @property
    def ca_file(self) -> Optional[str]:
        """A file holding :attr:`ca_pem` (``m2mauth.Http(ca_file=...)``), removed by :meth:`stop`;
        None for plain HTTP."""
        if not self._tls:
            return None
        if self._ca_file is None:
            fd, path = tempfile.mkstemp(prefix="m2mauth-testserver-", suffix=".pem")
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(self._native.ca_pem())
            self._ca_file = path
        return self._ca_file

    # ---- clients ---------------------------------------------------------------------------------

    def add_client(self, client_id: str, secret: Union[str, bytes, None] = None, *,
                   method: str = "client_secret_basic", public_key: Any = None,
                   tls_subject: Optional[str] = None, tls_thumbprint: Optional[str] = None,
                   scopes: Union[str, Sequence[str], None] = None) -> None:
        """Registers a client (the same id again replaces it).

        ``secret`` for the ``client_secret_*`` methods (``client_secret_jwt``: at least 32 bytes);
        ``public_key`` for ``private_key_jwt`` (an :class:`m2mauth.Key`, PEM text or a JWK dict);
        ``tls_subject`` (RFC 2253) or ``tls_thumbprint`` (SHA-256, base64url) for ``tls_client_auth``;
        ``scopes`` the client may ask for (all of them granted when it asks for none).
        """
        if method not in CLIENT_AUTH_METHODS:
            raise ValueError("method must be one of " + ", ".join(CLIENT_AUTH_METHODS))
        if scopes is not None and not isinstance(scopes, (str, bytes)):
            scopes = " ".join(to_text(s, "scopes") for s in scopes)
        self._native.add_client(
            to_text(client_id, "client_id"), CLIENT_AUTH_METHODS[method],
            None if secret is None else secret_text(secret, "secret"),
            None if public_key is None else _public_key_text(public_key),
            optional_text(tls_subject, "tls_subject"), optional_text(tls_thumbprint, "tls_thumbprint"),
            optional_text(scopes, "scopes"))

    # ---- knobs -----------------------------------------------------------------------------------

    def fail_next(self, count: int = 1, *, status: int = 503, error: Optional[str] = None,
                  retry_after: Optional[int] = None) -> None:
        """The next ``count`` token requests fail with HTTP ``status``; with ``error`` an OAuth error
        body (``{"error": error}``), with ``retry_after`` (seconds) a Retry-After header."""
        self._native.fail_next(self._int(count, "count", 0, _U32), self._int(status, "status", 0, 999),
                               optional_text(error, "error") or "",
                               -1 if retry_after is None else self._int(retry_after, "retry_after", 0, _I64 - 1))

    def stall(self, seconds: float, count: int = 1) -> None:
        """The next ``count`` token requests wait ``seconds`` before they are answered."""
        self._native.stall(self._int(count, "count", 0, _U32), duration_ms(seconds, "seconds"))

    def requests(self, counter: str = "") -> int:
        """Requests received: ``""`` all; ``"token"``, ``"introspection"``, ``"jwks"``, ``"discovery"``;
        ``"grant:client_credentials"``; ``"failed"`` injected failures; ``"rejected"`` refused unread;
        ``"dpop"`` token requests with an accepted DPoP proof, ``"dpop_refused"`` those refused."""
        return int(self._native.requests(to_text(counter, "counter")))

    def revoke_all(self) -> None:
        """Every token issued so far becomes inactive (introspection says so)."""
        self._native.revoke_all()
