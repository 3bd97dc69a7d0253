"""Protected-header arguments shared by m2mauth.jws and m2mauth.jwt."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Optional, Tuple

from ._convert import dumps_compact, optional_text
from ._native import native
from .algorithms import algorithm_id

#: Header members that a certificate can add, by name.
CERTIFICATE_HEADERS = {"x5t": native.HEADER_X5T, "x5t#S256": native.HEADER_X5T_S256, "x5c": native.HEADER_X5C}

# (alg, typ, kid, cty, extra_json, certificate, certificate_members)
HeaderArgs = Tuple[int, Optional[str], Optional[str], Optional[str], Optional[str], Any, int]


def header_args(algorithm: Optional[str], headers: Optional[Mapping[str, Any]], certificate: Any,
                certificate_headers: Iterable[str]) -> HeaderArgs:
    """Splits the caller's header options into the fields of the C header options.

    ``typ``, ``kid`` and ``cty`` absent mean the library's default (for JWT, typ "JWT"; kid, the key's
    kid); None or "" omit the member. Other members go to the header as given. ``alg`` in headers
    must agree with ``algorithm``.
    """
    alg = 0 if algorithm is None else algorithm_id(algorithm)
    cert = None
    members = 0
    if certificate is not None:
        cert = certificate._native_cert()
        for name in certificate_headers:
            try:
                members |= CERTIFICATE_HEADERS[name]
            except KeyError:
                raise ValueError(f"unknown certificate header {name!r}; use x5t, x5t#S256 or x5c") from None
    if not headers:
        return alg, None, None, None, None, cert, members
    if not isinstance(headers, Mapping):
        raise TypeError(f"headers must be a mapping, not {type(headers).__name__}")
    extra = dict(headers)
    if "alg" in extra:
        named = extra.pop("alg")
        if named is not None and algorithm is not None and named != algorithm:
            raise ValueError(f"headers['alg'] ({named!r}) differs from algorithm ({algorithm!r})")
        if named is not None and algorithm is None:
            alg = algorithm_id(named)
    typ = _member(extra, "typ")
    kid = _member(extra, "kid")
    cty = _member(extra, "cty")
    return alg, typ, kid, cty, (dumps_compact(extra) if extra else None), cert, members


def _member(extra: dict, name: str) -> Optional[str]:
    if name not in extra:
        return None
    value = extra.pop(name)
    return "" if value is None else optional_text(value, f"headers[{name!r}]")
