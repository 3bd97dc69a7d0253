"""DPoP (RFC 9449): tokens bound to a key the client proves it holds.

``OAuth2Client(..., dpop=True)`` makes a fresh EC P-256 proof key (or give a :class:`~m2mauth.Key` or a
:class:`DPoP`): every token request carries a proof; a token the server answers with ``token_type`` DPoP is
sent by :meth:`~m2mauth.OAuth2Client.request` as ``Authorization: DPoP <token>`` with a fresh proof (``ath``,
the server's newest nonce); a ``use_dpop_nonce`` challenge is answered by one retry. :meth:`DPoP.proof` makes a
proof for any other request.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Iterable, Optional, Tuple

from ._convert import optional_text, to_text
from ._native import native
from .algorithms import algorithm_id
from .keys import Key

__all__ = ["DPoP"]


class DPoP:
    """A DPoP proof key: EC P-256 made fresh by default, or a private EC, Ed25519 or RSA :class:`Key`
    (``alg``: its default, or e.g. ``"PS256"``). An HMAC or public-only key raises
    :class:`m2mauth.errors.KeyTypeError` / :class:`m2mauth.errors.NoPrivateKeyError`. Thread-safe."""

    __slots__ = ("_native",)

    def __init__(self, key: Optional[Key] = None, *, alg: Optional[str] = None) -> None:
        if key is None:
            if alg is not None:
                raise TypeError("alg needs a key")
            self._native = native.Dpop()
        else:
            if not isinstance(key, Key):
                raise TypeError("key must be an m2mauth.Key")
            self._native = native.Dpop(key._native_key(), algorithm_id(alg) if alg is not None else 0)

    @property
    def thumbprint(self) -> str:
        """The RFC 7638 SHA-256 thumbprint of the public key, base64url (``cnf.jkt`` of bound tokens)."""
        return self._native.thumbprint

    @property
    def public_jwk(self) -> Dict[str, Any]:
        """The public JWK the proofs carry (no private member)."""
        return json.loads(self._native.public_jwk)

    def proof(self, method: str, url: str, access_token: Optional[str] = None, nonce: Optional[str] = None) -> str:
        """A proof for one request: ``htm`` method, ``htu`` url without query and fragment, ``iat`` now, a fresh
        ``jti``, ``ath`` when access_token is given, and ``nonce`` (default: the newest this key has seen from
        the url's origin)."""
        return self._native.proof(to_text(method, "method"), to_text(url, "url"),
                                  optional_text(access_token, "access_token"), optional_text(nonce, "nonce"))

    def observe(self, url: str, status: int, headers: Iterable[Tuple[str, str]],
                body: Optional[bytes] = None) -> bool:
        """After a response to a request for ``url`` that carried a proof of this key: remembers its
        ``DPoP-Nonce`` header as the newest nonce of the url's origin, and returns True when the response
        asks for a nonce (a 401 with ``WWW-Authenticate: DPoP error="use_dpop_nonce"``, or a 400 whose JSON
        ``error`` is ``use_dpop_nonce``): then one new :meth:`proof` (it carries the new nonce) answers it.
        Retry once at most. ``headers``: (name, value) pairs; ``body``: needed for the 400 form only. The
        rule is the library's (``m2mauth_dpop_observe``): the adapters of :mod:`m2mauth.requests` and
        :mod:`m2mauth.httpx` follow it."""
        pairs = [(to_text(k, "header name"), to_text(v, "header value")) for k, v in headers]
        return self._native.observe(to_text(url, "url"), int(status), pairs,
                                    bytes(body) if body is not None else None)

    @classmethod
    def _wrap(cls, native_dpop: Any) -> "DPoP":
        """A DPoP over a native key the library already holds (an OAuth2Client's, read from its manager)."""
        self = cls.__new__(cls)
        self._native = native_dpop
        return self

    def __repr__(self) -> str:
        return f"<m2mauth.DPoP jkt={self.thumbprint}>"

    def __reduce__(self) -> Any:
        raise TypeError("a DPoP key cannot be pickled")


def dpop_of(value: Any) -> Optional[DPoP]:
    """OAuth2Client's ``dpop`` argument: None/False, True (a fresh key), a Key or a DPoP."""
    if value is None or value is False:
        return None
    if value is True:
        return DPoP()
    if isinstance(value, DPoP):
        return value
    if isinstance(value, Key):
        return DPoP(value)
    raise TypeError("dpop must be True, an m2mauth.Key or an m2mauth.DPoP")
