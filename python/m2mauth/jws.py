"""Compact JWS (RFC 7515) over raw bytes.

>>> key = Key.generate("OKP")
>>> token = sign(b"hello", key, "EdDSA")
>>> verify(token, key.public_key(), algorithms=["EdDSA"])
b'hello'

For JSON claims use :mod:`m2mauth.jwt`.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, Mapping, Optional, Tuple, Union

from ._convert import BytesLike, to_bytes, token_arg
from ._headers import header_args
from ._native import native
from .algorithms import Algorithms, allow_list
from .certificates import Certificate
from .keys import Key, KeySet

__all__ = ["sign", "sign_protected", "verify", "get_unverified_header", "decode_unverified"]

Token = Union[str, bytes]


def sign(payload: BytesLike, key: Key, algorithm: Optional[str], headers: Optional[Mapping[str, Any]] = None, *,
         certificate: Optional[Certificate] = None, certificate_headers: Iterable[str] = ("x5t#S256",)) -> str:
    """Signs payload (bytes) as a compact JWS ``header.payload.signature``.

    Args:
        payload: the bytes to sign.
        key: a private key (or HMAC key) whose type fits the algorithm.
        algorithm: a JWS algorithm name; None picks the key's default_algorithm.
        headers: more protected-header members. ``kid`` defaults to the key's kid; ``typ`` is absent
            unless given; a member set to None is omitted. ``alg`` may only repeat ``algorithm``.
        certificate: adds the members named in ``certificate_headers`` (``x5t``, ``x5t#S256``, ``x5c``).
    """
    args = header_args(algorithm, headers, certificate, certificate_headers)
    return native.jws_sign(_key(key), to_bytes(payload, "payload", allow_str=False), *args)


def sign_protected(payload: BytesLike, key: Key, protected_header: BytesLike) -> str:
    """Signs payload under exactly these protected-header bytes (a JSON object with ``alg``), without
    re-serialising them: for reproducing known-answer vectors."""
    return native.jws_sign_protected(_key(key), to_bytes(protected_header, "protected_header"),
                                     to_bytes(payload, "payload", allow_str=False))


def verify(token: Token, key: Union[Key, KeySet], algorithms: Algorithms) -> bytes:
    """Verifies a compact JWS and returns its payload.

    Only the algorithms in ``algorithms`` (required, e.g. ``["ES256"]``) are accepted, and the key type
    must fit the token's algorithm. ``none``, ``crit`` members and tokens over 1 MiB are refused.
    With a :class:`KeySet`, the key is chosen by the token's ``kid``.

    Raises:
        InvalidTokenError: (a subclass of it) when the token is refused.
    """
    text = token_arg(token)
    bits = allow_list(algorithms)
    if isinstance(key, KeySet):
        key = key.get(get_unverified_header(text).get("kid"))
    return native.jws_verify(_key(key), text, bits)


def get_unverified_header(token: Token) -> Dict[str, Any]:
    """The protected header of a token, NOT verified: for choosing a key (``kid``) only."""
    header, _ = native.jws_decode_unverified(token_arg(token))
    return json.loads(header)


def decode_unverified(token: Token) -> Tuple[Dict[str, Any], bytes]:
    """DANGEROUS: the header and payload of a token WITHOUT verifying anything. Diagnostics only."""
    header, payload = native.jws_decode_unverified(token_arg(token))
    return json.loads(header), payload


def _key(key: Any) -> Any:
    if isinstance(key, Key):
        return key._native_key()
    raise TypeError(f"key must be an m2mauth.Key, not {type(key).__name__}")
