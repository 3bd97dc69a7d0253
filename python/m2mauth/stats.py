"""What an :class:`~m2mauth.OAuth2Client` observed for one token key (``m2mauth_token_manager_stats``).

Counted by the C library: cached reads take no lock (each thread counts its own), so reading them costs
the hot path nothing. Never a secret: no token, no client secret, no error message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

from ._native import native

__all__ = ["TokenStats", "LATENCY_BOUNDS"]

# Upper bounds (seconds) of the token request latency buckets; the last bucket has none.
LATENCY_BOUNDS: Tuple[float, ...] = (0.005, 0.010, 0.025, 0.050, 0.100, 0.250, 0.500, 1.0, 2.5, 5.0, 10.0)


def _seconds(ms: int) -> Optional[float]:
    return None if ms == 0 else ms / 1000.0


@dataclass(frozen=True)
class TokenStats:
    """One key's counters and state. Times are Unix seconds, durations seconds.

    ``refresh_latency[i]`` counts token requests that took at most ``LATENCY_BOUNDS[i]`` (and more than
    the bound before); the last item counts slower ones. ``source`` is ``"fetched"`` (the key's first
    token request), ``"refreshed"`` (a later one) or ``"none"`` (no token cached). ``last_error_*``
    describe the last failed token request, kept after later successes (``last_error_code`` 0: none).
    ``waits`` counts the reads that waited for a token request, synchronous and ``await``-ed alike, and
    ``wait_time_total`` the seconds they spent waiting: each from the call until its token or error
    (timeout and cancel included).
    ``clock_offset``: the token server's clock minus this client's in seconds, as the last token
    response showed it (its JWT's ``iat``, else its ``Date``; 0 within the noise; clamped to +-1 hour),
    or None before one did.
    """

    cache_hits: int
    requests_ok: int
    requests_transient: int
    requests_permanent: int
    waits: int
    wait_time_total: float
    refresh_latency: Tuple[int, ...]
    has_token: bool
    source: str
    expires_at: Optional[float]
    expires_in: Optional[float]
    refresh_at: Optional[float]
    last_error_code: int
    last_error_category: str
    last_http_status: int
    last_oauth_error: str
    last_vendor_code: int
    clock_offset: Optional[float] = None
    scope: Optional[str] = None
    audience: Optional[str] = None
    resources: Tuple[str, ...] = ()

    @property
    def requests(self) -> int:
        """Token requests made for this key, whatever their outcome."""
        return self.requests_ok + self.requests_transient + self.requests_permanent

    @classmethod
    def _from_native(cls, d: Dict[str, Any], scope: Optional[str] = None, audience: Optional[str] = None,
                     resources: Tuple[str, ...] = ()) -> "TokenStats":
        category = d["last_error_category"]
        if isinstance(category, int):
            category = native.error_category_name(category) if d["last_error_code"] else "none"
        return cls(
            cache_hits=d["cache_hits"], requests_ok=d["requests_ok"], requests_transient=d["requests_transient"],
            requests_permanent=d["requests_permanent"], waits=d["waits"],
            wait_time_total=d["wait_ms_total"] / 1000.0, refresh_latency=tuple(d["refresh_latency"]),
            has_token=bool(d["has_token"]), source=d["source"], expires_at=_seconds(d["expires_at_ms"]),
            expires_in=_seconds(d["expires_in_ms"]), refresh_at=_seconds(d["refresh_at_ms"]),
            last_error_code=d["last_error_code"], last_error_category=category,
            last_http_status=d["last_http_status"], last_oauth_error=d["last_oauth_error"],
            last_vendor_code=d["last_vendor_code"],
            clock_offset=d["clock_offset_ms"] / 1000.0 if d["has_clock_offset"] else None, scope=scope,
            audience=audience, resources=tuple(resources))


def stats_of(handle: Any, configured: bool, scope: Optional[str], audience: Optional[str],
             resource: Optional[str]) -> TokenStats:
    return TokenStats._from_native(handle._stats(configured, scope, audience, resource), scope, audience,
                                   (resource,) if resource else ())


def all_stats(handle: Any) -> List[TokenStats]:
    doc = json.loads(handle._stats_json())
    return [TokenStats._from_native(k, k["scope"] or None, k["audience"] or None, tuple(k["resources"]))
            for k in doc["keys"]]
