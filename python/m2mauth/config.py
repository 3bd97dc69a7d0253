"""The configuration format every m2mauth language reads: a JSON file and ``M2MAUTH_*`` variables.

The C library parses and checks it (unknown keys, wrong types and values out of range are refused,
naming the key), so Python, C, C++, Java and Go read one file the same way::

    {"http":   {"ca_file": "/etc/ssl/corp-ca.pem", "timeout_ms": 10000},
     "oauth2": {"profile": "bmp", "token_url": "https://auth.moneyp.com.br/connect/token",
                "client_id": "bmp.digital.api.example", "private_key_file": "/run/secrets/bmp.pem",
                "scope": "api.read"},
     "senhasegura": {"base_url": "https://vault.example.com", "client_id": "...",
                     "client_secret_file": "/run/secrets/a2a-secret"}}

``M2MAUTH_<SECTION>_<KEY>`` variables override the file key by key (``M2MAUTH_OAUTH2_SCOPE``); the
file defaults to ``$M2MAUTH_CONFIG``. A secret X is given as X, X_file or X_env, never on a command
line. ``describe()`` shows the effective configuration with every secret ``"<redacted>"``.

Every key has one type (``resource`` is a list, never a string), numbers are decimal and the ranges
are the core's, a string holding U+0000 is refused, and a file the configuration names must be a
regular file (or a symlink to one) of at most 1 MiB: all raise ConfigError naming the key.
"""

from __future__ import annotations

import json
import os
from typing import Any, Callable, Dict, Mapping, Optional, Union

from . import errors
from ._convert import PathLike, path_arg, to_text
from ._native import native
from .http import Http

__all__ = ["Config", "load", "from_json"]


class Config:
    """A loaded configuration. Immutable and thread-safe; build clients from it with :meth:`http`,
    :meth:`oauth2_client` and :meth:`a2a_client`."""

    __slots__ = ("_native", "__weakref__")
    _native: Any  # the native configuration

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use m2mauth.config.load() or m2mauth.config.from_json()")

    @classmethod
    def _wrap(cls, handle: Any) -> "Config":
        c = object.__new__(cls)
        c._native = handle
        return c

    def describe(self) -> Dict[str, Any]:
        """The effective configuration, secrets ``"<redacted>"``, with ``_sources`` (the file read and
        the variables used): safe to log."""
        return json.loads(self._native.describe())

    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:
        """A non-secret value by ``"section.key"`` as text (numbers in decimal, booleans
        ``"true"``/``"false"``, lists and objects as JSON; for X_file / X_env the file or variable
        name), or ``default`` if not set. ValueError for an unknown name or a secret."""
        value = self._native.get(to_text(name, "name"))
        return default if value is None else value

    def has(self, name: str) -> bool:
        """True if ``"section"`` has any key set, or ``"section.key"`` is set."""
        return self._native.has(to_text(name, "name"))

    def http(self) -> Http:
        """A transport from the ``http`` section (the defaults when there is none)."""
        return Http._wrap(self._native.http())

    def oauth2_client(self, http: Optional[Http] = None, *, on_event: Optional[Callable[[Any], Any]] = None):
        """An :class:`~m2mauth.OAuth2Client` from the ``oauth2`` section (its tuning and idempotency
        header included), sending through ``http`` (default: a new transport from ``http``)."""
        from .oauth2 import OAuth2Client
        where = self.get("oauth2.token_url") or self.get("oauth2.issuer") or ""
        return OAuth2Client._from_config(self._native, http, self.get("oauth2.client_id") or "", where, on_event)

    def a2a_client(self, http: Optional[Http] = None):
        """A :class:`~m2mauth.senhasegura.A2AClient` from the ``senhasegura`` section."""
        from .senhasegura import A2AClient
        return A2AClient._from_config(self._native, http, self.get("senhasegura.base_url") or "",
                                      self.get("senhasegura.auth_method") or "oauth2")

    def close(self) -> None:
        """Releases the configuration and wipes its secrets. Idempotent."""
        self._native.close()

    def __enter__(self) -> "Config":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<m2mauth.config.Config closed>" if self._native.closed else \
            f"<m2mauth.config.Config sections={[s for s in ('http', 'oauth2', 'senhasegura', 'cache') if self.has(s)]}>"

    def __reduce__(self) -> Any:
        raise TypeError("Config objects cannot be pickled (they hold secrets)")


def load(path: Optional[PathLike] = None, *, use_env: bool = True) -> Config:
    """Loads the JSON file at ``path`` (default: ``$M2MAUTH_CONFIG``, or none) and, with use_env, the
    ``M2MAUTH_<SECTION>_<KEY>`` variables over it. Reads secret files and keys now. Raises
    ConfigError (the key named), FileError, or a key error for a key that does not load."""
    name = None if path is None else path_arg(path)
    try:
        return Config._wrap(native.Config.load(name, bool(use_env)))
    except errors.FileError as exc:  # the configuration file itself: also FileNotFoundError, ... (filename, errno)
        named = name if name is not None else os.environ.get("M2MAUTH_CONFIG")
        raise errors._with_os_error(exc, () if not named else ((named, False),)) from None


def from_json(text: Union[str, bytes, Mapping[str, Any]], *, use_env: bool = False) -> Config:
    """A configuration from JSON text or a dict (with use_env, the variables apply over it)."""
    if isinstance(text, Mapping):
        text = json.dumps(dict(text))
    return Config._wrap(native.Config.from_json(to_text(text, "text"), bool(use_env)))
