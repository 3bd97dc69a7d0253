#!/usr/bin/env python3
"""Fault-injecting OAuth 2.0 token server plus a protected echo API (test-only).

POST /token                      client_credentials; behaviour follows the script (see README.md)
GET|POST|PUT|DELETE /api/...     echo, only with a Bearer token this server issued and has not revoked
any method /echo/...             echo without authentication (plain HTTPS / mTLS checks)
POST /_control/script            JSON list of steps, one consumed per token request (replaces the script)
GET  /_control/script            the steps not yet consumed
GET  /_control/stats             counters and the last token request, raw
POST /_control/reset             clears script, stats and tokens
POST /_control/revoke            revokes every token issued so far
"""

from __future__ import annotations

import http
import json
import secrets
import threading
import time
from collections import deque
from urllib.parse import parse_qs, parse_qsl, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

import srvlib

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
MAX_WAIT_S = 30.0
MAX_HUGE_BYTES = 256 << 20
RSA_ALGS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
HMAC_ALGS = ["HS256", "HS384", "HS512"]


def verification_key(client: dict):
    """(key, accepted algorithms) for a client's assertions, or None if it has neither key nor secret."""
    if "public_key" in client:
        with open(client["public_key"], "rb") as f:
            key = load_pem_public_key(f.read())
        if isinstance(key, rsa.RSAPublicKey):
            return key, RSA_ALGS
        if isinstance(key, ec.EllipticCurvePublicKey):
            return key, ["ES256"]
        if isinstance(key, ed25519.Ed25519PublicKey):
            return key, ["EdDSA"]
        raise ValueError(f"unsupported key in {client['public_key']}")
    if "client_secret" in client:
        return client["client_secret"].encode(), HMAC_ALGS
    return None


class State:
    def __init__(self, clients: dict, ttl: int):
        self.clients = clients["oauth2"]["clients"]
        self.keys = {cid: verification_key(c) for cid, c in self.clients.items()}
        self.ttl = ttl
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.script: deque = deque()
            self.tokens: dict[str, dict] = {}
            self.stats = {
                "token_requests": 0,
                "by_client": {},
                "by_auth_method": {},
                "token_request_times": [],
                "last_token_request": None,
                "tokens_issued": 0,
                "api_requests": 0,
                "api_rejected": 0,
            }

    def set_script(self, steps: list) -> None:
        with self.lock:
            self.script = deque(steps)

    def next_step(self) -> dict:
        with self.lock:
            return self.script.popleft() if self.script else {}

    def record_token_request(self, client_id: str | None, method: str, request: dict) -> None:
        with self.lock:
            s = self.stats
            s["token_requests"] += 1
            s["by_client"][client_id or "<none>"] = s["by_client"].get(client_id or "<none>", 0) + 1
            s["by_auth_method"][method] = s["by_auth_method"].get(method, 0) + 1
            s["token_request_times"].append(time.time())
            s["last_token_request"] = request

    def issue(self, client_id: str) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens[token] = {"client_id": client_id, "exp": time.time() + self.ttl, "revoked": False}
            self.stats["tokens_issued"] += 1
        return token

    def check(self, token: str | None) -> dict | None:
        with self.lock:
            self.stats["api_requests"] += 1
            entry = self.tokens.get(token or "")
            if entry is None or entry["revoked"] or entry["exp"] < time.time():
                self.stats["api_rejected"] += 1
                return None
            return entry

    def revoke_all(self) -> int:
        with self.lock:
            for entry in self.tokens.values():
                entry["revoked"] = True
            return len(self.tokens)

    def snapshot(self) -> dict:
        with self.lock:
            return json.loads(json.dumps({**self.stats, "script_remaining": len(self.script)}))


def claimed_client(headers, form: dict) -> tuple[str | None, str]:
    """Who the token request says it is, and by which method (nothing verified)."""
    basic = srvlib.parse_basic_auth(headers.get("Authorization"))
    if basic:
        return basic[0], "client_secret_basic"
    assertion = form.get("client_assertion")
    if form.get("client_assertion_type") == ASSERTION_TYPE and assertion:
        try:
            sub = jwt.decode(assertion, options={"verify_signature": False}).get("sub")
            alg = jwt.get_unverified_header(assertion).get("alg", "")
        except jwt.PyJWTError:
            return form.get("client_id"), "malformed_assertion"
        return sub or form.get("client_id"), "client_secret_jwt" if alg.startswith("HS") else "private_key_jwt"
    if "client_secret" in form:
        return form.get("client_id"), "client_secret_post"
    return form.get("client_id"), "none"


def authenticate(state: State, headers, form: dict) -> str | None:
    """The authenticated client_id, or None."""
    basic = srvlib.parse_basic_auth(headers.get("Authorization"))
    if basic:
        return basic[0] if _secret_ok(state.clients.get(basic[0]), basic[1]) else None
    if form.get("client_assertion_type") == ASSERTION_TYPE and form.get("client_assertion"):
        return verify_assertion(state, form["client_assertion"], form.get("client_id"))
    client_id = form.get("client_id", "")
    return client_id if _secret_ok(state.clients.get(client_id), form.get("client_secret")) else None


def _secret_ok(client: dict | None, secret: str | None) -> bool:
    if not client or "client_secret" not in client or secret is None:
        return False
    return secrets.compare_digest(client["client_secret"].encode(), secret.encode())


def verify_assertion(state: State, assertion: str, form_client_id: str | None) -> str | None:
    """Check signature, exp, iss == sub == client_id. The audience is not checked here."""
    try:
        client_id = jwt.decode(assertion, options={"verify_signature": False}).get("sub")
        key_algs = state.keys.get(client_id or "")
        if not key_algs or form_client_id not in (None, client_id):
            return None
        claims = jwt.decode(assertion, key_algs[0], algorithms=key_algs[1],
                            options={"verify_aud": False, "require": ["exp", "iss", "sub"]})
        return client_id if claims["iss"] == client_id else None
    except jwt.PyJWTError:
        return None


class FaultHandler(srvlib.RoutedHandler):
    state: State  # set on the class by main()

    # ---- routing -------------------------------------------------------------------------------------------
    def route(self):
        self.clock_offset_s = 0.0  # a step's clock_offset_s applies to its own answer only
        path = urlsplit(self.path).path
        if path == "/token" and self.command == "POST":
            return self.token()
        if path.startswith("/api/") or path == "/api":
            return self.api(protected=True)
        if path.startswith("/echo/") or path == "/echo":
            return self.api(protected=False)
        if path.startswith("/_control/"):
            return self.control(path[len("/_control/"):])
        self.read_body()
        self.send_json(404, {"error": "not_found", "path": path})

    def control(self, what: str):
        body = self.read_body()
        state = self.state
        if what == "script" and self.command == "POST":
            steps = json.loads(body or b"[]")
            steps = steps.get("steps", []) if isinstance(steps, dict) else steps
            if not isinstance(steps, list) or not all(isinstance(s, dict) for s in steps):
                return self.send_json(400, {"error": "script must be a JSON list of objects"})
            state.set_script(steps)
            return self.send_json(200, {"queued": len(steps)})
        if what == "script" and self.command == "GET":
            with state.lock:
                return self.send_json(200, list(state.script))
        if what == "stats" and self.command == "GET":
            return self.send_json(200, state.snapshot())
        if what == "reset" and self.command == "POST":
            state.reset()
            return self.send_json(200, {"reset": True})
        if what == "revoke" and self.command == "POST":
            return self.send_json(200, {"revoked": state.revoke_all()})
        self.send_json(404, {"error": "unknown control endpoint"})

    # ---- the token endpoint ----------------------------------------------------------------------------------
    def token(self):
        body = self.read_body()
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        client_id, method = claimed_client(self.headers, form)
        self.state.record_token_request(client_id, method, {
            "method": self.command, "path": self.path, "headers": dict(self.headers.items()), "form": form})
        step = echo_credentials(self.state.next_step(), self.headers, form, body.decode("utf-8", "replace"))
        self.clock_offset_s = float(step.get("clock_offset_s", 0))

        if step.get("delay_ms"):
            time.sleep(min(float(step["delay_ms"]) / 1000.0, MAX_WAIT_S))
        if step.get("hang"):
            return self.hang(min(float(step.get("max_s", MAX_WAIT_S)), MAX_WAIT_S))
        if step.get("reset"):
            return self.abort_connection()

        headers = dict(step.get("headers", {}))
        if "retry_after" in step:
            headers["Retry-After"] = step["retry_after"]
        status = int(step.get("status", 0))

        if "body" in step:
            return self.send_bytes(status or 200, str(step["body"]).encode(),
                                   step.get("content_type", "text/plain"), headers)
        if step.get("html"):
            page = error_page(status or 502, step.get("html_text", "The upstream server is unavailable."))
            return self.send_bytes(status or 502, page, "text/html; charset=utf-8", headers)
        if 300 <= status < 400:
            headers.setdefault("Location", step.get("location", "http://127.0.0.1:1/"))
            return self.send_bytes(status, b"", "text/plain", headers)
        if "error" in step:
            err = {"error": step["error"], "error_description": step.get("error_description", "scripted error")}
            if status == 401 or step["error"] == "invalid_client":
                headers.setdefault("WWW-Authenticate", 'Basic realm="fault"')
            return self.send_json(status or 400, err, headers)
        if status >= 400:
            phrase = http.HTTPStatus(status).phrase if status in http.HTTPStatus._value2member_map_ else "Error"
            return self.send_bytes(status, f"{status} {phrase}\n".encode(), "text/plain", headers)

        if form.get("grant_type") != "client_credentials":
            return self.send_json(400, {"error": "unsupported_grant_type"})
        authed = authenticate(self.state, self.headers, form)
        if authed is None:
            return self.send_json(401, {"error": "invalid_client"}, {"WWW-Authenticate": 'Basic realm="fault"'})
        self.send_token(authed, form, step, headers)

    def date_time_string(self, timestamp=None):
        """The Date header, on this server's clock shifted by the step's clock_offset_s."""
        return super().date_time_string((time.time() if timestamp is None else timestamp) + self.clock_offset_s)

    def send_token(self, client_id: str, form: dict, step: dict, headers: dict):
        doc = {"access_token": self.state.issue(client_id), "token_type": step.get("token_type", "Bearer"),
               "expires_in": self.state.ttl}
        if step.get("jwt"):
            # A JWT access token stamped on the shifted clock: iat = now + clock_offset_s, exp = iat + its
            # lifetime (jwt_lifetime_s, default the server's ttl). Registered like the opaque ones.
            iat = int(time.time() + self.clock_offset_s)
            claims = {"iss": "fault", "sub": client_id, "iat": iat,
                      "exp": iat + int(step.get("jwt_lifetime_s", self.state.ttl)), "jti": secrets.token_hex(8)}
            token = jwt.encode(claims, secrets.token_bytes(32), algorithm="HS256")
            with self.state.lock:
                self.state.tokens[token] = {"client_id": client_id, "exp": time.time() + self.state.ttl,
                                            "revoked": False}
            doc["access_token"] = token
        if "access_token" in step:
            doc["access_token"] = step["access_token"]
        if "refresh_token" in step:
            doc["refresh_token"] = step["refresh_token"]
        if "expires_in" in step:
            if step["expires_in"] is None:
                del doc["expires_in"]
            else:
                doc["expires_in"] = step["expires_in"]
        if form.get("scope"):
            doc["scope"] = form["scope"]
        status = int(step.get("status") or 200)
        if step.get("huge_bytes"):
            return self.send_padded(status, doc, min(int(step["huge_bytes"]), MAX_HUGE_BYTES), headers)
        self.send_json(status, doc, headers)

    def send_padded(self, status: int, doc: dict, size: int, headers: dict):
        """Stream a JSON token response of exactly size bytes (or its natural size if larger)."""
        head = json.dumps({**doc, "padding": ""}).encode()
        prefix, suffix = head[:-2], head[-2:]  # ... "padding": "   |   "}
        pad = max(size - len(head), 0)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(head) + pad))
        for name, value in headers.items():
            self.send_header(name, str(value))
        self.end_headers()
        self.wfile.write(prefix)
        chunk = b"x" * 65536
        while pad > 0:
            self.wfile.write(chunk[:min(pad, len(chunk))])
            pad -= len(chunk)
        self.wfile.write(suffix)

    def hang(self, max_s: float):
        """Say nothing until the client hangs up or max_s passes, then drop the connection."""
        deadline = time.monotonic() + max_s
        while time.monotonic() < deadline:
            if self.client_gone(min(0.25, max(deadline - time.monotonic(), 0))):
                break
        self.abort_connection()

    # ---- the protected API and the open echo -----------------------------------------------------------------
    def api(self, protected: bool):
        body = self.read_body()
        auth = self.headers.get("Authorization", "")
        entry = None
        if protected:
            scheme, _, token = auth.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                self.state.check(None)
                return self.send_json(401, {"error": "unauthorized"}, {"WWW-Authenticate": 'Bearer realm="fault"'})
            entry = self.state.check(token.strip())
            if entry is None:
                return self.send_json(401, {"error": "invalid_token"}, {
                    "WWW-Authenticate": 'Bearer realm="fault", error="invalid_token"'})
        parts = urlsplit(self.path)
        der = self.peer_cert_der()
        self.send_json(200, {
            "method": self.command,
            "path": parts.path,
            "raw_query": parts.query,
            "query": parse_qs(parts.query, keep_blank_values=True),
            "headers": dict(self.headers.items()),
            "body": body.decode("utf-8", "replace"),
            "client_id": entry["client_id"] if entry else None,
            "tls_client_cert_sha256": srvlib.fingerprint(der) if der else None,
        })


def error_page(status: int, text: str) -> bytes:
    return (f"<!DOCTYPE html>\n<html><head><title>{status} Bad Gateway</title></head>\n"
            f"<body><h1>{status} Bad Gateway</h1><p>{text}</p></body></html>\n").encode()


def echo_credentials(step, headers, form: dict, raw_form: str):
    """The step with $CLIENT_SECRET, $ASSERTION, $AUTHORIZATION and $FORM in its strings replaced by what the
    request carried (a hostile server that echoes credentials into its answers)."""
    if isinstance(step, dict):
        return {k: echo_credentials(v, headers, form, raw_form) for k, v in step.items()}
    if isinstance(step, list):
        return [echo_credentials(v, headers, form, raw_form) for v in step]
    if not isinstance(step, str) or "$" not in step:
        return step
    basic = srvlib.parse_basic_auth(headers.get("Authorization"))
    secret = basic[1] if basic else form.get("client_secret", "")
    assertion = form.get("client_assertion") or form.get("assertion") or ""
    return (step.replace("$CLIENT_SECRET", secret).replace("$ASSERTION", assertion)
            .replace("$AUTHORIZATION", headers.get("Authorization", "")).replace("$FORM", raw_form))


def main():
    p = srvlib.base_arg_parser(__doc__.splitlines()[0])
    srvlib.add_tls_args(p)
    args = p.parse_args()
    FaultHandler.state = State(srvlib.load_clients(srvlib.Path(args.clients)), args.token_ttl)
    tls = srvlib.make_tls_context(args.tls_cert, args.tls_key, args.client_ca) if args.tls_cert else None
    server = srvlib.Server(args.port, FaultHandler, tls)
    srvlib.serve(server, args.ready_file, {
        "url": server.url,
        "port": server.port,
        "token_endpoint": server.url + "/token",
        "api_url": server.url + "/api",
        "echo_url": server.url + "/echo",
        "control_url": server.url + "/_control",
        "tls": bool(tls),
        "client_cert_required": bool(args.client_ca),
        "token_ttl": args.token_ttl,
    })


if __name__ == "__main__":
    main()
