#!/usr/bin/env python3
"""Emulator of the senhasegura WebService A2A API, as the vendor's WebService A2A documentation describes it (test-only).

Paths /iso/<module>/<function>[/<arg>], the bilingual `response` envelope, errors as HTTP 400 + `exception`.
Authentication on every API path: oauth_consumer_key + oauth_token in the query string, OAuth 1.0 HMAC-SHA1
(checked with oauthlib), or an OAuth 2.0 Bearer token from POST /iso/oauth2/token. Optional HTTPS with a required,
fingerprint-pinned client certificate. See README.md for the data and which ids produce which error codes.
"""

from __future__ import annotations

import base64
import copy
import json
import secrets
import threading
import time
import uuid
from urllib.parse import parse_qsl, unquote, urlsplit

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding
from oauthlib.oauth1 import RequestValidator, SignatureOnlyEndpoint

import srvlib

# ---- data -------------------------------------------------------------------------------------------------------
CREDENTIALS = {
    "5": {"id": "5", "identifier": "robot-test-5", "username": "credential_5", "password": "secret@2504",
          "content": "secret@2504", "hostname": "destktop-91.com", "additional": "CREDADD01", "domain": "",
          "ip": "172.10.10.90", "port": "22", "model": "Ubuntu", "expiration_time": "2021-01-16T17:31:39"},
    "6": {"id": "6", "identifier": "db-admin-6", "username": "dbadmin", "password": "Db!p@ss+6 %20&x=é",
          "content": "Db!p@ss+6 %20&x=é", "hostname": "db01.example.test", "additional": "", "domain": "EXAMPLE",
          "ip": "192.0.2.16", "port": "5432", "model": "PostgreSQL", "expiration_time": "2031-06-30T12:00:00"},
}
INFOS = {
    "10": {"id": "10", "identifier": "payment-api-key", "name": "Payment API key", "type": "API key",
           "content": "pk_test_51M2mAuTh+/=", "active": True},
}
DEVICES = {"1": {"id": "1", "hostname": "destktop-91.com", "ip": "172.10.10.90", "type": "Server",
                 "vendor": "Canonical", "model": "Ubuntu", "site": "Test", "active": True}}
APPLICATION = {
    "name": "m2mauth-demo", "description": "DSM application for m2mauth tests", "system": "m2mauth",
    "environment": "test",
    "secrets": [{"secret_id": "1", "secret_name": "database", "identity": "m2mauth-demo-db", "version": "1",
                 "expiration_date": "2031-06-30 12:00:00", "engine": "static",
                 "data": [{"DB_USER": "app"}, {"DB_PASSWORD": "dsm-s3cret"}]}],
}
# Ids that are errors on purpose (the senhasegura WebService A2A documentation): see README.md.
NOT_FOUND = {"credential": (1010, "Credential not found", "Credencial não encontrada"),
             "info": (1023, "Information not found", "Informação não encontrada"),
             "device": (1011, "Device not found", "Dispositivo não encontrado"),
             "key": (1030, "SSH key not found", "Chave SSH não encontrada")}
INACTIVE_INFO_ID, EMPTY_INFO_ID = "1024", "1026"


def envelope(status: int, en: str, pt: str | None = None, code: int = 0, detail: str = "") -> dict:
    error = status >= 400
    return {"status": status, "message": en, "mensagem": pt or en, "error": error, "erro": error,
            "error_code": code, "cod_erro": code, "detail": detail}


def error_body(code: int, en: str, pt: str) -> dict:
    return {"response": envelope(400, en, pt, code), "exception": {"code": code, "message": f"{code}: {en}",
                                                                  "detail": None}}


class A2AError(Exception):
    def __init__(self, code: int, en: str, pt: str):
        super().__init__(en)
        self.body = error_body(code, en, pt)


# ---- OAuth 1.0 ------------------------------------------------------------------------------------------------
class Validator(RequestValidator):
    """Registered consumer/token pairs; nonce replay is refused within the timestamp window."""

    enforce_ssl = False  # loopback http is fine here
    allowed_signature_methods = ("HMAC-SHA1",)
    timestamp_lifetime = 600
    dummy_client = "dummy-client"
    dummy_access_token = "dummy-token"

    def __init__(self, creds: list[dict]):
        super().__init__()
        self.consumers = {c["consumer_key"]: c["consumer_secret"] for c in creds}
        self.tokens = {(c["consumer_key"], c["token"]): c["token_secret"] for c in creds}
        self.seen: dict[tuple, float] = {}
        self.lock = threading.Lock()

    def check_client_key(self, client_key):
        return 0 < len(client_key) <= 128 and client_key.isprintable()

    def check_nonce(self, nonce):
        return 0 < len(nonce) <= 128 and all(ch.isalnum() or ch in "-._~" for ch in nonce)

    def get_client_secret(self, client_key, request):
        return self.consumers.get(client_key, "dummy-secret")

    def get_access_token_secret(self, client_key, token, request):
        return self.tokens.get((client_key, token), "dummy-secret")

    def validate_client_key(self, client_key, request):
        return client_key in self.consumers

    def validate_timestamp_and_nonce(self, client_key, timestamp, nonce, request, request_token=None,
                                     access_token=None):
        now = time.time()
        key = (client_key, timestamp, nonce)
        with self.lock:
            self.seen = {k: t for k, t in self.seen.items() if now - t < 2 * self.timestamp_lifetime}
            if key in self.seen:
                return False
            self.seen[key] = now
        return True


# ---- state ------------------------------------------------------------------------------------------------------
class State:
    def __init__(self, clients: dict, ttl: int, encrypt_key_pem: str | None, fingerprints: list[str]):
        a2a = clients["a2a"]
        self.oauth1 = a2a["oauth1"]
        self.oauth2 = {c["client_id"]: c["client_secret"] for c in a2a["oauth2"]}
        self.validator = Validator(self.oauth1)
        self.endpoint = SignatureOnlyEndpoint(self.validator)
        self.ttl = ttl
        self.jwt_key = secrets.token_bytes(32)
        self.fingerprints = {srvlib.normalize_fingerprint(f) for f in fingerprints}
        self.encrypt_key = None
        if encrypt_key_pem:
            with open(encrypt_key_pem, "rb") as f:
                self.encrypt_key = serialization.load_pem_public_key(f.read())
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.credentials = copy.deepcopy(CREDENTIALS)
            self.infos = copy.deepcopy(INFOS)
            self.keys = {"7": ssh_key_record("7")}
            self.next_id = 100
            self.tokens: set[str] = set()
            self.stats = {"requests": {"query": 0, "oauth1": 0, "oauth2": 0}, "rejected": 0, "forbidden": 0,
                          "token_requests": 0, "token_auth": {"basic": 0, "body": 0}, "tokens_issued": 0,
                          "last_tenant": None, "by_path": {}}

    def bump(self, *path: str) -> None:
        with self.lock:
            table = self.stats
            for key in path[:-1]:
                table = table[key]
            table[path[-1]] = table.get(path[-1], 0) + 1

    def new_id(self) -> str:
        with self.lock:
            self.next_id += 1
            return str(self.next_id)

    def encrypt(self, value: str) -> str:
        """base64 of RSA-OAEP(SHA-1) ciphertext; longer values are cut into blocks encrypted one by one and concatenated."""
        if self.encrypt_key is None or not value:
            return value
        data = value.encode()
        block = self.encrypt_key.key_size // 8 - 2 * 20 - 2
        oaep = padding.OAEP(mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
        out = b"".join(self.encrypt_key.encrypt(data[i:i + block], oaep) for i in range(0, len(data), block))
        return base64.b64encode(out).decode()

    def issue_token(self, client_id: str, url: str) -> str:
        now = int(time.time())
        token = jwt.encode({"iss": url, "sub": client_id, "aud": url, "iat": now, "nbf": now, "exp": now + self.ttl,
                            "jti": str(uuid.uuid4()), "scopes": []}, self.jwt_key, algorithm="HS256")
        with self.lock:
            self.tokens.add(token)
            self.stats["tokens_issued"] += 1
        return token

    def token_valid(self, token: str) -> bool:
        with self.lock:
            if token not in self.tokens:
                return False
        try:
            jwt.decode(token, self.jwt_key, algorithms=["HS256"], options={"verify_aud": False})
            return True
        except jwt.PyJWTError:
            return False


def ssh_key_record(key_id: str) -> dict:
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return {"id": key_id, "username": "deploy", "hostname": "git.example.test", "ip": "192.0.2.7", "port": "22",
            "type": "ed25519", "public_key": public.decode() + " deploy@m2mauth-test", "private_key": private,
            "passphrase": ""}


# ---- HTTP -------------------------------------------------------------------------------------------------------
class A2AHandler(srvlib.Handler):
    state: State  # set on the class by main()

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    @property
    def base_url(self) -> str:
        scheme = "https" if self.server.tls else "http"
        return f"{scheme}://{self.headers.get('Host') or srvlib.HOST + ':' + str(self.server.port)}"

    def dispatch(self):
        body = self.read_body()
        parts = urlsplit(self.path)
        if parts.path.startswith("/_control/"):
            return self.control(parts.path[len("/_control/"):])
        if not self.client_cert_ok():
            self.state.bump("forbidden")
            return self.send_json(403, {"response": envelope(
                403, "Client certificate not authorized", "Certificado do cliente não autorizado", 403)})
        if parts.path == "/iso/oauth2/token":
            return self.token(body) if self.command == "POST" else self.send_json(
                405, {"response": envelope(405, "Method not allowed", "Método não permitido", 405)})
        if not parts.path.startswith("/iso/"):
            return self.send_json(404, {"response": envelope(404, "Not found", "Não encontrado", 404)})
        method = self.authenticate(parts.query, body)
        if method is None:
            self.state.bump("rejected")
            headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if self.bearer() else {}
            return self.send_json(401, {"response": envelope(401, "Unauthorized", "Não autorizado", 401)}, headers)
        self.state.bump("requests", method)
        self.state.bump("by_path", f"{self.command} {parts.path}")
        try:
            status, doc = self.api(parts.path, self.parse_fields(body))
        except A2AError as e:
            return self.send_json(400, e.body)
        self.send_json(status, doc)

    def control(self, what: str):
        if what == "stats" and self.command == "GET":
            with self.state.lock:
                return self.send_json(200, json.loads(json.dumps(self.state.stats)))
        if what == "reset" and self.command == "POST":
            self.state.reset()
            return self.send_json(200, {"reset": True})
        if what == "revoke" and self.command == "POST":
            with self.state.lock:
                n = len(self.state.tokens)
                self.state.tokens.clear()
            return self.send_json(200, {"revoked": n})
        self.send_json(404, {"error": "unknown control endpoint"})

    # ---- authentication ------------------------------------------------------------------------------------------
    def client_cert_ok(self) -> bool:
        if not self.state.fingerprints:
            return True
        der = self.peer_cert_der()
        return bool(der) and (srvlib.fingerprint(der, "sha256") in self.state.fingerprints
                              or srvlib.fingerprint(der, "sha1") in self.state.fingerprints)

    def bearer(self) -> str | None:
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        return token.strip() if scheme.lower() == "bearer" and token.strip() else None

    def authenticate(self, query: str, body: bytes) -> str | None:
        """'oauth1', 'oauth2' or 'query' if the request is authenticated, else None."""
        auth = self.headers.get("Authorization", "")
        params = dict(parse_qsl(query, keep_blank_values=True))
        if auth[:6].lower() == "oauth " or "oauth_signature" in params:
            return "oauth1" if self.oauth1_ok(body) else None
        if self.bearer():
            return "oauth2" if self.state.token_valid(self.bearer()) else None
        key, token = params.get("oauth_consumer_key"), params.get("oauth_token")
        for cred in self.state.oauth1:
            if key and token and secrets.compare_digest(cred["consumer_key"], key) \
                    and secrets.compare_digest(cred["token"], token):
                return "query"
        return None

    def oauth1_ok(self, body: bytes) -> bool:
        headers = dict(self.headers.items())
        try:
            ok, request = self.state.endpoint.validate_request(
                self.base_url + self.path, self.command, body.decode("utf-8"), headers)
        except ValueError:
            return False
        return bool(ok) and (request.client_key, request.resource_owner_key) in self.state.validator.tokens

    def token(self, body: bytes):
        state = self.state
        state.bump("token_requests")
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        with state.lock:
            state.stats["last_tenant"] = form.get("tenant")
        basic = srvlib.parse_basic_auth(self.headers.get("Authorization"))
        if basic:
            state.bump("token_auth", "basic")
            client_id, secret = basic
        else:
            state.bump("token_auth", "body")
            client_id, secret = form.get("client_id", ""), form.get("client_secret")
        if form.get("grant_type") != "client_credentials":
            return self.send_json(400, {"error": "unsupported_grant_type"})
        expected = state.oauth2.get(client_id)
        if expected is None or secret is None or not secrets.compare_digest(expected.encode(), secret.encode()):
            return self.send_json(401, {"error": "invalid_client", "error_description": "Client authentication failed"},
                                  {"WWW-Authenticate": 'Basic realm="senhasegura"'})
        self.send_json(200, {"token_type": "Bearer", "expires_in": state.ttl,
                             "access_token": state.issue_token(client_id, self.base_url)})

    def parse_fields(self, body: bytes) -> dict:
        if not body:
            return {}
        if "json" in self.headers.get("Content-Type", ""):
            try:
                doc = json.loads(body)
            except ValueError:
                raise A2AError(1026, "Invalid JSON body", "Corpo JSON inválido") from None
            return doc if isinstance(doc, dict) else {}
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))

    # ---- the API -------------------------------------------------------------------------------------------------
    def api(self, path: str, fields: dict) -> tuple[int, dict]:
        segments = [unquote(s) for s in path.split("/")[2:]]
        if len(segments) < 2:
            return 404, {"response": envelope(404, "Function not found", "Função não encontrada", 404)}
        module, function, arg = segments[0], segments[1], "/".join(segments[2:]) or None
        handler = getattr(self, f"{self.command.lower()}_{module}_{function}", None)
        if handler is None:
            return 404, {"response": envelope(404, "Function not found", "Função não encontrada", 404)}
        return handler(arg, fields)

    def ok(self, status: int, en: str, pt: str, **payload) -> tuple[int, dict]:
        return status, {"response": envelope(status, en, pt), **payload}

    def find_credential(self, ref: str | None) -> dict:
        for cred in list(self.state.credentials.values()):
            if ref in (cred["id"], f"{cred['username']}@{cred['hostname']}"):
                return cred
        raise A2AError(*NOT_FOUND["credential"])

    def protect(self, record: dict, *fields: str) -> dict:
        return {**record, **{f: self.state.encrypt(record[f]) for f in fields if f in record}}

    def get_pam_credential(self, arg, fields):
        if arg is None:
            listing = [{k: v for k, v in c.items() if k not in ("password", "content")}
                       for c in list(self.state.credentials.values())]
            return self.ok(200, "Credentials", "Credenciais", credentials=listing)
        cred = self.find_credential(arg)
        return self.ok(200, f"Credential {cred['id']}", f"Credencial {cred['id']}",
                       credential=self.protect(cred, "password", "content"))

    def post_pam_credential(self, arg, fields):
        missing = [f for f in ("username", "password") if not fields.get(f)]
        if missing or not (fields.get("hostname") or fields.get("ip")):
            raise A2AError(1026, f"Content missing: {', '.join(missing) or 'hostname or ip'}",
                           "Conteúdo ausente")
        new_id = self.state.new_id()
        cred = {**CREDENTIALS["5"], "identifier": f"credential-{new_id}", "hostname": "", "ip": "",
                "additional": "", "domain": "", **{k: str(v) for k, v in fields.items()}, "id": new_id}
        cred["content"] = cred["password"]
        self.state.credentials[new_id] = cred
        return self.ok(201, "Credential created", "Credencial criada", credential={"id": new_id,
                                                                                  "identifier": cred["identifier"]})

    def delete_pam_credential(self, arg, fields):
        if arg and arg.startswith("custody/"):
            cred = self.find_credential(arg[len("custody/"):])
            return self.ok(200, f"Custody of credential {cred['id']} released",
                           f"Custódia da credencial {cred['id']} liberada")
        cred = self.find_credential(arg)
        del self.state.credentials[cred["id"]]
        return self.ok(200, f"Credential {cred['id']} deleted", f"Credencial {cred['id']} removida")

    def get_pam_info(self, arg, fields):
        if arg == INACTIVE_INFO_ID:
            raise A2AError(1024, "Inactive information", "Informação inativa")
        if arg == EMPTY_INFO_ID:
            raise A2AError(1026, "Content missing", "Conteúdo ausente")
        info = self.state.infos.get(arg or "")
        if info is None:
            raise A2AError(*NOT_FOUND["info"])
        return self.ok(200, f"Information {arg}", f"Informação {arg}", info=self.protect(info, "content"))

    def post_pam_info(self, arg, fields):
        if not fields.get("content"):
            raise A2AError(1026, "Content missing", "Conteúdo ausente")
        new_id = self.state.new_id()
        self.state.infos[new_id] = {"id": new_id, "identifier": fields.get("identifier", f"info-{new_id}"),
                                    "name": fields.get("name", ""), "type": fields.get("type", ""),
                                    "content": str(fields["content"]), "active": True}
        return self.ok(201, "Information created", "Informação criada", info={"id": new_id})

    def delete_pam_info(self, arg, fields):
        if self.state.infos.pop(arg or "", None) is None:
            raise A2AError(*NOT_FOUND["info"])
        return self.ok(200, f"Information {arg} deleted", f"Informação {arg} removida")

    def get_pam_key(self, arg, fields):
        key = self.state.keys.get(arg or "")
        if key is None:
            raise A2AError(*NOT_FOUND["key"])
        return self.ok(200, f"SSH key {arg}", f"Chave SSH {arg}", key=self.protect(key, "private_key", "passphrase"))

    def get_pam_device(self, arg, fields):
        if arg is None:
            return self.ok(200, "Devices", "Dispositivos", devices=list(DEVICES.values()))
        if arg not in DEVICES:
            raise A2AError(*NOT_FOUND["device"])
        return self.ok(200, f"Device {arg}", f"Dispositivo {arg}", device=DEVICES[arg])

    def get_dapp_application(self, arg, fields):
        app = copy.deepcopy(APPLICATION)
        for secret in app["secrets"]:
            secret["data"] = [{k: self.state.encrypt(v) for k, v in item.items()} for item in secret["data"]]
        return self.ok(200, "Application", "Aplicação", application=app)

    def get_test_echo(self, arg, fields):
        """Not the vendor's: a hostile server whose error message echoes the request's credentials."""
        auth = self.headers.get("Authorization", "")
        query = urlsplit(self.path).query
        raise A2AError(9999, f"rejected {auth} {query} {arg or ''}", f"recusado {auth} {query}")

    def get_session_remotesessions(self, arg, fields):
        return self.ok(200, "Remote sessions", "Sessões remotas", sessions=[])


def main():
    p = srvlib.base_arg_parser("senhasegura A2A emulator (test-only)")
    srvlib.add_tls_args(p)
    p.add_argument("--require-client-cert-fingerprint", action="append", default=[], metavar="HEX",
                   help="registered client certificate fingerprint, SHA-256 (or SHA-1), hex with or without colons; "
                        "repeatable; needs --client-ca")
    p.add_argument("--encrypt-with-public-key", metavar="PEM",
                   help="return sensitive fields as base64 RSA-OAEP(SHA-1) ciphertext for this public key")
    args = p.parse_args()
    if args.require_client_cert_fingerprint and not args.client_ca:
        p.error("--require-client-cert-fingerprint needs --tls-cert, --tls-key and --client-ca")
    A2AHandler.state = State(srvlib.load_clients(srvlib.Path(args.clients)), args.token_ttl,
                             args.encrypt_with_public_key, args.require_client_cert_fingerprint)
    tls = srvlib.make_tls_context(args.tls_cert, args.tls_key, args.client_ca) if args.tls_cert else None
    server = srvlib.Server(args.port, A2AHandler, tls)
    srvlib.serve(server, args.ready_file, {
        "url": server.url,
        "port": server.port,
        "token_endpoint": server.url + "/iso/oauth2/token",
        "base_url": server.url + "/iso",
        "control_url": server.url + "/_control",
        "tls": bool(tls),
        "client_cert_required": bool(args.client_ca),
        "client_cert_fingerprints": sorted(A2AHandler.state.fingerprints),
        "encryption": bool(args.encrypt_with_public_key),
        "token_ttl": args.token_ttl,
    })


if __name__ == "__main__":
    main()
