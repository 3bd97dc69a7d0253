"""DPoP (RFC 9449): tokens bound to a key the client proves it holds.

``OAuth2Client(..., dpop=True)`` makes a fresh EC P-256 proof key (or give a :class:`~m2mauth.Key` or a
:class:`DPoP`): every token request carries a proof; a token the server answers with ``token_type`` DPoP is
sent by :meth:`~m2mauth.OAuth2Client.request` as ``Authorization: DPoP <token>`` with a fresh proof (``ath``,
the server's newest nonce); a ``use_dpop_nonce`` challenge is answered by one retry. :meth:`DPoP.proof` makes a
proof for any other request.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

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
