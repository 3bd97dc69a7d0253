"""m2mauth: machine-to-machine API authentication.

Keys and JWK, JWS and JWT; HTTP with TLS and mTLS; OAuth 2.0 client credentials with a token cache;
OAuth 1.0 request signing; the senhasegura A2A API; one configuration format. One implementation (the
C++ core behind the C ABI of ``libm2mauth``) shared by C, C++, Python, Java and Go.

>>> import m2mauth
>>> key = m2mauth.Key.generate("RSA", bits=2048)
>>> token = m2mauth.jwt.encode({"iss": "svc", "exp": 4102444800}, key, algorithm="RS256")
>>> m2mauth.jwt.decode(token, key.public_key(), algorithms=["RS256"])["iss"]
'svc'

Modules: :mod:`m2mauth.jwt`, :mod:`m2mauth.jws`, :mod:`m2mauth.http`, :mod:`m2mauth.oauth2`,
:mod:`m2mauth.oauth1`, :mod:`m2mauth.senhasegura`, :mod:`m2mauth.config`, :mod:`m2mauth.errors`;
classes :class:`Key`, :class:`KeySet`, :class:`Certificate`, :class:`Http`, :class:`OAuth2Client`,
:class:`AsyncOAuth2Client` (asyncio), :class:`OAuth1`. Every failure raises an :class:`Error` subclass.
Adapters, optional extras imported only when asked for: :mod:`m2mauth.requests`, :mod:`m2mauth.httpx`.
Token events go to the ``m2mauth`` logger.
"""

from __future__ import annotations

from ._native import native as _ext
from .errors import *  # noqa: F401,F403  (the exception classes are part of the top-level API)
from .algorithms import ALGORITHMS
from .keys import Key, KeySet
from .certificates import Certificate
from .http import Http, Response, Headers, describe_http_options
from .oauth2 import Cancel, OAuth2Client, Token, TokenEvent, describe_manager_options
from .dpop import DPoP
from .stats import TokenStats
from .aio import AsyncOAuth2Client
from .oauth1 import OAuth1
from . import errors, jws, jwt, http, oauth1, oauth2, senhasegura, config
from . import exchange
from .exchange import (ExchangedToken, TOKEN_TYPE_ACCESS_TOKEN, TOKEN_TYPE_REFRESH_TOKEN, TOKEN_TYPE_ID_TOKEN,
                       TOKEN_TYPE_SAML1, TOKEN_TYPE_SAML2, TOKEN_TYPE_JWT)

__version__: str = _ext.COMPILED_VERSION_STRING


def library_version() -> str:
    """The version details of the loaded libm2mauth, OpenSSL and libcurl (for bug reports)."""
    return str(_ext.library_version_details())


__all__ = ["ALGORITHMS", "Key", "KeySet", "Certificate", "Http", "Response", "Headers", "OAuth2Client",
           "AsyncOAuth2Client", "Token",
           "TokenEvent", "Cancel", "describe_http_options", "describe_manager_options", "OAuth1", "errors", "jws", "jwt", "http", "oauth1", "oauth2", "senhasegura", "config",
           "library_version", "__version__"]
__all__ += ["DPoP"]
from .key_source import KeySource  # noqa: E402
__all__ += ["KeySource"]
__all__ += ["TokenStats"]
__all__ += ["exchange"] + exchange.__all__  # RFC 8693
__all__ += errors.__all__  # in this form type checkers see the exception classes as exported too
