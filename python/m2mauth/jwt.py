"""JSON Web Tokens (RFC 7519), with the names and arguments of PyJWT where it has them.

>>> key = Key.generate("RSA", bits=2048)
>>> token = encode({"sub": "svc", "exp": 4102444800}, key, algorithm="RS256")
>>> decode(token, key.public_key(), algorithms=["RS256"])
{'sub': 'svc', 'exp': 4102444800}

``exp``, ``nbf`` and ``iat`` are checked whenever present; ``algorithms`` is always required. To verify
many tokens with one configuration, build a :class:`Verifier` once and share it between threads.
"""

from __future__ import annotations

import base64
import json
import math
from calendar import timegm
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple, Type, Union

from ._convert import optional_text, to_text, token_arg as _token
from ._headers import header_args
from ._native import native
from .algorithms import Algorithms, algorithm_id, allow_list
from .certificates import Certificate
from . import errors
from .keys import Key, KeySet

__all__ = ["encode", "decode", "decode_complete", "Verifier", "get_unverified_header", "decode_unverified"]

Token = Union[str, bytes]
Leeway = Union[int, float, timedelta]
#: A key as PyJWT takes one: a Key, or str/bytes holding an HMAC secret or PEM text.
SignKey = Union[Key, str, bytes]
VerifyKey = Union[Key, KeySet, str, bytes]


class _DefaultAlgorithm(str):
    """The default of encode()'s ``algorithm``: RS256 for a Key (as always), HS256 for a str or bytes
    key (as PyJWT)."""

    __slots__ = ()


_DEFAULT_ALGORITHM = _DefaultAlgorithm("RS256")

_TIME_CLAIMS = ("exp", "nbf", "iat")
_COMPACT = (",", ":")
_ENCODER = json.JSONEncoder(separators=_COMPACT)  # json.dumps(..., separators=) would build one per call
_ALG_IDS: Dict[str, int] = dict(native.ALGORITHMS)
_ALG_BITS: Dict[str, int] = {name: native.alg_bit(i) for name, i in _ALG_IDS.items()}
_DEFAULT_CONFIG = native.VerifierConfig()
# Verifier settings for one expected audience, reused by decode() (never changed once made).
_AUDIENCE_CONFIGS: Dict[str, Any] = {}
# Verifier settings by (audience, issuer, subject, leeway) with their types, reused by decode(); at most 64.
_CONFIGS: Dict[Tuple[Any, ...], Any] = {}
_HMAC_BITS = _ALG_BITS["HS256"] | _ALG_BITS["HS384"] | _ALG_BITS["HS512"]
# Keys given as str or bytes, parsed once: the text itself (hashed by the dict, never shown) -> its Key.
# At most 16; the Keys keep the verifiers decode() made from them (see Key), so a secret or PEM given
# again costs a dict lookup, not a parse.
_TEXT_KEYS: Dict[Union[str, bytes], Tuple[Key, bool]] = {}  # text -> (its Key, True if PEM)
_TEXT_KEYS_MAX = 16
# PyJWT options this module understands. verify_aud/exp/nbf/iat cannot be turned off: the library
# always checks those claims when they are present (a token with "aud" needs an expected audience).
_OPTIONS = {"require", "verify_signature", "verify_aud", "verify_iss", "verify_sub", "verify_exp",
            "verify_nbf", "verify_iat"}


def encode(payload: Mapping[str, Any], key: SignKey, algorithm: Optional[str] = _DEFAULT_ALGORITHM,
           headers: Optional[Mapping[str, Any]] = None, *, json_encoder: Optional[Type[json.JSONEncoder]] = None,
           certificate: Optional[Certificate] = None, certificate_headers: Iterable[str] = ("x5t#S256",)) -> str:
    """Signs payload (a mapping of claims) as a compact JWT.

    ``key`` is a :class:`Key`, or as in PyJWT a str or bytes: the secret for HS256/384/512 (at least 32,
    48 or 64 bytes, RFC 7518 section 3.2: a shorter one raises :class:`KeyTypeError`, a ValueError), or
    PEM text of a private key for the other algorithms. ``algorithm`` defaults to RS256 for a Key and to
    HS256 for a str or bytes key (PyJWT's default); None picks the key's default algorithm.

    datetime values of ``exp``, ``nbf`` and ``iat`` become Unix seconds (naive datetimes are taken as
    UTC), as PyJWT does. The header is ``{"alg": ..., "typ": "JWT"}`` plus ``kid`` when the key has one
    and the members of ``headers`` (a member set to None is omitted).
    """
    if type(payload) is not dict and not isinstance(payload, Mapping):
        raise TypeError("payload must be a mapping (a JWT's claims are a JSON object)")
    for name in _TIME_CLAIMS:
        if isinstance(payload.get(name), datetime):
            payload = _convert_times(payload)
            break
    if json_encoder is None:
        # the same text as json.dumps(payload, separators=(",", ":")), made natively for plain values
        claims = native.claims_json(payload)
        if claims is None:
            claims = _ENCODER.encode(payload)
    else:
        claims = json_encoder(separators=_COMPACT).encode(payload)
    if type(key) is not Key:
        if isinstance(key, (str, bytes, bytearray, memoryview)):
            if algorithm is _DEFAULT_ALGORITHM:
                algorithm = "HS256"
            named = algorithm if algorithm is not None else (headers or {}).get("alg")
            key = _text_key(key, None if named is None else allow_list(named), "algorithm")
        else:
            key = _key_type_error(key)
    if headers is None and certificate is None:
        alg = _ALG_IDS.get(algorithm) if type(algorithm) is str else None  # type: ignore[arg-type]
        if alg is None:
            alg = 0 if algorithm is None else algorithm_id(algorithm)  # type: ignore[arg-type]
        return native.jwt_sign(key._native, claims, alg)
    return native.jwt_sign_json(key._native, claims, *header_args(algorithm, headers, certificate,
                                                                   certificate_headers))


def decode(jwt: Token, key: VerifyKey, algorithms: Algorithms, *, audience: Union[str, Iterable[str], None] = None,
           issuer: Optional[str] = None, subject: Optional[str] = None, leeway: Leeway = 0,
           options: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Verifies a JWT and returns its claims.

    Args:
        jwt: the token.
        key: the public key (or HMAC key), or a KeySet to choose from by the token's ``kid``; or as in
            PyJWT a str or bytes: the HMAC secret (when ``algorithms`` are HMAC ones; at least 32/48/64
            bytes for HS256/384/512, else :class:`KeyTypeError`, a ValueError), or PEM text of a public
            key, a certificate or a private key (its public part is used). Text keys are parsed once and
            kept (at most 16), so passing the same secret or PEM on every call costs no parse.
        algorithms: the accepted algorithms (required, e.g. ``["RS256"]``); never include more than
            your keys need.
        audience: accept tokens whose ``aud`` contains this value (or one of these values). As in
            PyJWT, a token carrying ``aud`` is refused when no audience is given.
        issuer, subject: required values of ``iss`` and ``sub``.
        leeway: clock skew allowed for ``exp``, ``nbf`` and ``iat`` (seconds or timedelta; at most a day).
        options: PyJWT-style options: ``require`` (claim names that must be present); ``verify_iss``
            and ``verify_sub`` False ignore ``issuer`` and ``subject``. ``verify_signature``,
            ``verify_aud``, ``verify_exp``, ``verify_nbf`` and ``verify_iat`` cannot be turned off:
            the library always checks those claims when present.

    Raises:
        InvalidTokenError: (a subclass) when the token is refused: InvalidSignatureError,
            ExpiredTokenError, ImmatureTokenError, InvalidClaimError, MissingClaimError,
            AlgorithmError, MalformedError.
    """
    if options is None and subject is None and not leeway:
        # the common case in one native call: it converts the plain arguments (a str token, a list of
        # algorithm names, a str audience and issuer or None) itself, and the key keeps the native verifier
        # made for them, so a repeated call only verifies; None means "not plain": the general path below
        if type(key) is Key:
            claims = native.jwt_decode_fast(key._native, jwt, algorithms, audience, issuer, 0)
            if claims is not None:
                return json.loads(claims)
        elif type(key) is str or type(key) is bytes:
            known = _TEXT_KEYS.get(key)
            if known is not None:
                claims = native.jwt_decode_fast(known[0]._native, jwt, algorithms, audience, issuer,
                                                1 if known[1] else 2)
                if claims is not None:
                    return json.loads(claims)
    return _decode_general(jwt, key, algorithms, audience, issuer, subject, leeway, options)


def _decode_general(jwt: Token, key: VerifyKey, algorithms: Algorithms, audience: Any, issuer: Any, subject: Any,
                    leeway: Leeway, options: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
    """decode() for any arguments (the key's native verifier for them is still reused)."""
    if options is not None or type(jwt) is not str or "\0" in jwt or isinstance(key, KeySet):
        return _decode(jwt, key, algorithms, audience, issuer, subject, leeway, options, False)["payload"]
    bits = allow_list(algorithms)
    if issuer is None and subject is None and not leeway:
        if audience is None:
            config = _DEFAULT_CONFIG
        else:
            config = _AUDIENCE_CONFIGS.get(audience) if type(audience) is str else None
            if config is None:
                config = _audience_config(audience)
    else:
        config = _cached_config(audience, issuer, subject, leeway)
    return json.loads(native.jwt_decode(_verify_key(key, bits)._native, jwt, bits, config, False))


def decode_complete(jwt: Token, key: VerifyKey, algorithms: Algorithms, *,
                    audience: Union[str, Iterable[str], None] = None, issuer: Optional[str] = None,
                    subject: Optional[str] = None, leeway: Leeway = 0,
                    options: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """Like :func:`decode`, returning ``{"header": dict, "payload": dict, "signature": bytes}``."""
    return _decode(jwt, key, algorithms, audience, issuer, subject, leeway, options, True)


class Verifier:
    """A reusable JWT verifier: configure once, then call :meth:`verify` from any number of threads.

    Args:
        key: the verification key, or a KeySet (the key is chosen by the token's ``kid``; a one-key
            set also serves tokens without kid).
        algorithms: the accepted algorithms (required).
        audience, issuer, subject, leeway: as for :func:`decode`.
        require: claim names that must be present.
        typ: required header ``typ`` (case-insensitive; "application/" ignored).
        max_size: the longest token accepted, in bytes (default 64 KiB).
        clock: a callable returning the current Unix time in seconds (default: the system clock).
    """

    __slots__ = ("_native", "__weakref__")

    def __init__(self, key: VerifyKey, algorithms: Algorithms, *, audience: Union[str, Iterable[str], None] = None,
                 issuer: Optional[str] = None, subject: Optional[str] = None, leeway: Leeway = 0,
                 require: Iterable[str] = (), typ: Optional[str] = None, max_size: Optional[int] = None,
                 clock: Optional[Callable[[], float]] = None) -> None:
        bits = allow_list(algorithms)
        config = _config(audience, issuer, subject, leeway, require, typ, max_size)
        if clock is not None and not callable(clock):
            raise TypeError("clock must be a callable returning Unix seconds")
        if isinstance(key, KeySet):
            self._native = native.Verifier.for_jwks(key.to_json(), bits, config, clock)
        else:
            self._native = native.Verifier.for_key(_verify_key(key, bits)._native, bits, config, clock)

    def verify(self, token: Token) -> Dict[str, Any]:
        """The claims of a valid token; raises an InvalidTokenError subclass otherwise."""
        if type(token) is not str or "\0" in token:
            token = _token(token)
        return json.loads(self._native.verify(token))

    def verify_complete(self, token: Token) -> Dict[str, Any]:
        """``{"header": dict, "payload": dict}`` of a valid token."""
        header, claims = self._native.verify(_token(token), True)
        return {"header": json.loads(header), "payload": json.loads(claims)}

    def close(self) -> None:
        """Releases the native verifier now. Idempotent."""
        self._native.close()

    def __enter__(self) -> "Verifier":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "<m2mauth.jwt.Verifier closed>" if self._native.closed else "<m2mauth.jwt.Verifier>"


def get_unverified_header(jwt: Token) -> Dict[str, Any]:
    """The header of a token, NOT verified: for choosing a key (``kid``) only."""
    header, _ = native.jws_decode_unverified(_token(jwt))
    return json.loads(header)


def decode_unverified(jwt: Token) -> Dict[str, Any]:
    """DANGEROUS: the claims of a token WITHOUT verifying its signature or any claim. Never base a
    decision on them; for diagnostics only."""
    return json.loads(native.jwt_decode_unverified(_token(jwt)))


# ---- helpers --------------------------------------------------------------------------------------

def _decode(jwt: Token, key: VerifyKey, algorithms: Algorithms, audience: Any, issuer: Any, subject: Any,
            leeway: Leeway, options: Optional[Mapping[str, Any]], complete: bool) -> Dict[str, Any]:
    token = _token(jwt)
    bits = allow_list(algorithms)
    require: Iterable[str] = ()
    if options:
        unknown = set(options) - _OPTIONS
        if unknown:
            raise ValueError(f"unknown options: {sorted(unknown)}")
        if options.get("verify_signature", True) is False:
            raise ValueError("verify_signature=False is not supported: use m2mauth.jwt.decode_unverified()")
        for name in ("verify_aud", "verify_exp", "verify_nbf", "verify_iat"):
            if options.get(name, True) is False:
                raise ValueError(f"{name}=False is not supported: m2mauth always checks that claim when present")
        if options.get("verify_iss", True) is False:
            issuer = None
        if options.get("verify_sub", True) is False:
            subject = None
        require = options.get("require", ())
    if audience is None and issuer is None and subject is None and not leeway and not require:
        config = _DEFAULT_CONFIG
    else:
        config = _config(audience, issuer, subject, leeway, require, None, None)
    if isinstance(key, KeySet):
        result = native.Verifier.for_jwks(key.to_json(), bits, config, None).verify(token, complete)
    else:
        result = native.jwt_decode(_verify_key(key, bits)._native, token, bits, config, complete)
    if complete:
        header_json, claims_json = result
        out = {"header": json.loads(header_json), "payload": json.loads(claims_json),
               "signature": _signature(token)}
    else:
        out = {"payload": json.loads(result)}
    return out


def _audience_config(audience: Any) -> Any:
    config = _config(audience, None, None, 0, (), None, None)
    if type(audience) is str:
        if len(_AUDIENCE_CONFIGS) >= 64:
            _AUDIENCE_CONFIGS.clear()
        _AUDIENCE_CONFIGS[audience] = config
    return config


def _cached_config(audience: Any, issuer: Any, subject: Any, leeway: Leeway) -> Any:
    """_config for decode()'s arguments, made once per distinct value (types are part of the key, so
    a value _config refuses is refused every time)."""
    aud_key = audience if audience is None or isinstance(audience, (str, bytes)) else tuple(audience)
    try:
        cache_key = (aud_key, issuer, type(issuer), subject, type(subject), leeway, type(leeway))
        config = _CONFIGS.get(cache_key)
    except TypeError:  # an unhashable argument: _config says what is wrong with it
        return _config(aud_key, issuer, subject, leeway, (), None, None)
    if config is None:
        config = _config(aud_key, issuer, subject, leeway, (), None, None)
        if len(_CONFIGS) >= 64:
            _CONFIGS.clear()
        _CONFIGS[cache_key] = config
    return config


def _config(audience: Any, issuer: Any, subject: Any, leeway: Leeway, require: Iterable[str], typ: Optional[str],
            max_size: Optional[int]) -> Any:
    config = native.VerifierConfig()
    if audience is not None:
        if isinstance(audience, (str, bytes)):
            config.audiences = [to_text(audience, "audience")]
        else:
            config.audiences = [to_text(a, "audience") for a in audience]
    if issuer is not None:
        if not isinstance(issuer, str):
            raise TypeError("issuer must be str")
        config.issuer = to_text(issuer, "issuer")
    config.subject = optional_text(subject, "subject")
    config.typ = optional_text(typ, "typ")
    if isinstance(require, str):
        raise TypeError("require must be a list of claim names, not a str")
    config.require = [to_text(r, "require") for r in require]
    config.leeway = _leeway(leeway)
    if max_size is not None:
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size <= 0:
            raise ValueError("max_size must be a positive int")
        config.max_size = max_size
    return config


def _leeway(leeway: Leeway) -> int:
    if isinstance(leeway, timedelta):
        leeway = leeway.total_seconds()
    if isinstance(leeway, bool) or not isinstance(leeway, (int, float)):
        raise TypeError(f"leeway must be seconds or a timedelta, not {type(leeway).__name__}")
    if not 0 <= leeway <= 10**9:  # also refuses NaN; the library's own limit is one day
        raise ValueError("leeway must be between 0 and 86400 seconds")
    return int(math.ceil(leeway))  # a fraction of a second rounds up: never stricter than asked


def _convert_times(payload: Mapping[str, Any]) -> Dict[str, Any]:
    out = dict(payload)
    for name in _TIME_CLAIMS:
        value = out.get(name)
        if isinstance(value, datetime):
            out[name] = timegm(value.utctimetuple())
    return out


def _signature(token: str) -> bytes:
    sig = token.rsplit(".", 1)[-1]
    return base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))


def _verify_key(key: Any, bits: int) -> Key:
    """The Key to verify with for the allow-list ``bits``: a Key as given, or a str/bytes key parsed."""
    if isinstance(key, Key):
        return key
    if isinstance(key, (str, bytes, bytearray, memoryview)):
        return _text_key(key, bits, "algorithms")
    return _key_type_error(key)


def _key_type_error(key: Any) -> Key:
    if isinstance(key, Key):  # a subclass
        return key
    raise TypeError(f"key must be an m2mauth.Key, KeySet, str or bytes, not {type(key).__name__}")


_ASYMMETRIC_MARKS = ("-----BEGIN ", "ssh-rsa ", "ssh-ed25519 ", "ecdsa-sha2-")


def _looks_asymmetric(text: Union[str, bytes]) -> bool:
    """PEM (a key or certificate) or an OpenSSH public key: never an HMAC secret (PyJWT's rule)."""
    if isinstance(text, bytes):
        return any(mark.encode() in text for mark in _ASYMMETRIC_MARKS)
    return any(mark in text for mark in _ASYMMETRIC_MARKS)


def _text_key(key: Union[str, bytes, bytearray, memoryview], bits: Optional[int], what: str) -> Key:
    """A str or bytes key as PyJWT reads one, parsed once and kept in _TEXT_KEYS.

    With only HMAC algorithms allowed (``bits``) it is the secret, and PEM or OpenSSH text is refused
    as PyJWT refuses it; with no HMAC algorithm it is PEM text (a private key, public key or
    certificate); with both (or bits None), PEM text is a PEM key and anything else a secret. No message
    shows the key.
    """
    if not isinstance(key, (str, bytes)):
        key = bytes(key)
    known = _TEXT_KEYS.get(key)
    asymmetric = None
    if bits is not None:
        if not bits & ~_HMAC_BITS:
            asymmetric = False
        elif not bits & _HMAC_BITS:
            asymmetric = True
    if known is not None and (asymmetric is None or asymmetric is known[1]):
        return known[0]
    pem = _looks_asymmetric(key)
    if asymmetric is False and pem:
        raise errors.KeyTypeError("the key is a PEM or OpenSSH key (an asymmetric key or a certificate) and must "
                                  f"not be used as an HMAC secret (the {what} given: HMAC only)")
    if asymmetric is True and not pem:
        raise errors.KeyFormatError(f"a str or bytes key for the {what} given must be PEM text (a private or "
                                    "public key or a certificate); an HMAC secret serves HS256/384/512 only")
    parsed = Key.from_pem(key) if pem else Key.hmac(key)
    if len(_TEXT_KEYS) >= _TEXT_KEYS_MAX:
        _TEXT_KEYS.clear()
    _TEXT_KEYS[key] = (parsed, pem)
    return parsed


def _forget_text_keys() -> None:
    """Drops the parsed str/bytes keys (and with them their verifiers). For tests that count handles."""
    _TEXT_KEYS.clear()
