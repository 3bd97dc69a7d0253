"""A user's script with the documented imports, checked by `mypy --strict` (tests/test_typing.py).
It is type-checked, never run. assert_type pins the exact type of each public result (an Any there fails:
"Expression is of type Any, not str")."""

from __future__ import annotations

from typing import Any, Dict, List, MutableMapping, Optional, assert_type

import m2mauth
from m2mauth import Certificate, Key, KeySet, OAuth2Client, Token, jwt
from m2mauth.errors import ExpiredTokenError, FileError, InvalidTokenError, OAuthError


def sign_and_verify(private_pem: str, secret: bytes) -> Dict[str, Any]:
    key = Key.from_pem(private_pem)
    assert_type(key, Key)
    public = key.public_key()
    assert_type(public, Key)
    assert_type(key.kid, Optional[str])
    assert_type(key.bits, int)
    assert_type(key.kty, str)
    assert_type(key.default_algorithm, str)
    token = jwt.encode({"sub": "svc", "exp": 4102444800}, key, algorithm="RS256")
    assert_type(token, str)
    token_hs = jwt.encode({"sub": "svc"}, secret, algorithm="HS256")
    token_text = jwt.encode({"sub": "svc"}, "a-shared-secret-of-32-bytes-min!")
    assert_type(token_hs, str)
    claims = jwt.decode(token, public, algorithms=["RS256"], audience="api", leeway=5.0)
    assert_type(claims, Dict[str, Any])
    claims.update(jwt.decode(token_hs, secret, algorithms=["HS256"]))
    claims.update(jwt.decode(token_text, private_pem, algorithms=["RS256"], issuer="svc"))
    verifier = jwt.Verifier(KeySet.from_keys([public]), ["RS256"], audience="api")
    claims.update(verifier.verify(token))
    header: Dict[str, Any] = jwt.get_unverified_header(token)
    jwk: Dict[str, Any] = public.public_jwk()
    print(header, jwk)
    return claims


def fetch(client: OAuth2Client) -> str:
    tok = client.token()
    assert_type(tok, Token)
    assert_type(tok.access_token, str)
    assert_type(tok.token_type, str)
    assert_type(tok.expires_at, float)
    assert_type(tok.expires_in, float)
    assert_type(tok.scope, str)
    assert_type(tok.authorization, str)
    assert_type(client.fetch(), Token)
    assert_type(client.client_id, str)
    headers: MutableMapping[str, str] = client.authorize({})
    print(headers)
    return tok.access_token


def load(path: str) -> Optional[Key]:
    try:
        return Key.from_file(path)
    except FileNotFoundError as exc:
        print(exc.filename, exc.errno)
        return None
    except FileError as exc:
        assert_type(exc.code, int)
        assert_type(exc.name, str)
        assert_type(exc.transient, bool)
        assert_type(exc.errno, Optional[int])
        return None


def classify(exc: m2mauth.Error) -> str:
    if isinstance(exc, ExpiredTokenError):
        return "expired"
    if isinstance(exc, InvalidTokenError):
        return exc.name
    if isinstance(exc, OAuthError):
        return exc.error + exc.error_description
    assert_type(exc.retry_after, float)
    assert_type(exc.http_status, int)
    assert_type(exc.category, str)
    return f"{exc.code} {exc.category}"


def main() -> None:
    client = OAuth2Client("https://auth.example/token", "svc", client_secret="s3cret", scope="api.read")
    with client:
        response = client.request("GET", "https://api.example/v1")
        assert_type(response.body, bytes)
        assert_type(response.status, int)
        assert_type(response.text, str)
    cert = Certificate.from_pem("")
    assert_type(cert, Certificate)
    assert_type(cert.fingerprint(), str)
    assert_type(KeySet.from_keys([Key.generate("EC", kid="a")]).kids, List[str])
    assert_type(m2mauth.__version__, str)
    assert_type(m2mauth.library_version(), str)
