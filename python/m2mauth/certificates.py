"""X.509 certificates: fingerprints (for registering an mTLS client certificate), public keys, and
self-signed certificates for RFC 8705 ``self_signed_tls_client_auth`` and tests."""

from __future__ import annotations

import datetime as _dt
from typing import Any, Union

from . import errors
from ._convert import BytesLike, PathLike, path_arg, to_bytes, to_text
from ._native import native
from .keys import Key

__all__ = ["Certificate"]

_HASHES = {"sha256": native.HASH_SHA256, "sha1": native.HASH_SHA1}
_FORMATS = {"hex_colons": native.FP_HEX_COLONS, "hex": native.FP_HEX, "base64url": native.FP_BASE64URL}


class Certificate:
    """An X.509 certificate. Create one with :meth:`from_pem`, :meth:`from_der`, :meth:`from_file` or
    :meth:`self_signed`."""

    __slots__ = ("_native", "__weakref__")
    _native: Any  # the native certificate handle

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use Certificate.from_pem(), Certificate.from_der(), Certificate.from_file() "
                        "or Certificate.self_signed()")

    @classmethod
    def _wrap(cls, handle: Any) -> "Certificate":
        cert = object.__new__(cls)
        cert._native = handle
        return cert

    @classmethod
    def from_pem(cls, data: Union[BytesLike, str]) -> "Certificate":
        """The first certificate of PEM text."""
        return cls._wrap(native.Certificate.from_pem(to_bytes(data, "data")))

    @classmethod
    def from_der(cls, data: BytesLike) -> "Certificate":
        """A DER-encoded certificate (nothing may follow it)."""
        return cls._wrap(native.Certificate.from_der(to_bytes(data, "data", allow_str=False)))

    @classmethod
    def _from_pem_or_der(cls, data: Union[BytesLike, str]) -> "Certificate":
        """PEM when the data holds a PEM boundary, else DER (as the library reads a certificate file)."""
        raw = to_bytes(data, "data")
        return cls.from_pem(raw) if b"-----BEGIN " in raw else cls.from_der(raw)

    @classmethod
    def from_file(cls, path: PathLike) -> "Certificate":
        """A certificate from a PEM or DER file. A file that cannot be read raises
        :class:`m2mauth.errors.FileError`, also ``FileNotFoundError``/``PermissionError``/... with
        ``filename`` and ``errno``."""
        name = path_arg(path)
        try:
            return cls._wrap(native.Certificate.from_file(name))
        except errors.FileError as exc:  # also FileNotFoundError, PermissionError, ... with filename and errno
            raise errors._with_os_error(exc, ((name, False),)) from None

    @classmethod
    def self_signed(cls, key: Key, common_name: str, days: int = 365) -> "Certificate":
        """A self-signed certificate for key: subject CN=common_name, valid from a minute ago for days."""
        if not isinstance(key, Key):
            raise TypeError(f"key must be an m2mauth.Key, not {type(key).__name__}")
        if isinstance(days, bool) or not isinstance(days, int) or days <= 0:
            raise ValueError("days must be a positive int")
        return cls._wrap(native.Certificate.self_signed(key._native_key(), to_text(common_name, "common_name"), days))

    def fingerprint(self, hash: str = "sha256", format: str = "hex_colons") -> str:
        """The hash of the DER encoding: ``hash`` "sha256" or "sha1"; ``format`` "hex_colons"
        (``AB:CD:...``, as ``openssl x509 -fingerprint`` prints), "hex" (lower case) or "base64url"
        (as the JWS ``x5t``/``x5t#S256`` headers)."""
        try:
            h = _HASHES[hash]
        except KeyError:
            raise ValueError(f"unknown hash {hash!r}; use 'sha256' or 'sha1'") from None
        try:
            f = _FORMATS[format]
        except KeyError:
            raise ValueError(f"unknown format {format!r}; use 'hex_colons', 'hex' or 'base64url'") from None
        return self._native.fingerprint(h, f)

    def public_key(self) -> Key:
        """The certificate's public key."""
        return Key._wrap(self._native.public_key())

    @property
    def der(self) -> bytes:
        return self._native.der()

    @property
    def pem(self) -> str:
        return self._native.pem()

    @property
    def subject(self) -> str:
        """The subject as an RFC 2253 string, e.g. ``"CN=client,O=Example"``."""
        return self._native.subject()

    @property
    def not_after(self) -> _dt.datetime:
        """The end of validity, as an aware datetime in UTC."""
        return _dt.datetime.fromtimestamp(self._native.not_after(), tz=_dt.timezone.utc)

    @property
    def not_after_timestamp(self) -> int:
        """The end of validity in Unix seconds."""
        return self._native.not_after()

    @property
    def closed(self) -> bool:
        return self._native.closed

    def close(self) -> None:
        """Releases the native certificate now. Idempotent."""
        self._native.close()

    def __enter__(self) -> "Certificate":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Certificate):
            return NotImplemented
        return self is other or self.der == other.der

    def __hash__(self) -> int:
        return hash(self.der)

    def __repr__(self) -> str:
        if self.closed:
            return "<m2mauth.Certificate closed>"
        return f"<m2mauth.Certificate subject={self.subject!r} not_after={self.not_after.isoformat()}>"

    def _native_cert(self) -> Any:
        return self._native
