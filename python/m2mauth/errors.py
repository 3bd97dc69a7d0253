"""The exception hierarchy of m2mauth.

Every failure reported by the library is an :class:`Error` carrying the library's status ``code``
(a negative ``m2mauth_error_code``) and its stable ``name`` (``m2mauth_error_name()``, e.g.
``"signature"``). Each code has its own class; the intermediate classes group them the way callers
usually want to catch them::

    Error
    ├── InvalidInputError (also ValueError)   invalid_argument, too_large
    │   └── MalformedError (also InvalidTokenError)   malformed
    ├── InvalidTokenError                      the token was refused
    │   ├── InvalidSignatureError, AlgorithmError
    │   ├── ExpiredTokenError, ImmatureTokenError > IssuedInFutureError
    │   └── InvalidClaimError, MissingClaimError
    ├── InvalidKeyError (also ValueError)      KeyFormatError, KeyTypeError, PassphraseError, NoPrivateKeyError,
    │                                          SignerError
    ├── UnsupportedError (also ValueError), NotFoundError (also LookupError), StateError, ConfigError,
    │   OutOfMemoryError (also MemoryError)
    ├── FileError (also OSError)               a file named by the caller that cannot be read
    ├── TransientError                         NetworkError > NetworkTimeoutError (also TimeoutError),
    │                                          BackoffError
    └── TLSError, InsecureTransportError, HTTPError, OAuthError, ProtocolError, VendorError,
        UnauthorizedError, CancelledError

Which class a code raises is derived from its category (``m2mauth_error_category()``): one table maps
each category to its family class (``_FAMILY_BY_CATEGORY``); within the family, the class that declares
the code's name (``default_name``) is raised. tests/vectors/m2mauth/errors.json states the family of
every code for every language.

The built-in classes a Python user catches are bases too: invalid arguments are ``ValueError``
(``InvalidInputError``, ``InvalidKeyError``, ``UnsupportedError``); wrong types are ``TypeError`` (raised
by the package before the library is called); a file that cannot be read is an ``OSError`` whose
``filename`` and ``errno`` are set when the package knows the path, and then also the built-in of its
errno (``FileNotFoundError``, ``PermissionError``, ``IsADirectoryError``, ``NotADirectoryError``), as
``open()`` would raise: ``except FileNotFoundError`` catches ``Key.from_file("missing.pem")``.

Names follow PyJWT where it has one (``InvalidTokenError``, ``InvalidSignatureError``,
``InvalidKeyError``; ``ExpiredSignatureError`` and friends are aliases). Messages come from the library,
which never puts secrets (keys, passphrases, client secrets, tokens) in them.
"""

from __future__ import annotations

import builtins
import errno as _errno
import os
import stat
from typing import Any, Dict, Iterable, Optional, Tuple, Type

__all__ = [
    "Error",
    "InvalidInputError",
    "InvalidArgumentError",
    "TooLargeError",
    "MalformedError",
    "InvalidTokenError",
    "InvalidSignatureError",
    "AlgorithmError",
    "ExpiredTokenError",
    "ImmatureTokenError",
    "IssuedInFutureError",
    "InvalidClaimError",
    "MissingClaimError",
    "InvalidKeyError",
    "KeyFormatError",
    "KeyTypeError",
    "PassphraseError",
    "NoPrivateKeyError",
    "SignerError",
    "UnsupportedError",
    "NotFoundError",
    "StateError",
    "FileError",
    "ConfigError",
    "OutOfMemoryError",
    "TransientError",
    "NetworkError",
    "NetworkTimeoutError",
    "BackoffError",
    "TLSError",
    "InsecureTransportError",
    "HTTPError",
    "OAuthError",
    "ProtocolError",
    "VendorError",
    "UnauthorizedError",
    "CancelledError",
    "ExpiredSignatureError",
    "ImmatureSignatureError",
    "InvalidAlgorithmError",
    "DecodeError",
    "MissingRequiredClaimError",
    "error_class_for",
    "family_for_category",
]


class Error(Exception):
    """Base class of every m2mauth error.

    Attributes:
        code: the library status code (negative), e.g. -21.
        name: the code's stable name, e.g. ``"signature"``.
        message: a human-readable description without secrets.
        transient: True if retrying later may succeed (the library's one rule,
            ``m2mauth_error_is_transient``: the failure says so, e.g. a 503, or the code is transient by
            nature).
        category: the code's category name (``m2mauth_error_category_name()``), e.g.
            ``"verification"``.
        http_status: the HTTP status of the response that failed, 0 if none.
        vendor_code: a vendor API's own error code, 0 if none.
        retry_after: seconds to wait before retrying (float), 0.0 if none.

    Network, HTTP, OAuth and vendor errors carry ``transient`` and ``retry_after`` too: a 503 with
    ``Retry-After: 2`` is an :class:`HTTPError` with ``transient`` True and ``retry_after`` 2.0.
    """

    #: the status code a class stands for when raised from Python code.
    default_code: int = -1
    default_name: str = "error"

    code: int
    name: str
    message: str
    transient: bool
    category: str
    http_status: int
    vendor_code: int
    retry_after: float

    def __init__(
        self,
        message: str = "",
        *,
        code: Optional[int] = None,
        name: Optional[str] = None,
        transient: Optional[bool] = None,
        http_status: int = 0,
        vendor_code: int = 0,
        retry_after_ms: int = 0,
        category: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = self.default_code if code is None else code
        self.name = self.default_name if name is None else name
        self.transient = isinstance(self, TransientError) if transient is None else bool(transient)
        self.http_status = http_status
        self.vendor_code = vendor_code
        self.retry_after = retry_after_ms / 1000.0
        self.category = _category_name(self.code) if category is None else category

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code}, name={self.name!r})"

    def __reduce__(self) -> Any:  # keeps the attributes through pickling (multiprocessing, logging queues)
        return (_rebuild, (_class_spec(type(self)), self.message, dict(self.__dict__)))


def _rebuild(spec: Any, message: str, state: Dict[str, Any]) -> Error:
    cls = _os_class(*spec) if isinstance(spec, tuple) else spec
    exc: Error = cls.__new__(cls)
    Exception.__init__(exc, message)
    for name, value in state.items():
        setattr(exc, name, value)  # errno, strerror, filename are OSError's slots, not __dict__ entries
    return exc


# ---- invalid input ------------------------------------------------------------------------------

class InvalidInputError(Error, ValueError):
    """The input is not acceptable: an invalid argument, malformed data, or data over a size limit."""

    default_code, default_name = -2, "invalid_argument"


class InvalidArgumentError(InvalidInputError):
    """An argument is invalid (out of range, empty, a bad option)."""

    default_code, default_name = -2, "invalid_argument"


class TooLargeError(InvalidInputError):
    """An input or response is over its size limit."""

    default_code, default_name = -5, "too_large"


# ---- token verification -------------------------------------------------------------------------

class InvalidTokenError(Error):
    """A token (JWS or JWT) was refused. Catch this to handle every verification failure."""


class MalformedError(InvalidInputError, InvalidTokenError):
    """A token, base64url text or JSON is malformed (PyJWT: ``DecodeError``)."""

    default_code, default_name = -20, "malformed"


class InvalidSignatureError(InvalidTokenError):
    """The signature does not verify."""

    default_code, default_name = -21, "signature"


class AlgorithmError(InvalidTokenError):
    """The algorithm is unknown, ``none``, or not in the allow-list."""

    default_code, default_name = -22, "algorithm"


class ExpiredTokenError(InvalidTokenError):
    """``exp`` is in the past (beyond the leeway)."""

    default_code, default_name = -23, "expired"


class ImmatureTokenError(InvalidTokenError):
    """``nbf`` is in the future (beyond the leeway)."""

    default_code, default_name = -24, "not_yet_valid"


class IssuedInFutureError(ImmatureTokenError):
    """``iat`` is in the future (beyond the leeway)."""

    default_code, default_name = -25, "issued_in_future"


class InvalidClaimError(InvalidTokenError):
    """``iss``, ``sub``, ``aud`` or another claim has a wrong value or type."""

    default_code, default_name = -26, "claim"


class MissingClaimError(InvalidTokenError):
    """A required claim is absent."""

    default_code, default_name = -27, "missing_claim"


# ---- keys ---------------------------------------------------------------------------------------

class InvalidKeyError(Error, ValueError):
    """A key or certificate cannot be used (also the built-in :class:`ValueError`, as
    ``cryptography`` raises for key data it cannot load)."""

    default_code, default_name = -10, "key"


class KeyFormatError(InvalidKeyError):
    """A key or certificate could not be parsed or is invalid."""

    default_code, default_name = -10, "key"


class KeyTypeError(InvalidKeyError):
    """The key type does not fit the algorithm or the operation."""

    default_code, default_name = -11, "key_type"


class PassphraseError(InvalidKeyError):
    """An encrypted key needs a passphrase, or the passphrase is wrong."""

    default_code, default_name = -12, "passphrase"


class NoPrivateKeyError(InvalidKeyError):
    """The operation needs a private key; the key is public."""

    default_code, default_name = -13, "no_private_key"


class SignerError(InvalidKeyError):
    """A signer key's sign function (a KMS, an HSM) failed or answered no valid signature; the message
    carries its text."""

    default_code, default_name = -14, "signer"


# ---- general ------------------------------------------------------------------------------------

class UnsupportedError(Error, ValueError):
    """An algorithm, curve, key size or feature is not supported (also :class:`ValueError`)."""

    default_code, default_name = -4, "unsupported"


class NotFoundError(Error, LookupError):
    """No such item (a kid in a JWKS, a claim, a file)."""

    default_code, default_name = -6, "not_found"


class StateError(Error):
    """The object is not in a state that allows the call."""

    default_code, default_name = -7, "state"


class FileError(Error, OSError):
    """Reading or writing a file failed. Also the built-in :class:`OSError`: ``filename`` and ``errno``
    (and ``strerror``) are set when the package knows the path (``Key.from_file``,
    ``Certificate.from_file``, ``config.load``), and the exception is then also the built-in class of
    its errno (:class:`FileNotFoundError`, :class:`PermissionError`, :class:`IsADirectoryError`, ...).
    ``str()`` is the library's message, which names the file and never its content."""

    default_code, default_name = -8, "io"

    def __reduce__(self) -> Any:  # OSError's attributes live outside __dict__
        state = dict(self.__dict__, errno=self.errno, strerror=self.strerror, filename=self.filename)
        return (_rebuild, (_class_spec(type(self)), self.message, state))


class ConfigError(Error):
    """The configuration is invalid or incomplete."""

    default_code, default_name = -9, "config"


class OutOfMemoryError(Error, MemoryError):
    """The library ran out of memory."""

    default_code, default_name = -3, "out_of_memory"


# ---- network, HTTP and OAuth --------------------------------------------------------------------

class TransientError(Error):
    """A failure that is transient by nature: retrying later may succeed.

    Other errors may also be transient (an HTTP 503, say): check ``exc.transient``.
    """

    default_code, default_name = -40, "network"


class NetworkError(TransientError):
    """The connection failed or was reset."""

    default_code, default_name = -40, "network"


class NetworkTimeoutError(NetworkError, builtins.TimeoutError):
    """A timeout or deadline expired (also the built-in :class:`TimeoutError`)."""

    default_code, default_name = -41, "timeout"


class BackoffError(TransientError):
    """A previous failure is still backing off; retry after ``retry_after`` seconds."""

    default_code, default_name = -50, "backoff"


class TLSError(Error):
    """The TLS handshake or certificate verification failed."""

    default_code, default_name = -42, "tls"


class InsecureTransportError(Error):
    """Plain http:// to a host that is not loopback was refused."""

    default_code, default_name = -43, "insecure"


class HTTPError(Error):
    """An unexpected HTTP status without an OAuth error body (see ``http_status``)."""

    default_code, default_name = -44, "http"


class OAuthError(Error):
    """The server answered with an RFC 6749 section 5.2 error.

    Attributes:
        error: the ``error`` member, e.g. ``"invalid_client"``.
        error_description: the ``error_description`` member, "" if absent.
        error_uri: the ``error_uri`` member, "" if absent.
    """

    default_code, default_name = -45, "oauth"

    error: str
    error_description: str
    error_uri: str

    def __init__(self, message: str = "", *, error: str = "", error_description: str = "",
                 error_uri: str = "", **kwargs) -> None:
        super().__init__(message, **kwargs)
        self.error = error
        self.error_description = error_description
        self.error_uri = error_uri


class ProtocolError(Error):
    """A response is not what the protocol requires (not JSON, no token, ...)."""

    default_code, default_name = -46, "protocol"


class VendorError(Error):
    """A vendor API reported an error in its response envelope (see ``vendor_code``)."""

    default_code, default_name = -47, "vendor"


class UnauthorizedError(Error):
    """The API rejected the credentials (401) after one retry."""

    default_code, default_name = -48, "unauthorized"


class CancelledError(Error):
    """The operation was cancelled."""

    default_code, default_name = -49, "cancelled"


# PyJWT's names, for code moving from PyJWT.
ExpiredSignatureError = ExpiredTokenError
ImmatureSignatureError = ImmatureTokenError
InvalidAlgorithmError = AlgorithmError
DecodeError = MalformedError
MissingRequiredClaimError = MissingClaimError

# The one table: each category (by its m2mauth_error_category_name()) to its family class. Categories
# a newer library adds and this table does not know become a plain Error (with the right code and name).
_FAMILY_BY_CATEGORY: Dict[str, Type[Error]] = {
    "internal": Error,
    "input": InvalidInputError,
    "unsupported": UnsupportedError,
    "not_found": NotFoundError,
    "state": StateError,
    "io": FileError,
    "config": ConfigError,
    "key": InvalidKeyError,
    "verification": InvalidTokenError,
    "network": NetworkError,
    "timeout": NetworkTimeoutError,
    "tls": TLSError,
    "insecure_transport": InsecureTransportError,
    "http": HTTPError,
    "protocol": ProtocolError,
    "oauth_refusal": OAuthError,
    "vendor": VendorError,
    "unauthorized": UnauthorizedError,
    "cancelled": CancelledError,
    "backoff": BackoffError,
}


def _declared_names() -> Dict[str, Type[Error]]:
    """Code name -> the most derived class that declares it as its own ``default_name``."""
    found: Dict[str, Type[Error]] = {}
    pending = [Error]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        name = cls.__dict__.get("default_name")
        if name is not None and (name not in found or issubclass(cls, found[name])):
            found[name] = cls
    return found


_BY_NAME = _declared_names()


def _native_module() -> Any:
    from . import _m2mauth  # loaded by the package before any error is raised

    return _m2mauth


def _category_name(code: int) -> str:
    return _native_module().error_category_name(_native_module().error_category(code))


def family_for_category(category: str) -> Type[Error]:
    """The family class of a category name, e.g. ``"verification"`` -> :class:`InvalidTokenError`."""
    return _FAMILY_BY_CATEGORY.get(category, Error)


def _class_for(name: str, category: str) -> Type[Error]:
    family = family_for_category(category)
    cls = _BY_NAME.get(name)
    return cls if cls is not None and issubclass(cls, family) else family


def error_class_for(code: int) -> Type[Error]:
    """The exception class for a library status code: its category's family, or the class within that
    family declared for the code (``Error`` for codes the library does not know)."""
    native = _native_module()
    return _class_for(native.error_name(code), _category_name(code))


def _from_native(code: int, name: str, category: str, message: str, transient: bool, http_status: int,
                 oauth_error: str, oauth_error_description: str, oauth_error_uri: str,
                 vendor_code: int, retry_after_ms: int) -> Error:
    """Builds the exception for a failed library call (called by the native module)."""
    cls = _class_for(name, category)
    common: Dict[str, Any] = dict(code=code, name=name, transient=transient, http_status=http_status,
                                  vendor_code=vendor_code, retry_after_ms=retry_after_ms, category=category)
    if issubclass(cls, OAuthError):
        return cls(message, error=oauth_error, error_description=oauth_error_description,
                   error_uri=oauth_error_uri, **common)
    return cls(message, **common)


# ---- OSError for files the caller named --------------------------------------------------------------

# The built-in class a Python user expects for an errno, as open() raises it.
_OS_BUILTINS: Dict[int, Type[OSError]] = {
    _errno.ENOENT: builtins.FileNotFoundError,
    _errno.EACCES: builtins.PermissionError,
    _errno.EPERM: builtins.PermissionError,
    _errno.EISDIR: builtins.IsADirectoryError,
    _errno.ENOTDIR: builtins.NotADirectoryError,
}
# (m2mauth class, built-in class) -> the class deriving from both; made once each, on first use.
_OS_CLASSES: Dict[Tuple[Type[Error], Type[OSError]], Type[Error]] = {}


def _os_class(base: Type[Error], builtin: Type[OSError]) -> Type[Error]:
    """The class that is both ``base`` (e.g. FileError) and ``builtin`` (e.g. FileNotFoundError). It
    carries base's name, so reprs and tracebacks read as before."""
    cls = _OS_CLASSES.get((base, builtin))
    if cls is None:
        made = type(base.__name__, (base, builtin), {
            "__module__": base.__module__, "__qualname__": base.__qualname__,
            "__doc__": f"{base.__name__} that is also the built-in {builtin.__name__}."})
        cls = _OS_CLASSES.setdefault((base, builtin), made)
    return cls


def _class_spec(cls: Type[Error]) -> Any:
    """What pickling stores for an exception class: the class, or (base, builtin) for a made one."""
    for pair, made in _OS_CLASSES.items():
        if made is cls:
            return pair
    return cls


def _path_errno(path: str, directory_ok: bool = False) -> Optional[int]:
    """The errno of opening ``path`` for reading as the library does (EISDIR for a directory unless
    ``directory_ok``), or None if it opens now."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return exc.errno
    try:
        mode = os.fstat(fd).st_mode
    finally:
        os.close(fd)
    return _errno.EISDIR if stat.S_ISDIR(mode) and not directory_ok else None


def _with_os_error(exc: Error, paths: Iterable[Tuple[str, bool]]) -> Error:
    """A library error about one of the files the caller named, as the OSError a Python user catches.

    ``paths`` are (path, directory_ok) in the order the library reads them. The library reports the
    failure as a status and a message; the errno is found again by opening the paths the same way (the
    first that fails). FileError and ConfigError (a transport's certificate file) get ``filename``,
    ``errno``, ``strerror`` and the built-in class of that errno; other errors are returned unchanged.
    """
    if not isinstance(exc, (FileError, ConfigError)) or isinstance(exc, OSError) and exc.errno is not None:
        return exc
    for path, directory_ok in paths:
        if f'"{path}"' not in exc.message:  # the library names the file it failed on
            continue
        err = _path_errno(path, directory_ok)
        if err is None:
            continue
        base = type(exc)
        builtin = _OS_BUILTINS.get(err, OSError)
        cls = base if issubclass(base, builtin) else _os_class(base, builtin)
        out = _rebuild(cls, exc.message, dict(exc.__dict__))
        out.errno, out.strerror, out.filename = err, os.strerror(err), path  # type: ignore[attr-defined]
        out.__traceback__ = exc.__traceback__
        return out
    return exc

