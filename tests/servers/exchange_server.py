"""A strict OAuth 2.0 Token Exchange (RFC 8693) token endpoint for tests (loopback, test-only).

POST /token checks every parameter of RFC 8693 section 2.1 and answers per section 2.2:
  - client authentication as clients.json says (client_secret_basic, client_secret_post, client_secret_jwt,
    private_key_jwt; a client id given with --public-client authenticates with client_id only, "none"; one given
    with --mtls-client by a TLS client certificate the --client-ca issued, "tls_client_auth" of RFC 8705);
  - grant_type urn:ietf:params:oauth:grant-type:token-exchange (else unsupported_grant_type);
  - subject_token and subject_token_type required, a type an absolute URI; actor_token_type required with
    actor_token and refused without it; requested_token_type an absolute URI; every parameter but audience and
    resource at most once (invalid_request);
  - resource an absolute URI without fragment (invalid_target); a JWT subject token whose exp has passed is
    invalid_grant.
The issued token is opaque ("xt-" + hex), of the requested type (default access_token); token_type Bearer for an
access token or a JWT, N_A otherwise; expires_in = --token-ttl; scope echoed.

Fault modes, chosen by the audience value so that every binding can ask for them:
  fault:missing-issued-type   200 without issued_token_type
  fault:other-type            issued_token_type jwt whatever was requested
  fault:invalid-request       400 invalid_request
  fault:invalid-target        400 invalid_target
  fault:echo-subject          400 invalid_grant whose error_description echoes the subject token (and actor token)
  fault:na                    token_type N_A with issued_token_type access_token
  fault:bad-issued-type       issued_token_type that is not a URI ("access_token")
Any other audience starting with "fault:" is invalid_target.

GET /exchanges lists what each accepted or refused request carried (the form as a list of pairs, the client and the
authentication method), GET /count the number of token requests; POST /reset clears both.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from urllib.parse import parse_qsl, urlsplit

import jwt

import srvlib

GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ACCESS = "urn:ietf:params:oauth:token-type:access_token"
JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt"
SINGLE = {"grant_type", "subject_token", "subject_token_type", "actor_token", "actor_token_type",
          "requested_token_type", "scope", "client_id", "client_secret", "client_assertion", "client_assertion_type"}


class Refusal(Exception):
    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(error)
        self.error, self.description, self.status = error, description, status


def absolute_uri(value: str) -> bool:
    parts = urlsplit(value)
    if not parts.scheme or not value[0].isalpha() or "#" in value:
        return False
    rest = value[len(parts.scheme) + 1:]
    return bool(rest) and all(0x20 < ord(c) < 0x7F for c in value)


def jwt_exp(token: str):
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    exp = payload.get("exp") if isinstance(payload, dict) else None
    return exp if isinstance(exp, (int, float)) else None


class State:
    def __init__(self, clients: dict, public: set[str], ttl: int, mtls: set[str] = frozenset()):
        self.clients = clients
        self.public = public
        self.mtls = mtls
        self.ttl = ttl
        self.lock = threading.Lock()
        self.exchanges: list[dict] = []
        self.count = 0
        self.jtis: set[str] = set()


def make_handler(state: State, token_path: str = "/token"):
    class H(srvlib.RoutedHandler):
        def route(self):
            path = self.path.split("?")[0]
            if path == "/exchanges" and self.command == "GET":
                with state.lock:
                    return self.send_json(200, state.exchanges)
            if path == "/count" and self.command == "GET":
                with state.lock:
                    return self.send_json(200, {"count": state.count})
            if path == "/reset" and self.command == "POST":
                with state.lock:
                    state.exchanges.clear()
                    state.count = 0
                return self.send_json(200, {})
            if path != token_path:
                return self.send_json(404, {"error": "not_found"})
            if self.command != "POST":
                return self.send_json(405, {"error": "invalid_request", "error_description": "POST only"})
            body = self.read_body()
            with state.lock:
                state.count += 1
            record = {"form": [], "client_id": None, "auth": None}
            try:
                ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
                if ctype != "application/x-www-form-urlencoded":
                    raise Refusal("invalid_request", "the body must be application/x-www-form-urlencoded")
                pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(body))
                record["form"] = pairs
                reply = self.exchange(pairs, record)
            except Refusal as r:
                record["refused"] = r.error
                with state.lock:
                    state.exchanges.append(record)
                return self.send_json(r.status, {"error": r.error, "error_description": r.description},
                                      {"WWW-Authenticate": "Basic"} if r.status == 401 else None)
            except ValueError:
                return self.send_json(400, {"error": "invalid_request", "error_description": "bad form encoding"})
            with state.lock:
                state.exchanges.append(record)
            self.send_json(200, reply)

        def authenticate(self, form: dict, record: dict) -> str:
            basic = srvlib.parse_basic_auth(self.headers.get("Authorization"))
            if basic is not None:
                if "client_secret" in form or "client_assertion" in form:
                    raise Refusal("invalid_request", "more than one client authentication method")
                cid, secret = basic
                meta = state.clients.get(cid)
                if not meta or meta.get("token_endpoint_auth_method") != "client_secret_basic" or \
                        not secrets.compare_digest(meta.get("client_secret", ""), secret):
                    raise Refusal("invalid_client", "client authentication failed", 401)
                record["auth"] = "client_secret_basic"
                return cid
            cid = form.get("client_id", [None])[0]
            if "client_assertion" in form:
                if form.get("client_assertion_type", [None])[0] != ASSERTION_TYPE:
                    raise Refusal("invalid_request", "client_assertion_type")
                assertion = form["client_assertion"][0]
                try:
                    unverified = jwt.decode(assertion, options={"verify_signature": False})
                except jwt.PyJWTError:
                    raise Refusal("invalid_client", "client assertion is not a JWT", 401) from None
                cid = cid or unverified.get("iss")
                meta = state.clients.get(cid or "")
                if not meta or meta.get("token_endpoint_auth_method") not in ("client_secret_jwt", "private_key_jwt"):
                    raise Refusal("invalid_client", "client authentication failed", 401)
                if meta["token_endpoint_auth_method"] == "client_secret_jwt":
                    key, algs = meta["client_secret"], ["HS256", "HS384", "HS512"]
                else:
                    with open(meta["public_key"], "rb") as f:
                        key = f.read()
                    algs = [meta.get("alg", "RS256")] if meta.get("alg") else ["RS256", "ES256", "EdDSA", "PS256"]
                token_url = f"{self.server.url}{token_path}"
                try:
                    claims = jwt.decode(assertion, key, algorithms=algs, audience=[token_url, self.server.url],
                                        issuer=cid, options={"require": ["exp", "iss", "sub", "aud", "jti"]})
                except jwt.PyJWTError:
                    raise Refusal("invalid_client", "client assertion refused", 401) from None
                if claims["sub"] != cid:
                    raise Refusal("invalid_client", "client assertion sub", 401)
                with state.lock:
                    if claims["jti"] in state.jtis:
                        raise Refusal("invalid_client", "client assertion replayed", 401)
                    state.jtis.add(claims["jti"])
                record["auth"] = meta["token_endpoint_auth_method"]
                return cid
            if "client_secret" in form:
                meta = state.clients.get(cid or "")
                if not meta or meta.get("token_endpoint_auth_method") != "client_secret_post" or \
                        not secrets.compare_digest(meta.get("client_secret", ""), form["client_secret"][0]):
                    raise Refusal("invalid_client", "client authentication failed", 401)
                record["auth"] = "client_secret_post"
                return cid
            if cid and cid in state.mtls and self.peer_cert_der() is not None:
                record["auth"] = "tls_client_auth"
                record["client_cert_sha256"] = srvlib.fingerprint(self.peer_cert_der())
                return cid
            if cid and cid in state.public:
                record["auth"] = "none"
                return cid
            raise Refusal("invalid_client", "client authentication failed", 401)

        def exchange(self, pairs: list, record: dict) -> dict:
            form: dict[str, list[str]] = {}
            for name, value in pairs:
                form.setdefault(name, []).append(value)
            for name, values in form.items():
                if name in SINGLE and len(values) > 1:
                    raise Refusal("invalid_request", f"{name} given more than once")
            record["client_id"] = self.authenticate(form, record)
            one = lambda name: form.get(name, [None])[0]  # noqa: E731
            if one("grant_type") != GRANT:
                raise Refusal("unsupported_grant_type", "only token exchange here")
            subject, subject_type = one("subject_token"), one("subject_token_type")
            if not subject:
                raise Refusal("invalid_request", "subject_token is required")
            if not subject_type or not absolute_uri(subject_type):
                raise Refusal("invalid_request", "subject_token_type is required and must be a URI")
            actor, actor_type = one("actor_token"), one("actor_token_type")
            if actor is not None and (not actor or not actor_type or not absolute_uri(actor_type)):
                raise Refusal("invalid_request", "actor_token needs actor_token_type")
            if actor is None and actor_type is not None:
                raise Refusal("invalid_request", "actor_token_type without actor_token")
            requested = one("requested_token_type")
            if requested is not None and not absolute_uri(requested):
                raise Refusal("invalid_request", "requested_token_type must be a URI")
            for resource in form.get("resource", []):
                if not absolute_uri(resource):
                    raise Refusal("invalid_target", "resource must be an absolute URI without fragment")
            audiences = form.get("audience", [])
            if any(not a for a in audiences):
                raise Refusal("invalid_request", "empty audience")
            faults = [a for a in audiences if a.startswith("fault:")]
            fault = faults[0] if faults else None
            if fault == "fault:invalid-request":
                raise Refusal("invalid_request", "fault mode")
            if fault == "fault:invalid-target":
                raise Refusal("invalid_target", "the audience is not known here")
            if fault == "fault:echo-subject":
                echoed = f"subject token {subject} is not acceptable" + (f"; actor {actor}" if actor else "")
                raise Refusal("invalid_grant", echoed)
            if fault not in (None, "fault:missing-issued-type", "fault:other-type", "fault:na", "fault:bad-issued-type"):
                raise Refusal("invalid_target", "unknown audience")
            exp = jwt_exp(subject)
            if exp is not None and exp <= time.time():
                raise Refusal("invalid_grant", "the subject token has expired")
            issued_type = requested or ACCESS
            if fault == "fault:other-type":
                issued_type = JWT_TYPE
            if fault == "fault:bad-issued-type":
                issued_type = "access_token"
            reply = {
                "access_token": "xt-" + secrets.token_hex(16),
                "token_type": "Bearer" if issued_type in (ACCESS, JWT_TYPE) else "N_A",
                "expires_in": state.ttl,
            }
            if fault == "fault:na":
                reply["token_type"] = "N_A"
            if fault != "fault:missing-issued-type":
                reply["issued_token_type"] = issued_type
            if one("scope"):
                reply["scope"] = one("scope")
            return reply

    return H


def main() -> None:
    p = srvlib.base_arg_parser(__doc__.splitlines()[0])
    p.add_argument("--public-client", action="append", default=[], help="a client id that authenticates with none")
    p.add_argument("--mtls-client", action="append", default=[],
                   help="a client id that authenticates with its TLS client certificate (needs --client-ca)")
    srvlib.add_tls_args(p)
    args = p.parse_args()
    clients = srvlib.load_clients(srvlib.Path(args.clients))["oauth2"]["clients"]
    state = State(clients, set(args.public_client), args.token_ttl, set(args.mtls_client))
    tls = srvlib.make_tls_context(args.tls_cert, args.tls_key, args.client_ca) if args.tls_cert else None
    server = srvlib.Server(args.port, make_handler(state), tls)
    srvlib.serve(server, args.ready_file, {"url": server.url, "port": server.port,
                                           "token_endpoint": f"{server.url}/token"})


if __name__ == "__main__":
    main()
