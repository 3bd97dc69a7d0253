"""OAuth 2.0 client credentials with a token cache that refreshes ahead of expiry.

:class:`OAuth2Client` asks a token endpoint for tokens (RFC 6749 client credentials, or the RFC 7523
JWT-bearer grant) with any client authentication method (``client_secret_basic``,
``client_secret_post``, ``client_secret_jwt``, ``private_key_jwt``, RFC 8705 mTLS, ``none``), and
keeps the token for every thread of the process::

    client = m2mauth.OAuth2Client("https://auth.moneyp.com.br/connect/token", "bmp.digital.api.partner",
                                  private_key=m2mauth.Key.from_file("private.pem"), scope="api.read")
    r = client.request("GET", "https://api.example/v1/accounts")      # Bearer token, 401 -> one retry
    headers = client.authorize({})                                    # or for your own HTTP client

``token()`` costs a few hundred nanoseconds while the cached token is fresh. A token is refreshed in
the background before it expires, with one request in flight whatever the number of callers; callers
wait only when no valid token exists. Failures back off (honouring Retry-After) while a still-valid
token keeps being served. Network calls release the GIL. ``await client.token_async()`` and
:class:`m2mauth.AsyncOAuth2Client` serve asyncio (:mod:`m2mauth.aio`); token events go to the
``m2mauth`` logger (:mod:`m2mauth._events`).
"""

from __future__ import annotations

import json
import logging
import operator
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, Mapping, MutableMapping, Optional, Sequence, Union

from . import errors
from ._events import LOGGER, TokenEvent, dispatcher as _dispatcher
from ._convert import duration_ms, optional_text, secret_text, to_text
from ._native import native
from .algorithms import algorithm_id
from .dpop import DPoP, dpop_of
from .http import BodyArg, Cancel, HeadersArg, Http, Response, body_bytes, default_http, header_list
from .http import call_timeout_ms as _timeout_ms
from .keys import Key

__all__ = ["OAuth2Client", "Token", "TokenEvent", "Cancel", "CLIENT_AUTH_METHODS", "describe_manager_options"]



#: The client authentication methods at the token endpoint.
CLIENT_AUTH_METHODS = tuple(native.CLIENT_AUTH_METHODS)

_GRANTS = {
    "client_credentials": native.GRANT_CLIENT_CREDENTIALS,
    "jwt_bearer": native.GRANT_JWT_BEARER,
    "urn:ietf:params:oauth:grant-type:jwt-bearer": native.GRANT_JWT_BEARER,
}


class Token(tuple):
    """An access token: ``access_token`` (a secret), ``token_type`` (``"Bearer"``), ``expires_at``
    (Unix seconds, float) and ``scope``. Immutable. Its repr and str never show the token."""

    __slots__ = ()

    def __new__(cls, access_token: str, token_type: str, expires_at: float, scope: str) -> "Token":
        return tuple.__new__(cls, (access_token, token_type, expires_at, scope))

    if TYPE_CHECKING:  # the types of the fields; at run time, C-level item getters (no Python frame)
        @property
        def access_token(self) -> str: ...
        @property
        def token_type(self) -> str: ...
        @property
        def expires_at(self) -> float: ...
        @property
        def scope(self) -> str: ...
    else:
        access_token = property(operator.itemgetter(0), doc="The access token. A secret: never log it.")
        token_type = property(operator.itemgetter(1), doc='The scheme for the Authorization header, e.g. "Bearer".')
        expires_at = property(operator.itemgetter(2), doc="Expiry as Unix time in seconds (float).")
        scope = property(operator.itemgetter(3), doc='The granted scope ("" when unknown).')

    @property
    def expires_in(self) -> float:
        """Seconds until expiry (negative once expired)."""
        return float(self[2]) - time.time()

    @property
    def authorization(self) -> str:
        """The value of the Authorization header: ``"<token_type> <access_token>"``."""
        return f"{self[1]} {self[0]}"

    def __repr__(self) -> str:
        return (f"<m2mauth.Token type={self[1]!r} expires_at={self[2]:.3f} scope={self[3]!r} "
                f"access_token=<redacted>>")

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("Token objects cannot be pickled (that would copy the access token)")


def _request_args(method: str, url: str, headers: HeadersArg, body: BodyArg, json: Any,
                  timeout: Optional[float]) -> Any:
    """(method, url, header pairs, body bytes, timeout_ms) for the native request calls."""
    timeout_ms = _timeout_ms(timeout)
    pairs = header_list(headers)
    if json is not None:
        if body is not None:
            raise TypeError("give body or json, not both")
        import json as _json
        body = _json.dumps(json, separators=(",", ":"))
        if not any(n.lower() == "content-type" for n, _ in pairs):
            pairs.append(("Content-Type", "application/json"))
    return to_text(method, "method"), to_text(url, "url"), pairs, body_bytes(body), timeout_ms


def _texts(value: Union[None, str, Iterable[str]], name: str) -> list[str]:
    """One text or several as a list (None: empty)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [to_text(value, name)]
    return [to_text(v, name) for v in value]


def _words(value: Union[None, str, Iterable[str]], name: str) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, str):
        return to_text(value, name)
    return " ".join(to_text(v, name) for v in value)


def _manager_options(refresh_fraction: Optional[float], refresh_margin: Optional[float],
                     expiry_skew: Optional[float], jitter: Optional[float], wait_timeout: Optional[float],
                     backoff_base: Optional[float], backoff_max: Optional[float],
                     permanent_backoff: Optional[float], background_refresh: bool,
                     report_cache_hits: bool, min_fetch_interval: Optional[float] = None,
                     max_keys: Optional[int] = None) -> Dict[str, Any]:
    # None keeps the C default; every other value goes to the library as given (it checks the ranges).
    o: Dict[str, Any] = {"background_refresh": bool(background_refresh), "report_cache_hits": bool(report_cache_hits)}
    for key, value, name in (("refresh_fraction", refresh_fraction, "refresh_fraction"),
                             ("jitter_fraction", jitter, "jitter")):
        if value is not None:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise TypeError(f"{name} must be a number, not {type(value).__name__}")
            o[key] = float(value)
    for key, value, name in (("refresh_margin_ms", refresh_margin, "refresh_margin"),
                             ("expiry_skew_ms", expiry_skew, "expiry_skew"),
                             ("wait_timeout_ms", wait_timeout, "wait_timeout"),
                             ("backoff_base_ms", backoff_base, "backoff_base"),
                             ("backoff_max_ms", backoff_max, "backoff_max"),
                             ("permanent_backoff_ms", permanent_backoff, "permanent_backoff"),
                             ("min_fetch_interval_ms", min_fetch_interval, "min_fetch_interval")):
        ms = duration_ms(value, name)
        if ms is not None:
            o[key] = ms
    if max_keys is not None:
        if isinstance(max_keys, bool) or not isinstance(max_keys, int):
            raise TypeError(f"max_keys must be an int, not {type(max_keys).__name__}")
        o["max_keys"] = max_keys
    return o


def describe_manager_options(refresh_fraction: Optional[float] = None, refresh_margin: Optional[float] = None,
                             expiry_skew: Optional[float] = None, jitter: Optional[float] = None,
                             wait_timeout: Optional[float] = None, backoff_base: Optional[float] = None,
                             backoff_max: Optional[float] = None, permanent_backoff: Optional[float] = None,
                             background_refresh: bool = True, report_cache_hits: bool = False,
                             min_fetch_interval: Optional[float] = None,
                             max_keys: Optional[int] = None) -> Dict[str, Any]:
    """The token manager configuration :class:`OAuth2Client` would use with these tuning arguments
    (seconds), as the C library renders it (``m2mauth_token_manager_options_describe``: the C member
    names, milliseconds). None keeps the library's default; 0 means what the library says (jitter 0:
    none; wait_timeout 0: no limit but the call's own; refresh_margin, expiry_skew, permanent_backoff,
    min_fetch_interval 0: none). max_keys: distinct scope / audience / resource keys one client holds
    (default 64, 1 to 1000000). Raises InvalidArgumentError for a value out of range."""
    return json.loads(native.describe_manager_options(_manager_options(
        refresh_fraction, refresh_margin, expiry_skew, jitter, wait_timeout, backoff_base, backoff_max,
        permanent_backoff, background_refresh, report_cache_hits, min_fetch_interval, max_keys)))


class OAuth2Client(native.TokenManagerBase):
    """An OAuth 2.0 client of one token endpoint with its token cache. Thread-safe.

    Args:
        token_url: the token endpoint (None with ``issuer``).
        client_id: the client identifier.
        client_secret: for ``client_secret_basic``, ``client_secret_post`` and ``client_secret_jwt``.
        private_key: a :class:`~m2mauth.Key` or PEM text/bytes (``private_key_password`` if encrypted),
            for ``private_key_jwt`` and the JWT-bearer grant.
        auth_method: one of :data:`CLIENT_AUTH_METHODS`; default ``client_secret_basic``, or
            ``private_key_jwt`` when a private key is given.
        scope: space-separated text or a list. audience, resource (text or list), params (more form
            parameters sent on every token request).
        grant: ``"client_credentials"`` or ``"jwt_bearer"`` (RFC 7523 section 2.1).
        assertion_audience: the client assertion's single ``aud`` (default: the token endpoint URL;
            some servers want the issuer). assertion_alg (default: the key's usual algorithm, or HS256),
            assertion_lifetime (10 to 3600 s), assertion_kid (default: the key's kid; ``"thumbprint"``
            for its RFC 7638 thumbprint).
        default_expires_in: lifetime assumed when the server omits ``expires_in``.
        http: the :class:`~m2mauth.Http` transport (default: a shared one with default settings).
        issuer: find the token endpoint by discovery (RFC 8414 / OpenID Connect) instead of token_url.
        idempotency_header: a header given a fresh UUID on every :meth:`request` lacking it (e.g.
            ``"IdempotencyKey"`` for the BMP API); the 401 retry keeps it.
        refresh_fraction, refresh_margin, expiry_skew, jitter, wait_timeout, backoff_base, backoff_max,
            permanent_backoff, min_fetch_interval: token manager tuning (seconds; None keeps the library's
            default, 0 means what the library says: see :func:`describe_manager_options`).
            min_fetch_interval (default 1 s): token requests for one key start at least this far apart,
            whatever lifetime the server gives.
        max_keys: distinct scope / audience / resource keys this client holds tokens for (default 64,
            1 to 1000000); a read for one more raises TooLargeError.
        background_refresh: refresh on a manager thread (default) or on the first caller.
        report_cache_hits: also send ``cache_hit`` events (one per cached read: for debugging).
        on_event: ``on_event(TokenEvent)``, called from the thread that fetched (often the manager's
            own); exceptions it raises are reported through ``sys.unraisablehook`` and ignored. It does
            not replace logging.
        logger: where token events are logged (default: the ``m2mauth`` logger; None: nowhere):
            ``fetched``, ``refreshed`` and ``invalidated`` at DEBUG, ``failed`` at WARNING with its
            category (transient or permanent, error name and code, HTTP status, OAuth ``error``). Never
            a secret; nothing is formatted unless the level is enabled; cached reads never log.
        dpop: DPoP-bound tokens (RFC 9449): True for a fresh EC P-256 proof key, or a private
            :class:`~m2mauth.Key` or a :class:`~m2mauth.DPoP`. Token requests carry proofs; DPoP tokens go out as
            ``Authorization: DPoP`` with a fresh proof on every :meth:`request`; a Bearer answer is used as
            Bearer. :attr:`dpop_thumbprint` is the key's RFC 7638 thumbprint (for logs).

    ``await client.token_async()`` is :meth:`token` for asyncio (it never blocks the event loop);
    :class:`m2mauth.AsyncOAuth2Client` offers ``await request(...)``.
    """

    def __init__(self, token_url: Optional[str] = None, client_id: Optional[str] = None, *,
                 client_secret: Union[str, bytes, None] = None, private_key: Union[Key, str, bytes, None] = None,
                 private_key_password: Union[str, bytes, None] = None, auth_method: Optional[str] = None,
                 scope: Union[str, Sequence[str], None] = None, audience: Optional[str] = None,
                 resource: Union[str, Sequence[str], None] = None, params: Optional[Mapping[str, str]] = None,
                 grant: str = "client_credentials", assertion_audience: Optional[str] = None,
                 assertion_alg: Optional[str] = None, assertion_lifetime: int = 120,
                 assertion_kid: Optional[str] = None, default_expires_in: int = 3600, http: Optional[Http] = None,
                 issuer: Optional[str] = None, idempotency_header: Optional[str] = None,
                 refresh_fraction: Optional[float] = None, refresh_margin: Optional[float] = None,
                 expiry_skew: Optional[float] = None, jitter: Optional[float] = None,
                 wait_timeout: Optional[float] = None, backoff_base: Optional[float] = None,
                 backoff_max: Optional[float] = None, permanent_backoff: Optional[float] = None,
                 background_refresh: bool = True, report_cache_hits: bool = False,
                 min_fetch_interval: Optional[float] = None, max_keys: Optional[int] = None,
                 on_event: Optional[Callable[[TokenEvent], Any]] = None,
                 logger: Optional[logging.Logger] = LOGGER, dpop: Union[bool, Key, DPoP, None] = None) -> None:
        super().__init__()
        if client_id is None:
            raise TypeError("client_id is required")
        if (token_url is None) == (issuer is None):
            raise TypeError("give token_url or issuer (discovery), not both")
        a = native.ClientArgs()
        a.client_id = to_text(client_id, "client_id")
        if token_url is not None:
            a.token_url = to_text(token_url, "token_url")
        if issuer is not None:
            a.issuer = to_text(issuer, "issuer")
        key: Optional[Key] = None
        if private_key is not None:
            key = private_key if isinstance(private_key, Key) else Key.from_pem(private_key, private_key_password)
        if auth_method is None:
            auth_method = "private_key_jwt" if key is not None else "client_secret_basic"
        try:
            a.auth_method = native.CLIENT_AUTH_METHODS[auth_method]
        except KeyError:
            raise ValueError(f"unknown auth_method {auth_method!r}; use one of {', '.join(CLIENT_AUTH_METHODS)}") \
                from None
        if client_secret is not None:
            a.client_secret = secret_text(client_secret, "client_secret")
        try:
            a.grant = _GRANTS[grant]
        except KeyError:
            raise ValueError(f"unknown grant {grant!r}; use 'client_credentials' or 'jwt_bearer'") from None
        a.scope = _words(scope, "scope")
        a.audience = optional_text(audience, "audience")
        if resource is not None:
            a.resources = _texts(resource, "resource")
        if params:
            a.params = [(to_text(k, "params"), to_text(v, f"params[{k!r}]")) for k, v in params.items()]
        a.assertion_audience = optional_text(assertion_audience, "assertion_audience")
        if assertion_alg is not None:
            a.assertion_alg = algorithm_id(assertion_alg)
        a.assertion_lifetime = int(assertion_lifetime)
        if assertion_kid == "thumbprint":
            a.assertion_kid_thumbprint = True
        else:
            a.assertion_kid = optional_text(assertion_kid, "assertion_kid")
        if default_expires_in != 3600:
            a.default_expires_in = int(default_expires_in)
        a.idempotency_header = optional_text(idempotency_header, "idempotency_header")
        self._dpop = dpop_of(dpop)
        if self._dpop is not None:
            a.dpop = self._dpop._native
        options = _manager_options(refresh_fraction, refresh_margin, expiry_skew, jitter, wait_timeout, backoff_base,
                                   backoff_max, permanent_backoff, background_refresh, report_cache_hits,
                                   min_fetch_interval, max_keys)
        transport = http if http is not None else default_http()
        self._init_from_args(a, key._native_key() if key is not None else None, transport._native_http(), options,
                             Token)
        self._client_id = a.client_id
        self._where = a.token_url or a.issuer
        self._logger = logger
        self._install_events(on_event)

    @classmethod
    def _from_config(cls, config_native: Any, http: Optional[Http], client_id: str, where: str,
                     on_event: Optional[Callable[[TokenEvent], Any]],
                     logger: Optional[logging.Logger] = LOGGER) -> "OAuth2Client":
        self = cls.__new__(cls)
        native.TokenManagerBase.__init__(self)
        self._dpop = None
        self._init_from_config(config_native, http._native_http() if http is not None else None, Token)
        self._client_id = client_id
        self._where = where
        self._logger = logger
        self._install_events(on_event)
        return self

    def _install_events(self, callback: Optional[Callable[[TokenEvent], Any]]) -> None:
        self._on_event = callback
        if self._logger is None and callback is None:
            self._set_event_callback(None, None)
        else:
            self._set_event_callback(_dispatcher(self._logger, callback), callback)

    # token() is the native method of TokenManagerBase (no Python frame on the hot path):
    if False:  # pragma: no cover  (documentation and type checkers)
        def token(self) -> Token:
            """The current token: the cached one while it is fresh (a few hundred ns), else it waits
            (at most ``wait_timeout``) for the one request in flight. Raises the token request's
            error (OAuthError, NetworkError, ...) when no valid token can be had."""

    @property
    def dpop(self) -> Optional[DPoP]:
        """The DPoP proof key, or None without DPoP."""
        return self._dpop

    @property
    def dpop_thumbprint(self) -> Optional[str]:
        """The RFC 7638 thumbprint of the DPoP key (the ``cnf.jkt`` of bound tokens), or None."""
        return self._dpop.thumbprint if self._dpop is not None else None

    @property
    def client_id(self) -> str:
        return self._client_id

    @property
    def on_event(self) -> Optional[Callable[[TokenEvent], Any]]:
        return getattr(self, "_on_event", None)

    @on_event.setter
    def on_event(self, callback: Optional[Callable[[TokenEvent], Any]]) -> None:
        if callback is not None and not callable(callback):
            raise TypeError("on_event must be callable")
        self._install_events(callback)

    @property
    def logger(self) -> Optional[logging.Logger]:
        """Where token events are logged (None: nowhere)."""
        return getattr(self, "_logger", None)

    def fetch(self) -> Token:
        """One token request, bypassing the cache (for scripts and diagnostics)."""
        return self._fetch()

    def exchange(self, *, subject_token: Union[str, bytes], subject_token_type: str,
                 actor_token: Union[str, bytes, None] = None, actor_token_type: Optional[str] = None,
                 requested_token_type: Optional[str] = None, audience: Union[None, str, Iterable[str]] = None,
                 resource: Union[None, str, Iterable[str]] = None, scope: Union[None, str, Iterable[str]] = None,
                 cached: bool = True, timeout: Optional[float] = None, cancel: Optional[Cancel] = None) -> Any:
        """RFC 8693 token exchange with this client's authentication: ``subject_token`` (a secret) of
        ``subject_token_type`` (a token type URI, e.g. ``m2mauth.TOKEN_TYPE_ACCESS_TOKEN``), optionally
        ``actor_token`` with ``actor_token_type``, ``requested_token_type``, ``audience`` and ``resource``
        (text or lists), ``scope``. Returns an :class:`m2mauth.exchange.ExchangedToken` (``issued_token_type``;
        ``token_type`` ``"N_A"`` for a token that is not an access token). ``cached`` (default): served
        from this client's cache, keyed by the subject token's SHA-256 and every parameter, no longer than
        the subject token's ``exp`` when it is a JWT; False: one request. Raises ProtocolError when the
        answer lacks ``issued_token_type`` or it differs from ``requested_token_type``, OAuthError for
        the server's refusals (``invalid_request``, ``invalid_target`` ...), ExpiredTokenError (no request)
        for a JWT subject token past its ``exp``."""
        from .exchange import exchange
        return exchange(self, subject_token=subject_token, subject_token_type=subject_token_type,
                        actor_token=actor_token, actor_token_type=actor_token_type,
                        requested_token_type=requested_token_type, audience=audience, resource=resource, scope=scope,
                        cached=cached, timeout=timeout, cancel=cancel)

    def invalidate(self, token: Union[Token, str, None] = None) -> None:
        """Drops the cached token if it still is ``token`` (None: whatever is cached), e.g. after the
        API answered 401 to it. The next :meth:`token` fetches a new one."""
        if isinstance(token, Token):
            token = token.access_token
        self._invalidate(optional_text(token, "token"))

    def authorize(self, headers: MutableMapping[str, str], method: Optional[str] = None,
                  url: Optional[str] = None) -> MutableMapping[str, str]:
        """Sets ``headers["Authorization"]`` to ``"Bearer <token>"`` and returns headers (for
        requests, httpx, urllib3 ...). With a DPoP-bound token it also sets ``headers["DPoP"]`` to a proof
        for ``method`` and ``url`` (both then required)."""
        t = self.token()
        headers["Authorization"] = f"{t[1]} {t[0]}"
        self._dpop_header(headers, t, method, url)
        return headers

    def _dpop_header(self, headers: MutableMapping[str, str], token: "Token", method: Optional[str],
                     url: Optional[str]) -> None:
        """A DPoP proof for a DPoP-bound token (RFC 9449 section 7.1); nothing for a Bearer token."""
        if self._dpop is None or token[1] != "DPoP":
            return
        if method is None or url is None:
            raise TypeError("a DPoP-bound token needs the request's method and url for its proof")
        headers["DPoP"] = self._dpop.proof(method, url, token[0])

    def token_for(self, scope: Union[str, Sequence[str], None] = None, *, audience: Optional[str] = None,
                  resource: Optional[str] = None, timeout: Optional[float] = None,
                  cancel: Optional[Cancel] = None) -> Token:
        """The token for another key: ``scope`` (text or a list), ``audience`` and ``resource`` sent with its
        token request instead of the configured ones (None: none). Each key has its own cached token and
        refresh (at most 64 per client). Read through the library's cached view: the token's ``scope`` is
        the one the server granted (the one asked for when it said none), its ``token_type`` the scheme sent
        ("Bearer" or "DPoP"). ``timeout`` (seconds) and ``cancel`` bound the wait as for :meth:`request`."""
        return self._token_for(_words(scope, "scope"), optional_text(audience, "audience"),
                               optional_text(resource, "resource"), _timeout_ms(timeout), cancel)

    def request(self, method: str, url: str, headers: HeadersArg = None, body: BodyArg = None, *,
                json: Any = None, timeout: Optional[float] = None, cancel: Optional[Cancel] = None) -> Response:
        """Sends an authenticated request through the client's transport and returns the response,
        whatever its status; on 401 it invalidates the token and retries once with a new one.
        ``json`` sends a JSON body (and Content-Type) instead of ``body``. ``timeout`` (seconds) bounds the
        whole call (the wait for a token and the sends); ``cancel`` (a :data:`Cancel`) stops it from
        another thread, the native transfer included."""
        return Response._from_native(self._request(*_request_args(method, url, headers, body, json, timeout),
                                                   cancel))

    async def token_async(self, *, timeout: Optional[float] = None) -> Token:
        """:meth:`token` for asyncio: never blocks the event loop. The fresh cached token is returned
        at once; otherwise the wait (or the one token request in flight) completes on a library thread
        (``m2mauth_token_manager_get_async``) and wakes this task. Cancelling the task ends the native
        wait at once; the shared token request goes on for the other callers. Raises the same
        exceptions as :meth:`token`; ``timeout`` (seconds) bounds the wait."""
        return await _token_async(self, timeout)

    async def token_for_async(self, scope: Union[str, Sequence[str], None] = None, *, audience: Optional[str] = None,
                              resource: Optional[str] = None, timeout: Optional[float] = None) -> Token:
        """:meth:`token_for` for asyncio (``m2mauth_token_manager_get_for_async``): never blocks the event
        loop; cancelling the task ends the native wait."""
        return await _token_for_async(self, _words(scope, "scope"), optional_text(audience, "audience"),
                                      optional_text(resource, "resource"), timeout)

    def close(self) -> None:
        """Stops the background refresh and releases the client (its secrets are wiped). Idempotent."""
        self._close()

    def __enter__(self) -> "OAuth2Client":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self.closed else ""
        return f"<m2mauth.OAuth2Client client_id={self._client_id!r} endpoint={self._where!r}{state}>"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("OAuth2Client objects cannot be pickled (they hold secrets)")


def _client_of(client: Any) -> OAuth2Client:
    """The OAuth2Client an adapter (m2mauth.requests, m2mauth.httpx) serves: ``client`` itself, or an
    AsyncOAuth2Client's client."""
    inner = client if isinstance(client, OAuth2Client) else getattr(client, "client", None)
    if not isinstance(inner, OAuth2Client):
        raise TypeError(f"OAuth2Auth needs an m2mauth.OAuth2Client, not {type(client).__name__}")
    return inner


# Last: m2mauth.aio uses the names above (a relative import inside token_async() would cost ~8 us a call).
from .aio import token_async as _token_async, token_for_async as _token_for_async  # noqa: E402
