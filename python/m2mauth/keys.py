"""Keys: RSA, EC (P-256/384/521), Ed25519 and HMAC secrets, and JWK sets.

A :class:`Key` wraps one native key handle. It is immutable and may be shared between threads; parse
it once and reuse it (parsing a PEM costs more than a signature). ``close()`` (or a ``with`` block)
releases the handle early, and with it the key material, which the library wipes.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from . import errors
from ._convert import BytesLike, Password, PathLike, json_object_text, optional_text, password_arg, path_arg, \
    to_bytes, to_text
from ._native import native
from .algorithms import algorithm_id

__all__ = ["Key", "KeySet"]

_EC_CURVES = ("P-256", "P-384", "P-521")


class Key:
    """A key for signing and verifying. Create one with a class method, never with ``Key()``:

    >>> key = Key.generate("EC", curve="P-256")
    >>> key.kty, key.curve
    ('EC', 'P-256')

    The repr shows only kty, bits, curve and kid; key material is never printed or pickled.
    """

    __slots__ = ("_native", "__weakref__")
    _native: Any  # the native key handle

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use Key.generate(), Key.from_pem(), Key.from_jwk(), Key.hmac() or Key.from_file()")

    @classmethod
    def _wrap(cls, handle: Any) -> "Key":
        key = object.__new__(cls)
        key._native = handle
        return key

    # ---- creation -------------------------------------------------------------------------------

    @classmethod
    def generate(cls, kty: str, *, bits: Optional[int] = None, curve: Optional[str] = None,
                 kid: Optional[str] = None) -> "Key":
        """A new key: ``"RSA"`` (bits 2048, 3072 or 4096; default 2048), ``"EC"`` (curve P-256,
        P-384 or P-521; default P-256), ``"OKP"`` (curve Ed25519) or ``"oct"`` (an HMAC secret of
        ``bits`` bits from the OS CSPRNG; default 256). ``kid`` sets the key id."""
        if kty == "RSA":
            _no(curve, "curve", kty)
            handle = native.Key.generate_rsa(_int(2048 if bits is None else bits, "bits"))
        elif kty == "EC":
            _no(bits, "bits", kty)
            curve = "P-256" if curve is None else curve
            if curve not in _EC_CURVES:
                raise errors.UnsupportedError(f"unsupported EC curve {curve!r}; use P-256, P-384 or P-521")
            handle = native.Key.generate_ec(curve)
        elif kty == "OKP":
            _no(bits, "bits", kty)
            if curve not in (None, "Ed25519"):
                raise errors.UnsupportedError(f"unsupported OKP curve {curve!r}; use Ed25519")
            handle = native.Key.generate_ed25519()
        elif kty == "oct":
            _no(curve, "curve", kty)
            bits = _int(256 if bits is None else bits, "bits")
            if bits % 8:
                raise ValueError("bits must be a multiple of 8 for an HMAC key")
            handle = native.Key.generate_hmac(bits // 8)
        else:
            raise ValueError(f"unknown key type {kty!r}; use 'RSA', 'EC', 'OKP' or 'oct'")
        key = cls._wrap(handle)
        return key if kid is None else key.with_kid(kid)

    @classmethod
    def hmac(cls, secret: Union[BytesLike, str], *, kid: Optional[str] = None) -> "Key":
        """An HMAC key from secret bytes (str is UTF-8 encoded), as for HS256/384/512."""
        key = cls._wrap(native.Key.from_secret(to_bytes(secret, "secret")))
        return key if kid is None else key.with_kid(kid)

    @classmethod
    def from_pem(cls, data: Union[BytesLike, str], password: Password = None) -> "Key":
        """A key from PEM: a private key (PKCS#8, encrypted PKCS#8, PKCS#1, SEC1), a public key
        (SPKI, PKCS#1) or a certificate (its public key). ``password`` for encrypted keys."""
        return cls._wrap(native.Key.from_pem(to_bytes(data, "data"), password_arg(password)))

    @classmethod
    def from_der(cls, data: BytesLike, password: Password = None) -> "Key":
        """A key from DER: PKCS#8 (possibly encrypted), PKCS#1, SEC1, SPKI or a certificate."""
        return cls._wrap(native.Key.from_der(to_bytes(data, "data", allow_str=False), password_arg(password)))

    @classmethod
    def from_file(cls, path: PathLike, password: Password = None) -> "Key":
        """A key from a PEM or DER file (at most 1 MiB). A file that cannot be read raises
        :class:`m2mauth.errors.FileError`, also the built-in ``OSError`` of its errno (``FileNotFoundError``,
        ``PermissionError``, ``IsADirectoryError``) with ``filename`` and ``errno``."""
        name = path_arg(path)
        try:
            return cls._wrap(native.Key.from_file(name, password_arg(password)))
        except errors.FileError as exc:  # also FileNotFoundError, PermissionError, ... with filename and errno
            raise errors._with_os_error(exc, ((name, False),)) from None

    @classmethod
    def from_jwk(cls, jwk: Union[Mapping[str, Any], str, bytes]) -> "Key":
        """A key from a JWK, given as a dict or as JSON text (public or private; RSA, EC, OKP, oct).

        A JWK ``"alg"`` binds the key to that algorithm (RFC 7517 4.4): it signs with it by default and
        signs or verifies with no other (:class:`m2mauth.errors.AlgorithmError`, whatever the allow-list).
        """
        return cls._wrap(native.Key.from_jwk(json_object_text(jwk, "jwk")))

    @classmethod
    def from_jwks(cls, jwks: Union[Mapping[str, Any], str, bytes], kid: Optional[str] = None) -> "Key":
        """The key with ``kid`` from a JWK set; without kid, the only key of a one-key set. The set may hold
        private keys (a signing key stored as a set); a :class:`KeySet` for verification may not."""
        return cls._wrap(native.Key.from_jwks(json_object_text(jwks, "jwks"), optional_text(kid, "kid")))

    @classmethod
    def from_signer(cls, public_key: "Key", sign: Callable[[str, bytes], bytes], *,
                    algorithm: Optional[str] = None) -> "Key":
        """A key whose private part stays elsewhere (a cloud KMS, a Vault transit key, an HSM): it signs
        everywhere a private key does (JWTs, private_key_jwt assertions, OAuth 1.0 RSA) by calling
        ``sign(alg, data)``.

        ``sign`` gets the algorithm name (``"RS256"``, ``"PS256"``, ``"ES256"``, ``"EdDSA"``, ...; OAuth 1.0
        RSA-SHA1 asks for ``"RSA-SHA1"``) and the exact bytes to sign, and returns the signature bytes:
        RSA as usual, ECDSA as raw R||S or DER (what KMS APIs return), Ed25519 64 bytes. An exception it
        raises fails the signing call with :class:`m2mauth.errors.SignerError` and the exception's text.
        Every signature is checked with the public key first. The library calls ``sign`` from the
        signing thread, one call at a time per key, never from inside another call of the same key.

        ``public_key`` says what the key is (its public part is used; its kid is kept). ``algorithm``
        binds the key to one algorithm, as a JWK ``"alg"`` does. The private key cannot be exported."""
        if not callable(sign):
            raise TypeError("sign must be callable: sign(alg: str, data: bytes) -> bytes")
        alg = 0 if algorithm is None else algorithm_id(algorithm)
        return cls._wrap(native.Key.from_signer(_native_of(public_key), sign, alg))

    @classmethod
    def from_pkcs11(cls, uri: str, pin: Password = None) -> "Key":
        """A private key held by a PKCS#11 token (an HSM, a smart card, SoftHSM), by RFC 7512 URI, e.g.
        ``"pkcs11:token=prod;object=signing-key;type=private"``. It signs everywhere a private key does and
        never leaves the token. The PIN: ``pin``, else the URI's ``pin-value``, else the environment
        variable ``M2MAUTH_PKCS11_PIN``; the module: the URI's ``module-path`` query attribute, else
        ``M2MAUTH_PKCS11_MODULE``. Needs OpenSSL's pkcs11 engine (Debian: libengine-pkcs11-openssl)."""
        return cls._wrap(native.Key.from_pkcs11(to_text(uri, "uri"), password_arg(pin)))

    # ---- properties -----------------------------------------------------------------------------

    @property
    def kty(self) -> str:
        """``"RSA"``, ``"EC"``, ``"OKP"`` or ``"oct"``."""
        return self._native.kty

    @property
    def bits(self) -> int:
        """RSA modulus size, EC field size, 256 for Ed25519, secret length in bits for HMAC."""
        return self._native.bits

    @property
    def curve(self) -> Optional[str]:
        """``"P-256"``, ``"P-384"``, ``"P-521"``, ``"Ed25519"``, or None for RSA and HMAC keys."""
        return self._native.curve or None

    @property
    def kid(self) -> Optional[str]:
        """The key id, or None."""
        return self._native.kid or None

    @property
    def has_private(self) -> bool:
        """True if the key holds private (or secret) material."""
        return self._native.has_private

    @property
    def is_signer(self) -> bool:
        """True for a key made by :meth:`from_signer`."""
        return self._native.is_signer

    @property
    def default_algorithm(self) -> str:
        """The usual algorithm for this key: RS256, ES256/384/512 by curve, EdDSA or HS256."""
        return native.alg_name(self._native.default_alg)

    @property
    def closed(self) -> bool:
        return self._native.closed

    # ---- derived keys ---------------------------------------------------------------------------

    def public_key(self) -> "Key":
        """A new key holding only the public part."""
        return Key._wrap(self._native.public_key())

    def with_kid(self, kid: Optional[str] = None) -> "Key":
        """A new key for the same material with ``kid`` set; by default the RFC 7638 thumbprint."""
        return Key._wrap(self._native.with_kid(self.thumbprint() if kid is None else to_text(kid, "kid")))

    # ---- export ---------------------------------------------------------------------------------

    def private_pem(self, password: Password = None) -> str:
        """The private key as PKCS#8 PEM, encrypted (AES-256-CBC, PBKDF2) when ``password`` is given."""
        return self._native.private_pem(password_arg(password))

    def private_jwk(self) -> Dict[str, Any]:
        """The private key as a JWK dict. A secret: handle with care."""
        return json.loads(self._native.private_jwk())

    def public_pem(self) -> str:
        """The public key as SPKI PEM (``BEGIN PUBLIC KEY``), what ``openssl rsa -pubout`` writes."""
        return self._native.public_pem()

    def public_der(self) -> bytes:
        """The public key as SPKI DER."""
        return self._native.public_der()

    def public_jwk(self, alg: Optional[str] = None, use: Optional[str] = None) -> Dict[str, Any]:
        """The public key as a JWK dict, with ``kid`` if the key has one and ``alg``/``use`` if given.
        HMAC keys have no public form (KeyTypeError)."""
        return json.loads(self._native.public_jwk(optional_text(alg, "alg"), optional_text(use, "use")))

    def thumbprint(self) -> str:
        """The RFC 7638 JWK thumbprint (SHA-256, base64url)."""
        return self._native.thumbprint()

    # ---- lifetime and Python protocols -----------------------------------------------------------

    def close(self) -> None:
        """Releases the native key now (the library wipes its material). Idempotent."""
        self._native.close()

    def __enter__(self) -> "Key":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        if self.closed:
            return "<m2mauth.Key closed>"
        parts = [f"kty={self.kty!r}", f"bits={self.bits}"]
        if self.curve:
            parts.append(f"curve={self.curve!r}")
        if self.kid:
            parts.append(f"kid={self.kid!r}")
        return f"<m2mauth.Key {' '.join(parts)}>"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        """Keys are equal when they hold the same material (same thumbprint and privateness); the kid
        is not compared."""
        if not isinstance(other, Key):
            return NotImplemented
        if self is other:
            return True
        return (self.kty == other.kty and self.has_private == other.has_private
                and self.thumbprint() == other.thumbprint())

    def __hash__(self) -> int:
        return hash((self.kty, self.thumbprint()))

    def __copy__(self) -> "Key":
        return self  # immutable

    def __deepcopy__(self, memo: Any) -> "Key":
        return self

    def __reduce__(self) -> Any:
        raise TypeError("Key objects cannot be pickled (that would copy key material); "
                        "export with private_pem() or public_jwk() explicitly")

    def _native_key(self) -> Any:
        return self._native


class KeySet:
    """A JWK set (``{"keys": [...]}``) from which verifiers pick a key by the token's ``kid``.

    A set of verification keys: it must be one a verifier accepts, so a key carrying a private member
    (``d``, ``p``, ``q``, ``dp``, ``dq``, ``qi``, ``oth``) is refused with :class:`m2mauth.errors.KeyFormatError`
    and :meth:`to_json` never gives private material back. A private key stored as a JWK set is read with
    :meth:`Key.from_jwks`; private material leaves only through :meth:`Key.private_jwk` or
    :meth:`Key.private_pem`.

    >>> ks = KeySet.from_keys([Key.generate("EC", kid="a"), Key.generate("EC", kid="b")])
    >>> sorted(ks.kids)
    ['a', 'b']
    """

    __slots__ = ("_json", "_kids")

    def __init__(self, jwks: Union[Mapping[str, Any], str, bytes]) -> None:
        text = json_object_text(jwks, "jwks")
        keys = json.loads(text).get("keys")
        if not isinstance(keys, list):
            raise errors.MalformedError('a JWK set needs a "keys" array')
        native.check_key_set(text)
        self._json = text
        self._kids: Tuple[str, ...] = tuple(
            k["kid"] for k in keys if isinstance(k, dict) and isinstance(k.get("kid"), str))

    @classmethod
    def from_keys(cls, keys: Iterable[Key]) -> "KeySet":
        """The public JWKs of keys as a set."""
        return cls(native.jwks([_native_of(k) for k in keys]))

    @property
    def kids(self) -> List[str]:
        return list(self._kids)

    def get(self, kid: Optional[str] = None) -> Key:
        """The key with that kid (NotFoundError if absent); without kid, the only key of the set."""
        return Key.from_jwks(self._json, kid)

    def to_json(self) -> str:
        return self._json

    def to_dict(self) -> Dict[str, Any]:
        return json.loads(self._json)

    def __len__(self) -> int:
        return len(json.loads(self._json)["keys"])

    def __repr__(self) -> str:
        return f"<m2mauth.KeySet kids={list(self._kids)!r}>"


def _native_of(key: Any) -> Any:
    if not isinstance(key, Key):
        raise TypeError(f"expected an m2mauth.Key, not {type(key).__name__}")
    return key._native


def _no(value: Any, name: str, kty: str) -> None:
    if value is not None:
        raise TypeError(f"{name} does not apply to {kty} keys")


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int, not {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name} must be positive")
    return value
