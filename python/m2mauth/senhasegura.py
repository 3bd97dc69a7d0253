"""The senhasegura WebService A2A API (``https://HOST/iso/MODULE/FUNCTION``).

::

    from m2mauth import senhasegura
    vault = senhasegura.A2AClient("https://vault.example.com", client_id="...", client_secret="...")
    cred = vault.credential("dbadmin@db01.example.com")      # {"id", "username", "password", ...}

Authentication: ``auth="oauth2"`` (client credentials, the vendor's advice and the default: the token
is cached, refreshed ahead of expiry, and a 401 invalidates it and retries once; ``client_auth``
``"basic"`` (default) or ``"body"``), ``"oauth1"`` (HMAC-SHA1 in the Authorization header) or
``"query"`` (consumer key and token in the URL; not recommended). "Certificate validation" (mTLS) is a
transport setting: pass ``http=m2mauth.Http(client_cert=..., client_key=...)``, and register the
certificate's fingerprint (:func:`cert_fingerprints`, or ``m2mauth cert fingerprint FILE``).

Errors: :class:`~m2mauth.VendorError` with ``vendor_code`` (1011, 1023, 1024, 1026, ...) and
``http_status`` (403 for an unregistered certificate), :class:`~m2mauth.UnauthorizedError`,
:class:`~m2mauth.OAuthError` from the token endpoint, and the transport's errors. With a
``decryption_key`` ("encryption of sensitive information"), protected fields come back decrypted.
Calls release the GIL.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Mapping, Optional, Union

from ._convert import PathLike, duration_ms, optional_text, secret_text, to_text
from ._native import native
from .certificates import Certificate
from .http import Cancel, Http, call_timeout_ms, default_http
from .keys import Key

__all__ = ["A2AClient", "cert_fingerprints", "decrypt"]

_CLIENT_AUTH = {"basic": native.CLIENT_AUTH_METHODS["client_secret_basic"],
                "body": native.CLIENT_AUTH_METHODS["client_secret_post"]}


def _secret(value: Union[str, bytes, None], what: str = "secret") -> Optional[str]:
    return None if value is None else secret_text(value, what)


class A2AClient:
    """A client of the A2A API at ``base_url`` (``https://HOST``; a trailing ``/iso`` is accepted).

    Args:
        auth: ``"oauth2"`` (default), ``"oauth1"`` or ``"query"``.
        client_id, client_secret, client_auth (``"basic"`` or ``"body"``), tenant, token_url: OAuth 2.0.
        consumer_key, consumer_secret, token, token_secret: OAuth 1.0 and the query method.
        decryption_key: the authorization's private key (a :class:`~m2mauth.Key`, PEM text/bytes or a
            path) when "encryption of sensitive information" is on.
        http: the transport (for a CA bundle, a client certificate, timeouts).

    Thread-safe. Secrets live in the library and never appear in repr or errors.
    """

    __slots__ = ("_native", "_base_url", "_auth", "__weakref__")

    def __init__(self, base_url: str, *, auth: str = "oauth2", client_id: Optional[str] = None,
                 client_secret: Union[str, bytes, None] = None, client_auth: str = "basic",
                 tenant: Optional[str] = None, token_url: Optional[str] = None, consumer_key: Optional[str] = None,
                 consumer_secret: Union[str, bytes, None] = None, token: Union[str, bytes, None] = None,
                 token_secret: Union[str, bytes, None] = None,
                 decryption_key: Union[Key, str, bytes, "os.PathLike[str]", None] = None,
                 http: Optional[Http] = None, expiry_skew: Optional[float] = None) -> None:
        a = native.A2AArgs()
        a.base_url = to_text(base_url, "base_url")
        try:
            a.auth = native.A2A_AUTH_METHODS[auth]
        except KeyError:
            raise ValueError("auth must be 'oauth2', 'oauth1' or 'query'") from None
        if auth == "oauth2":
            if client_id is None or client_secret is None:
                raise TypeError("auth='oauth2' needs client_id and client_secret")
            if client_auth not in _CLIENT_AUTH:
                raise ValueError("client_auth must be 'basic' or 'body'")
            a.client_id = to_text(client_id, "client_id")
            a.client_secret = _secret(client_secret)
            a.client_auth = _CLIENT_AUTH[client_auth]
            a.tenant = optional_text(tenant, "tenant")
            a.token_url = optional_text(token_url, "token_url")
        else:
            if consumer_key is None or token is None:
                raise TypeError(f"auth={auth!r} needs consumer_key and token")
            if auth == "oauth1" and (consumer_secret is None or token_secret is None):
                raise TypeError("auth='oauth1' needs consumer_secret and token_secret")
            a.consumer_key = to_text(consumer_key, "consumer_key")
            a.consumer_secret = _secret(consumer_secret)
            a.token = _secret(token)
            a.token_secret = _secret(token_secret)
        key = _decryption_key(decryption_key)
        options: Dict[str, Any] = {}
        if expiry_skew is not None:
            options["expiry_skew_ms"] = duration_ms(expiry_skew, "expiry_skew")
        transport = http if http is not None else default_http()
        self._native = native.A2AClient.from_args(a, transport._native_http(),
                                                  key._native_key() if key is not None else None, options)
        self._base_url = a.base_url
        self._auth = auth

    @classmethod
    def _from_config(cls, config_native: Any, http: Optional[Http], base_url: str, auth: str) -> "A2AClient":
        self = object.__new__(cls)
        self._native = native.A2AClient.from_config(config_native, http._native_http() if http is not None else None)
        self._base_url = base_url
        self._auth = auth
        return self

    # Every call takes ``timeout`` (seconds: bounds the whole call, the OAuth 2.0 token wait included,
    # within the transport's own timeout) and ``cancel`` (a Cancel: stops the transfer from another
    # thread, CancelledError).

    def credential(self, id_or_user_at_host: Union[str, int], *, timeout: Optional[float] = None,
                   cancel: Optional[Cancel] = None) -> Dict[str, Any]:
        """``GET /iso/pam/credential/{id or username@hostname}``: the credential (password decrypted)."""
        return json.loads(self._native.credential(to_text(str(id_or_user_at_host), "id"), call_timeout_ms(timeout),
                                                  cancel))

    def info(self, id: Union[str, int], *, timeout: Optional[float] = None,
             cancel: Optional[Cancel] = None) -> Dict[str, Any]:
        """``GET /iso/pam/info/{id}``: protected information (``content``)."""
        return json.loads(self._native.info(to_text(str(id), "id"), call_timeout_ms(timeout), cancel))

    def ssh_key(self, id: Union[str, int], *, timeout: Optional[float] = None,
                cancel: Optional[Cancel] = None) -> Dict[str, Any]:
        """``GET /iso/pam/key/{id}``: an SSH key (``private_key``, ``public_key``, ``passphrase``)."""
        return json.loads(self._native.ssh_key(to_text(str(id), "id"), call_timeout_ms(timeout), cancel))

    def applications(self, *, timeout: Optional[float] = None, cancel: Optional[Cancel] = None) -> Dict[str, Any]:
        """``GET /iso/dapp/application``: the DevOps Secret Manager application and its secrets."""
        return json.loads(self._native.dsm_application(call_timeout_ms(timeout), cancel))

    def call(self, method: str, path: str, params: Optional[Mapping[str, Union[str, int, float, bool]]] = None,
             decrypt: bool = True, *, timeout: Optional[float] = None,
             cancel: Optional[Cancel] = None) -> Dict[str, Any]:
        """Any function: ``path`` is ``"module/function[/argument]"`` (not percent-encoded), e.g.
        ``"pam/device/1"``; ``params`` the query string (GET, DELETE) or form body (POST, PUT).
        Returns the whole response document (protected fields decrypted unless ``decrypt=False``)."""
        params_json = None if params is None else json.dumps(dict(params))
        return json.loads(self._native.call(to_text(method, "method").upper(), to_text(path, "path"), params_json,
                                            bool(decrypt), call_timeout_ms(timeout), cancel))

    def close(self) -> None:
        """Releases the client and wipes its secrets. Idempotent."""
        self._native.close()

    @property
    def closed(self) -> bool:
        return self._native.closed

    def __enter__(self) -> "A2AClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<m2mauth.senhasegura.A2AClient base_url={self._base_url!r} auth={self._auth!r}>"

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("A2AClient objects cannot be pickled (they hold secrets)")


def _decryption_key(value: Any) -> Optional[Key]:
    if value is None or isinstance(value, Key):
        return value
    if isinstance(value, (bytes, bytearray)) or (isinstance(value, str) and "-----BEGIN" in value):
        return Key.from_pem(value)
    return Key.from_file(value)


def _certificate(value: Any) -> Certificate:
    if isinstance(value, Certificate):
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return Certificate._from_pem_or_der(bytes(value))
    if isinstance(value, str) and "-----BEGIN" in value:
        return Certificate.from_pem(value)
    return Certificate.from_file(value)


def cert_fingerprints(cert: Union[Certificate, str, bytes, PathLike]) -> Dict[str, str]:
    """The fingerprints an administrator registers for "certificate validation", from a
    :class:`~m2mauth.Certificate`, PEM text, PEM/DER bytes or a file path:
    ``{"sha256": "ab12...", "sha256_colon": "AB:12:...", "sha1": "...", "sha1_colon": "..."}``."""
    return json.loads(native.a2a_cert_fingerprints(_certificate(cert)._native_cert()))


def decrypt(key: Key, value: str) -> str:
    """One protected value (base64 RSA-OAEP SHA-1 ciphertext) decrypted with the authorization's key."""
    if not isinstance(key, Key):
        raise TypeError("key must be an m2mauth.Key")
    return native.a2a_decrypt(key._native_key(), to_text(value, "value"))
