"""HTTP: the transport every network call of m2mauth goes through, and its response values.

:class:`Http` is libcurl inside ``libm2mauth``: connections are kept alive and shared between
threads, TLS is verified by default, plain ``http://`` is refused except to loopback, redirects are
never followed, and responses are bounded in size. One transport can serve any number of OAuth 2.0
clients, A2A clients and direct calls::

    http = m2mauth.Http(ca_file="/etc/ssl/corp-ca.pem", timeout=10)
    r = http.send("GET", "https://api.example/health")
    r.status, r.headers["content-type"], r.json()

Network calls release the GIL.
"""

from __future__ import annotations

import json as _json
import math
from typing import Any, Dict, Iterable, Iterator, List, Mapping, MutableMapping, Optional, Tuple, Union

from . import errors
from ._convert import PathLike, duration_ms, secret_text, to_text
from ._native import native

__all__ = ["Http", "Response", "Headers", "Cancel", "DEFAULT_MAX_RESPONSE_BYTES", "describe_http_options"]

#: A cancel signal for a call in progress (``Http.send(..., cancel=c)``, ``OAuth2Client.request(..., cancel=c)``,
#: ``A2AClient.credential(..., cancel=c)``): ``c.cancel()`` from any thread stops the native transfer or the wait
#: for a token at once; the call raises :class:`m2mauth.errors.CancelledError`. Once cancelled it stays so
#: (``c.cancelled``).
Cancel = native.Cancel


def call_timeout_ms(timeout: Optional[float]) -> int:
    """A call's timeout in seconds as whole milliseconds for the call options (None: 0, none)."""
    if timeout is None:
        return 0
    if not (timeout > 0) or math.isinf(timeout):
        raise ValueError("timeout must be a positive number of seconds")
    return max(1, int(math.ceil(timeout * 1000)))

#: The library's default bound on a response body (4 MiB).
# The C default (m2mauth_http_options_init), not a copy of it.
DEFAULT_MAX_RESPONSE_BYTES: int = _json.loads(native.describe_http_options({}))["max_response_bytes"]

HeadersArg = Union[None, Mapping[str, str], Iterable[Tuple[str, str]]]
BodyArg = Union[None, bytes, bytearray, memoryview, str]


class Headers(Mapping[str, str]):
    """Response headers: a read-only, case-insensitive mapping that keeps every value of a repeated
    header. ``h["Content-Type"]`` is the first value (KeyError if absent), ``h.get_all(name)`` every
    value, ``h.items()`` the (name, value) pairs in order, with repeats. ``len()`` counts distinct names.
    """

    __slots__ = ("_pairs", "_index")

    def __init__(self, pairs: Iterable[Tuple[str, str]] = ()) -> None:
        self._pairs: List[Tuple[str, str]] = [(str(n), str(v)) for n, v in pairs]
        self._index: Dict[str, List[str]] = {}
        for name, value in self._pairs:
            self._index.setdefault(name.lower(), []).append(value)

    def __getitem__(self, name: str) -> str:
        return self._index[name.lower()][0]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._index

    def __iter__(self) -> Iterator[str]:
        seen = set()
        for name, _ in self._pairs:
            if name.lower() not in seen:
                seen.add(name.lower())
                yield name

    def __len__(self) -> int:
        return len(self._index)

    def get_all(self, name: str) -> List[str]:
        """Every value of the header, in order ([] if absent)."""
        return list(self._index.get(name.lower(), ()))

    def items(self) -> List[Tuple[str, str]]:  # type: ignore[override]
        """The (name, value) pairs in the order received, repeated headers included."""
        return list(self._pairs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return self._pairs == other._pairs
        if isinstance(other, Mapping):
            return {k.lower(): v for k, v in other.items()} == {k: v[0] for k, v in self._index.items()}
        return NotImplemented

    def __repr__(self) -> str:
        return f"Headers({self._pairs!r})"


class Response:
    """An HTTP response, whatever its status: ``status``, ``headers`` (:class:`Headers`), ``body``
    (bytes), ``text`` (decoded with the charset of Content-Type, else UTF-8) and ``json()``."""

    __slots__ = ("status", "headers", "body")

    status: int
    headers: Headers
    body: bytes

    def __init__(self, status: int, headers: Iterable[Tuple[str, str]], body: bytes) -> None:
        self.status = status
        self.headers = headers if isinstance(headers, Headers) else Headers(headers)
        self.body = body

    @classmethod
    def _from_native(cls, t: Tuple[int, List[Tuple[str, str]], bytes]) -> "Response":
        return cls(t[0], t[1], t[2])

    @property
    def ok(self) -> bool:
        """True for a 2xx status."""
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        charset = "utf-8"
        ctype = self.headers.get("Content-Type", "")
        for part in ctype.split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body parsed as JSON (ValueError if it is not JSON)."""
        return _json.loads(self.body)

    def __repr__(self) -> str:
        return f"<m2mauth.Response status={self.status} bytes={len(self.body)}>"


def _options(ca_file: Optional[PathLike], ca_dir: Optional[PathLike], client_cert: Optional[Union[PathLike, str]],
             client_key: Optional[Union[PathLike, str]], client_key_password: Any, client_cert_type: str,
             proxy: Optional[str], connect_timeout: Optional[float], timeout: Optional[float],
             max_response_bytes: Optional[int], verify: bool, allow_plain_http: bool,
             user_agent: Optional[str]) -> Dict[str, Any]:
    import os
    o: Dict[str, Any] = {}
    for name, value in (("ca_file", ca_file), ("ca_dir", ca_dir), ("client_cert", client_cert),
                        ("client_key", client_key)):
        if value is not None:
            o[name] = to_text(os.fspath(value) if not isinstance(value, (str, bytes)) else value, name)
    if client_key_password is not None:
        o["client_key_password"] = secret_text(client_key_password, "client_key_password")
    if client_cert_type not in ("PEM", "P12"):
        raise ValueError("client_cert_type must be 'PEM' or 'P12'")
    o["client_cert_type"] = client_cert_type
    if proxy is not None:
        o["proxy"] = to_text(proxy, "proxy")
    if user_agent is not None:
        o["user_agent"] = to_text(user_agent, "user_agent")
    for key, value, name in (("connect_timeout_ms", connect_timeout, "connect_timeout"),
                             ("timeout_ms", timeout, "timeout")):
        ms = duration_ms(value, name)
        if ms is not None:
            o[key] = ms
    if max_response_bytes is not None:
        if isinstance(max_response_bytes, bool) or not isinstance(max_response_bytes, int):
            raise TypeError("max_response_bytes must be an int")
        if max_response_bytes < 0:
            raise ValueError("max_response_bytes must not be negative (0: no limit)")
        o["max_response_bytes"] = max_response_bytes
    if not isinstance(verify, bool):
        raise TypeError("verify must be a bool (give a CA bundle with ca_file)")
    o["verify"] = verify
    o["allow_plain_http"] = bool(allow_plain_http)
    return o


def _option_paths(options: Dict[str, Any]) -> List[Tuple[str, bool]]:
    """The files an options dict names, as (path, directory_ok), for errors._with_os_error."""
    return [(options[name], name == "ca_dir") for name in ("ca_file", "ca_dir", "client_cert", "client_key")
            if name in options]


def describe_http_options(ca_file: Optional[PathLike] = None, ca_dir: Optional[PathLike] = None,
                          client_cert: Optional[Union[PathLike, str]] = None,
                          client_key: Optional[Union[PathLike, str]] = None,
                          client_key_password: Union[str, bytes, None] = None, client_cert_type: str = "PEM",
                          proxy: Optional[str] = None, connect_timeout: Optional[float] = None,
                          timeout: Optional[float] = None, max_response_bytes: Optional[int] = None,
                          verify: bool = True, allow_plain_http: bool = False, *,
                          user_agent: Optional[str] = None) -> Dict[str, Any]:
    """The configuration :class:`Http` would use with these arguments, as the C library renders it
    (``m2mauth_http_options_describe``: the C member names, milliseconds, secrets ``"<redacted>"``).
    Raises InvalidArgumentError for a value out of range."""
    return _json.loads(native.describe_http_options(
        _options(ca_file, ca_dir, client_cert, client_key, client_key_password, client_cert_type, proxy,
                 connect_timeout, timeout, max_response_bytes, verify, allow_plain_http, user_agent)))


def header_list(headers: HeadersArg) -> List[Tuple[str, str]]:
    """Request headers as (name, value) pairs from a mapping or an iterable of pairs."""
    if headers is None:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    out = []
    for name, value in items:
        out.append((to_text(name, "header name"), to_text(value, f"header {name!r}")))
    return out


def body_bytes(body: BodyArg) -> Optional[bytes]:
    if body is None:
        return None
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise TypeError(f"body must be bytes or str, not {type(body).__name__}")


class Http:
    """An HTTP(S) transport. Thread-safe; share one per process (or per set of TLS settings).

    Args:
        ca_file, ca_dir: trust these CAs instead of the system store.
        client_cert, client_key: mTLS client certificate and key (file path or PEM text);
            ``client_key`` defaults to the key inside ``client_cert``.
        client_key_password: passphrase of an encrypted key or of a PKCS#12 file.
        client_cert_type: ``"PEM"`` or ``"P12"``.
        proxy: proxy URL (environment variables such as HTTPS_PROXY are ignored).
        connect_timeout, timeout: seconds to connect (default 10; 0: libcurl's own, 300), and for the
            whole transfer (default 30; 0: no limit). None keeps the library's default.
        max_response_bytes: larger responses fail with TooLargeError (default 4 MiB; 0: no limit).
        verify: False disables TLS verification. For tests against throwaway servers only.
        allow_plain_http: allow ``http://`` to hosts that are not loopback (discouraged).
    """

    __slots__ = ("_native", "__weakref__")

    def __init__(self, ca_file: Optional[PathLike] = None, ca_dir: Optional[PathLike] = None,
                 client_cert: Optional[Union[PathLike, str]] = None, client_key: Optional[Union[PathLike, str]] = None,
                 client_key_password: Union[str, bytes, None] = None, client_cert_type: str = "PEM",
                 proxy: Optional[str] = None, connect_timeout: Optional[float] = None,
                 timeout: Optional[float] = None, max_response_bytes: Optional[int] = None, verify: bool = True,
                 allow_plain_http: bool = False, *, user_agent: Optional[str] = None) -> None:
        options = _options(ca_file, ca_dir, client_cert, client_key, client_key_password, client_cert_type, proxy,
                           connect_timeout, timeout, max_response_bytes, verify, allow_plain_http, user_agent)
        try:
            self._native = native.Http(options)
        except errors.ConfigError as exc:  # a certificate or key file: also FileNotFoundError, ... (filename, errno)
            raise errors._with_os_error(exc, _option_paths(options)) from None

    @classmethod
    def _wrap(cls, handle: Any) -> "Http":
        h = object.__new__(cls)
        h._native = handle
        return h

    def override(self, url_prefix: str, ca_file: Optional[PathLike] = None, ca_dir: Optional[PathLike] = None,
                 client_cert: Optional[Union[PathLike, str]] = None, client_key: Optional[Union[PathLike, str]] = None,
                 client_key_password: Union[str, bytes, None] = None, client_cert_type: str = "PEM",
                 proxy: Optional[str] = None, connect_timeout: Optional[float] = None,
                 timeout: Optional[float] = None, max_response_bytes: Optional[int] = None, verify: bool = True,
                 allow_plain_http: bool = False, *, user_agent: Optional[str] = None) -> "Http":
        """Uses these settings instead for URLs that start with ``url_prefix`` (the longest prefix
        wins), e.g. a client certificate for one vault only. Returns self. Only before the first
        request (README "Threads"): afterwards it raises StateError."""
        options = _options(ca_file, ca_dir, client_cert, client_key, client_key_password, client_cert_type, proxy,
                           connect_timeout, timeout, max_response_bytes, verify, allow_plain_http, user_agent)
        try:
            self._native.add_override(to_text(url_prefix, "url_prefix"), options)
        except errors.ConfigError as exc:
            raise errors._with_os_error(exc, _option_paths(options)) from None
        return self

    def send(self, method: str, url: str, headers: HeadersArg = None, body: BodyArg = None, *,
             timeout: Optional[float] = None, cancel: Optional[Cancel] = None) -> Response:
        """Sends one request and returns the response, whatever its status. Raises NetworkError,
        NetworkTimeoutError, TLSError, InsecureTransportError or TooLargeError when no response
        arrives. ``timeout`` (seconds) bounds this call within the transport's own timeout; ``cancel``
        (a :data:`Cancel`) stops the transfer from another thread (CancelledError)."""
        return Response._from_native(self._native.send(to_text(method, "method"), to_text(url, "url"),
                                                       header_list(headers), body_bytes(body),
                                                       call_timeout_ms(timeout), cancel))

    def close(self) -> None:
        """Releases the transport (clients using it keep it alive). Idempotent."""
        self._native.close()

    @property
    def closed(self) -> bool:
        return self._native.closed

    def __enter__(self) -> "Http":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<m2mauth.Http closed>" if self.closed else "<m2mauth.Http>"

    def _native_http(self) -> Any:
        return self._native


_default: Optional[Http] = None


def default_http() -> Http:
    """The process-wide transport with the default settings (made on first use)."""
    global _default
    if _default is None or _default.closed:
        _default = Http()
    return _default
