"""Argument conversion shared by the modules: bytes, text, paths, passphrases, JSON."""

from __future__ import annotations

import json
import math
import os
from typing import Any, Mapping, Optional, Union

from .errors import MalformedError

BytesLike = Union[bytes, bytearray, memoryview]
Password = Union[str, bytes, bytearray, None]
PathLike = Union[str, "os.PathLike[str]"]

_COMPACT = (",", ":")


def to_bytes(value: Any, what: str, *, allow_str: bool = True) -> bytes:
    """bytes from bytes-like objects (and str as UTF-8 when allow_str)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    if allow_str and isinstance(value, str):
        return value.encode("utf-8")
    kinds = "bytes or str" if allow_str else "bytes"
    raise TypeError(f"{what} must be {kinds}, not {type(value).__name__}")


def _text(value: Any, what: str, expected: str) -> str:
    if isinstance(value, (bytes, bytearray, memoryview)):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{what} is not valid UTF-8") from None
    elif not isinstance(value, str):
        raise TypeError(f"{what} must be {expected}, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what} contains a NUL character")
    return value


def to_text(value: Any, what: str) -> str:
    """str from str or UTF-8 bytes; refuses NUL characters (the C API reads NUL-terminated text)."""
    return _text(value, what, "str")


def token_arg(token: Any) -> str:
    """A compact token as str: ASCII only and without NUL (which would truncate it in the C API)."""
    if isinstance(token, str):
        if "\0" in token:
            raise MalformedError("the token contains a NUL character")
        return token
    if isinstance(token, (bytes, bytearray, memoryview)):
        try:
            return token_arg(bytes(token).decode("ascii"))
        except UnicodeDecodeError:
            raise MalformedError("the token is not ASCII") from None
    raise TypeError(f"token must be str or bytes, not {type(token).__name__}")


def optional_text(value: Any, what: str) -> Optional[str]:
    return None if value is None else to_text(value, what)


def password_arg(password: Password) -> Optional[bytes]:
    """A passphrase as bytes for the library (str is UTF-8 encoded). Never echoed in errors."""
    if password is None:
        return None
    if isinstance(password, str):
        password = password.encode("utf-8")
    elif isinstance(password, (bytes, bytearray, memoryview)):
        password = bytes(password)
    else:
        raise TypeError(f"password must be str or bytes, not {type(password).__name__}")
    if b"\0" in password:
        raise ValueError("password contains a NUL character")
    return password


def secret_text(value: Any, what: str) -> str:
    """A secret (client secret, token, passphrase) as text for the library: str, or UTF-8 bytes.
    Never echoed in errors (the messages name `what`, never the value)."""
    return _text(value, what, "str or bytes")


def path_arg(path: Any) -> str:
    return to_text(os.fspath(path), "path")


def json_object_text(value: Any, what: str) -> str:
    """A JSON object as compact text, from a mapping or from JSON text (checked to be an object)."""
    if isinstance(value, Mapping):
        return json.dumps(dict(value), separators=_COMPACT)
    text = to_text(value, what)
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} is not valid JSON: {exc.msg}") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"{what} must be a JSON object")
    return text


def dumps_compact(value: Any, cls: Optional[type] = None) -> str:
    return json.dumps(value, separators=_COMPACT, cls=cls)


def duration_ms(value: Any, what: str) -> Optional[int]:
    """Seconds -> whole milliseconds for the C options (None stays None: the library's default).

    0 keeps its meaning (see the option); a duration that is not 0 never rounds to 0. Ranges are the
    library's: a negative or too large value fails there with InvalidArgumentError (a ValueError).
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number of seconds, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{what} must be a finite number of seconds")
    ms = int(round(value * 1000))
    if ms == 0 and value != 0:
        ms = 1 if value > 0 else -1
    # Beyond int64 the native cast would fail untyped: clamp, so the library refuses it by its own rule.
    return max(-(2**63), min(ms, 2**63 - 1))
