#!/usr/bin/env python3
"""Authlib AuthorizationServer + Flask: OAuth 2.0 client_credentials (test-only).

Client authentication: client_secret_basic, client_secret_post, and RFC 7523 JWT assertions through Authlib's
JWTBearerClientAssertion (private_key_jwt, and client_secret_jwt for svc-jwt). An assertion's `aud` must equal the
token endpoint URL exactly; a `jti` is accepted once. Opaque tokens.

POST /token            the token endpoint
POST /introspect       RFC 7662 introspection (client `introspector`, client_secret_basic)
GET  /_control/tokens  every token issued, as JSON (for tests)
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import warnings

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, InvalidClientError, InvalidScopeError, grants
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from flask import Flask, jsonify
from joserfc import jwk, jwt
from joserfc.errors import JoseError, SecurityWarning
from werkzeug.serving import make_server

import srvlib

GRANT = "client_credentials"
# Assertion algorithms accepted (joserfc's default leaves out EdDSA as "not recommended").
ALGORITHMS = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
              "EdDSA", "Ed25519"]
KEY_CLASSES = {rsa.RSAPublicKey: jwk.RSAKey, ec.EllipticCurvePublicKey: jwk.ECKey,
               ed25519.Ed25519PublicKey: jwk.OKPKey}


class Client(ClientMixin):
    def __init__(self, client_id: str, meta: dict, scopes: list[str]):
        self.client_id = client_id
        self.meta = meta
        self.method = meta["token_endpoint_auth_method"]
        self.scopes = meta.get("scope", " ".join(scopes)).split()

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return " ".join(s for s in (scope or "").split() if s in self.scopes)

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        secret = self.meta.get("client_secret")
        return bool(secret) and secrets.compare_digest(secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return method == self.method

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type == GRANT

    def assertion_key(self):
        """The key that verifies this client's assertions (joserfc)."""
        if "public_key" in self.meta:
            with open(self.meta["public_key"], "rb") as f:
                pem = f.read()
            kind = type(load_pem_public_key(pem))
            key_class = next(cls for base, cls in KEY_CLASSES.items() if issubclass(kind, base))
            return key_class.import_key(pem)
        return jwk.OctKey.import_key(self.meta["client_secret"].encode())


class Token:
    def __init__(self, client_id: str, doc: dict):
        self.client_id = client_id
        self.access_token = doc["access_token"]
        self.scope = doc.get("scope", "")
        self.issued_at = int(time.time())
        self.expires_at = self.issued_at + int(doc["expires_in"])
        self.revoked = False

    def is_expired(self):
        return time.time() >= self.expires_at

    def is_revoked(self):
        return self.revoked

    def as_dict(self):
        return {"active": not (self.is_expired() or self.revoked), "client_id": self.client_id, "scope": self.scope,
                "token_type": "Bearer", "iat": self.issued_at, "exp": self.expires_at}


class Store:
    def __init__(self, clients: dict):
        scopes = clients["oauth2"]["scopes"]
        self.clients = {cid: Client(cid, meta, scopes) for cid, meta in clients["oauth2"]["clients"].items()}
        self.tokens: dict[str, Token] = {}
        self.jtis: dict[tuple[str, str], float] = {}
        self.lock = threading.Lock()

    def save_token(self, doc: dict, request) -> None:
        with self.lock:
            self.tokens[doc["access_token"]] = Token(request.client.get_client_id(), doc)

    def first_use_of_jti(self, sub: str, jti: str, exp: float) -> bool:
        now = time.time()
        with self.lock:
            self.jtis = {k: e for k, e in self.jtis.items() if e > now - 300}
            if (sub, jti) in self.jtis:
                return False
            self.jtis[(sub, jti)] = float(exp or now + 3600)
            return True


class AssertionAuth(JWTBearerClientAssertion):
    """RFC 7523 §2.2 client authentication for the clients registered with this method."""

    def __init__(self, method: str, store: Store, token_url: str):
        super().__init__(validate_jti=True)
        self.CLIENT_AUTH_METHOD = method
        self.store = store
        self.token_url = None  # Authlib's deprecated argument; get_audiences() is the current way
        self._audience = token_url

    def __call__(self, query_client, request):
        assertion = request.form.get("client_assertion")
        if assertion:
            _, claims = self.extract_assertion(assertion)  # raises invalid_client if malformed
            sub = claims.get("sub")
            client = self.store.clients.get(sub) if isinstance(sub, str) else None
            if client is not None and client.method != self.CLIENT_AUTH_METHOD:
                return None  # leave it to the other assertion method
        return super().__call__(query_client, request)

    def process_assertion_claims(self, assertion, resolve_key):
        """As Authlib's, with an explicit algorithm list."""
        try:
            token = jwt.decode(assertion, resolve_key, algorithms=ALGORITHMS)
        except JoseError as e:
            raise InvalidClientError(description=e.description) from e
        self.verify_claims(token.claims)
        return token.claims

    def get_audiences(self):
        return [self._audience]

    def validate_jti(self, claims, jti):
        return self.store.first_use_of_jti(claims["sub"], jti, claims.get("exp"))

    def resolve_client_public_key(self, client):
        return client.assertion_key()


class ClientCredentials(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt",
                                   "client_secret_jwt"]

    def validate_requested_scope(self):
        """Authlib's check, plus the client's `max_scope_length` from clients.json (svc-moneyp: 300)."""
        limit = self.request.client.meta.get("max_scope_length")
        scope = self.request.payload.scope or ""
        if limit and len(scope) > limit:
            raise InvalidScopeError(description=f"scope longer than {limit} characters")
        super().validate_requested_scope()


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic"]

    def __init__(self, server, store: Store):
        super().__init__(server)
        self.store = store

    def query_token(self, token_string, token_type_hint):
        with self.store.lock:
            return self.store.tokens.get(token_string)

    def check_permission(self, token, client, request):
        return client.get_client_id() == "introspector"

    def introspect_token(self, token):
        return token.as_dict()


def create_app(store: Store, token_url: str, ttl: int) -> Flask:
    app = Flask(__name__)
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {GRANT: ttl}
    app.config["OAUTH2_ACCESS_TOKEN_GENERATOR"] = lambda **kw: secrets.token_urlsafe(32)
    app.config["OAUTH2_SCOPES_SUPPORTED"] = sorted({s for c in store.clients.values() for s in c.scopes})
    server = AuthorizationServer(app, query_client=store.clients.get, save_token=store.save_token)
    server.register_grant(ClientCredentials)
    for method in ("private_key_jwt", "client_secret_jwt"):
        server.register_client_auth_method(method, AssertionAuth(method, store, token_url))
    server.register_endpoint(Introspection(server, store))

    @app.post("/token")
    def token():
        return server.create_token_response()

    @app.post("/introspect")
    def introspect():
        return server.create_endpoint_response(Introspection.ENDPOINT_NAME)

    @app.get("/_control/tokens")
    def tokens():
        with store.lock:
            return jsonify({t.access_token: t.as_dict() for t in store.tokens.values()})

    return app


def main():
    args = srvlib.base_arg_parser("Authlib client_credentials server (test-only)").parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    warnings.simplefilter("ignore", SecurityWarning)  # EdDSA is accepted on purpose
    store = Store(srvlib.load_clients(srvlib.Path(args.clients)))
    server = make_server(srvlib.HOST, args.port, Flask(__name__), threaded=True)
    url = f"http://{srvlib.HOST}:{server.server_port}"
    server.app = create_app(store, url + "/token", args.token_ttl)
    info = {"url": url, "port": server.server_port, "issuer": url, "token_endpoint": url + "/token",
            "introspection_endpoint": url + "/introspect", "tokens_url": url + "/_control/tokens",
            "token_ttl": args.token_ttl}
    srvlib.serve(server, args.ready_file, info)


if __name__ == "__main__":
    main()
