"""Token events: the :class:`TokenEvent` record, and the dispatcher that sends each event of the C
library's token manager (``m2mauth_token_event``) to the ``m2mauth`` logger and to the user's
``on_event`` callback.

Levels: ``fetched``, ``refreshed`` and ``invalidated`` at DEBUG, ``failed`` at WARNING (with its
category: transient or permanent, the error name and code, the HTTP status, the OAuth ``error`` code,
when the next attempt may happen). ``cache_hit`` events are never logged (they would be on the cached
read path); the native layer passes them to Python only when a user callback wants them. A message
never holds a secret: no token, client secret or assertion, and no ``error_description`` (a server may
echo credentials there); the library has already escaped and bounded the ``error`` code.

The level is checked (``Logger.isEnabledFor``) before anything is formatted, so a disabled logger costs
one check per token request, never per cached read. Each record carries the event as
``record.m2mauth_event`` (a :class:`TokenEvent`) for structured handlers.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable, Optional

from ._native import native

__all__ = ["TokenEvent", "LOGGER", "dispatcher"]

#: The logger every client uses unless given another (``OAuth2Client(logger=...)``; None: no logging).
LOGGER = logging.getLogger("m2mauth")

_DEBUG = logging.DEBUG
_WARNING = logging.WARNING
_CANCELLED = -49  # M2MAUTH_ECANCELLED


class TokenEvent:
    """What the token manager did, for logs and metrics; never carries a secret.

    Attributes:
        kind: ``"fetched"``, ``"refreshed"``, ``"failed"``, ``"cache_hit"``, ``"invalidated"``, or from the cache
            shared by processes ``"shared_hit"``, ``"lease_wait"``, ``"shared_fallback"``.
        client_id, scope: whose token.
        expires_at: expiry (Unix seconds) of the token fetched, refreshed, served or invalidated; None if none.
        error: for ``failed``, the error name (e.g. ``"oauth"``, ``"network"``); else None.
        error_code: the library's status code for ``failed``, else 0.
        http_status: the HTTP status of a failed token request, 0 if none.
        oauth_error: the RFC 6749 ``error`` of a failed request, "" if none.
        transient: whether a failure may go away by itself.
        retry_after: seconds until the next attempt after a failure.
        duration: for ``fetched``, ``refreshed`` and ``failed``, the seconds getting the token took (the token
            request, or the shared cache's answer); else None.
    """

    __slots__ = ("kind", "client_id", "scope", "expires_at", "error", "error_code", "http_status", "oauth_error",
                 "transient", "retry_after", "duration")

    def __init__(self, kind: str, client_id: str, scope: str, expires_at: Optional[float], error_code: int = 0,
                 http_status: int = 0, transient: bool = False, retry_after: float = 0.0,
                 oauth_error: str = "", duration: Optional[float] = None) -> None:
        self.kind = kind
        self.client_id = client_id
        self.scope = scope
        self.expires_at = expires_at
        self.error_code = error_code
        self.error = native.error_name(error_code) if error_code else None
        self.http_status = http_status
        self.transient = transient
        self.retry_after = retry_after
        self.oauth_error = oauth_error
        self.duration = duration

    def __repr__(self) -> str:
        parts = [f"kind={self.kind!r}", f"client_id={self.client_id!r}"]
        if self.scope:
            parts.append(f"scope={self.scope!r}")
        if self.expires_at is not None:
            parts.append(f"expires_at={self.expires_at:.3f}")
        if self.duration is not None:
            parts.append(f"duration={self.duration:.3f}")
        if self.error:
            parts += [f"error={self.error!r}", f"http_status={self.http_status}", f"transient={self.transient}",
                      f"retry_after={self.retry_after:.3f}"]
            if self.oauth_error:
                parts.append(f"oauth_error={self.oauth_error!r}")
        return f"<m2mauth.TokenEvent {' '.join(parts)}>"


def _log(logger: Any, level: int, event: TokenEvent) -> None:
    who = f"client {event.client_id!r}" + (f" scope {event.scope!r}" if event.scope else "")
    extra = {"m2mauth_event": event}
    if event.kind == "failed":
        detail = [f"{'transient' if event.transient else 'permanent'} {event.error} error ({event.error_code})"]
        if event.http_status:
            detail.append(f"HTTP {event.http_status}")
        if event.oauth_error:
            detail.append(f"OAuth error {event.oauth_error!r}")
        logger.log(level, "m2mauth: token request failed for %s: %s; next attempt in %.1f s", who, ", ".join(detail),
                   event.retry_after, extra=extra)
    elif event.expires_at is not None and event.kind != "invalidated":
        # Never "-0 s": a token read after its expiry (a zero lifetime) says "expired".
        left = round(event.expires_at - time.time())
        if left > 0:
            logger.log(level, "m2mauth: token %s for %s, expires in %d s", event.kind, who, left, extra=extra)
        else:
            logger.log(level, "m2mauth: token %s for %s, already expired", event.kind, who, extra=extra)
    else:
        logger.log(level, "m2mauth: token %s for %s", event.kind, who, extra=extra)


def _event_of(kind: str, client_id: str, scope: str, expires_at_ms: int, error_code: int, http_status: int,
              transient: int, retry_after_ms: int, oauth_error: str, duration_ms: int = 0) -> TokenEvent:
    """The TokenEvent for the fields the native layer passes (milliseconds, 0 for none)."""
    timed = kind in ("fetched", "refreshed", "failed")
    return TokenEvent(kind, client_id, scope, expires_at_ms / 1000.0 if expires_at_ms else None, error_code,
                      http_status, bool(transient), retry_after_ms / 1000.0, oauth_error,
                      duration_ms / 1000.0 if timed else None)


def dispatcher(logger: Any, on_event: Optional[Callable[[TokenEvent], Any]]) -> Callable[..., None]:
    """The callable the native layer calls with an event's fields (on the thread that fetched, the GIL
    taken): it logs the event on ``logger`` (None: not) if its level is enabled, then calls
    ``on_event``."""

    def dispatch(kind: str, client_id: str, scope: str, expires_at_ms: int, error_code: int, http_status: int,
                 transient: int, retry_after_ms: int, oauth_error: str, duration_ms: int = 0) -> None:
        fields = (kind, client_id, scope, expires_at_ms, error_code, http_status, transient, retry_after_ms,
                  oauth_error, duration_ms)
        event: Optional[TokenEvent] = None
        try:
            if logger is not None and kind != "cache_hit":
                # A failure cancelled by closing the client while a fetch was in flight is the
                # application's own doing: DEBUG, like the other events (as in Java and Go).
                level = _WARNING if kind == "failed" and error_code != _CANCELLED else _DEBUG
                if logger.isEnabledFor(level):
                    event = _event_of(*fields)
                    _log(logger, level, event)
        finally:  # a failing logger does not stop the callback (its exception is reported afterwards)
            if on_event is not None:
                on_event(event if event is not None else _event_of(*fields))

    return dispatch
