"""Key rotation without a restart: a :class:`KeySource` reads a private key from a file (PEM or DER) or a
``pkcs11:`` URI and reads it again on :meth:`KeySource.reload` (e.g. from a SIGHUP handler's thread) or, with
``reload_interval``, on the first use after that many seconds. ``OAuth2Client(private_key=source)`` signs each
new client assertion with the current key; a key without a kid is named by its RFC 7638 thumbprint, so the
server sees the new kid at once.
"""

from __future__ import annotations

import os
from typing import Any, Optional

from . import errors
from ._convert import Password, PathLike, duration_ms, password_arg, to_text
from ._native import native
from .keys import Key

__all__ = ["KeySource"]


class KeySource:
    """A rotating private key. ``location``: a key file or a ``pkcs11:`` URI; ``password``: the file's
    passphrase or the token's PIN; ``reload_interval`` (seconds): reload on the first use after it (None:
    :meth:`reload` only). The key is loaded now (the loaders' errors; a public key raises
    :class:`m2mauth.errors.NoPrivateKeyError`). A failed reload keeps the current key. Thread-safe."""

    __slots__ = ("_native", "_location")

    def __init__(self, location: PathLike, password: Password = None, *,
                 reload_interval: Optional[float] = None) -> None:
        self._location = to_text(os.fspath(location), "location")
        interval = duration_ms(reload_interval, "reload_interval") if reload_interval is not None else 0
        try:
            self._native = native.KeySource(self._location, password_arg(password), interval or 0)
        except errors.FileError as exc:  # also FileNotFoundError, PermissionError, ... as Key.from_file
            raise errors._with_os_error(exc, ((self._location, False),)) from None

    def reload(self) -> None:
        """Loads the key again now; raises the loader's error (and keeps the current key) on failure."""
        self._native.reload()

    def current(self) -> Key:
        """The current key (reloaded first when the interval has passed)."""
        return Key._wrap(self._native.current())

    @property
    def location(self) -> str:
        """The file or URI the key is read from (never the key or its password)."""
        return self._location

    def __repr__(self) -> str:
        return f"<m2mauth.KeySource {self._location!r}>"

    def __reduce__(self) -> Any:
        raise TypeError("a KeySource cannot be pickled")
