"""m2mauth: machine-to-machine API authentication.

Keys and JWK, JWS and JWT today; OAuth 2.0 client authentication and token management, OAuth 1.0
request signing and the senhasegura A2A API as the library grows. One implementation (the C++ core
behind the C ABI of ``libm2mauth``) shared by C, C++, Python, Java and Go.

>>> import m2mauth
>>> key = m2mauth.Key.generate("RSA", bits=2048)
>>> token = m2mauth.jwt.encode({"iss": "svc", "exp": 4102444800}, key, algorithm="RS256")
>>> m2mauth.jwt.decode(token, key.public_key(), algorithms=["RS256"])["iss"]
'svc'

Modules: :mod:`m2mauth.jwt`, :mod:`m2mauth.jws`, :mod:`m2mauth.errors`; classes :class:`Key`,
:class:`KeySet`, :class:`Certificate`. Every failure raises an :class:`Error` subclass.
"""

from __future__ import annotations

from ._native import native as _ext
from .errors import *  # noqa: F401,F403  (the exception classes are part of the top-level API)
from .errors import __all__ as _error_names
from .algorithms import ALGORITHMS
from .keys import Key, KeySet
from .certificates import Certificate
from . import errors, jws, jwt

__version__: str = _ext.COMPILED_VERSION_STRING


def library_version() -> str:
    """The version details of the loaded libm2mauth, OpenSSL and libcurl (for bug reports)."""
    return _ext.library_version_details()


__all__ = ["ALGORITHMS", "Key", "KeySet", "Certificate", "errors", "jws", "jwt", "library_version",
           "__version__"] + list(_error_names)
