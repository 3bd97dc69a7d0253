#!/usr/bin/env python3
"""A resource server that checks DPoP proofs (RFC 9449 sections 4.3, 7 and 9) with PyJWT and jwcrypto.

Every request under /api/ needs `Authorization: DPoP <token>` and a `DPoP` proof: typ dpop+jwt, an asymmetric
alg, a public JWK (no private member) that verifies the signature (PyJWT), a jti never seen before (a replay
gets 401 invalid_dpop_proof), htm equal to the method, htu equal to this server's URL of the path (no query),
iat within --iat-window seconds of now, ath equal to base64url(SHA-256(token)). With --introspect the token
must be active at that RFC 7662 endpoint and its cnf.jkt must equal the proof key's RFC 7638 thumbprint
(jwcrypto). With --nonce every proof must carry the current nonce (sent in DPoP-Nonce on every answer); a
missing or stale one gets 401 with `WWW-Authenticate: DPoP error="use_dpop_nonce"`. A `Bearer` token without a
proof is answered 200 with scheme "Bearer" (no check). Test-only.

    python3 dpop_resource.py --port 0 --ready-file F [--introspect URL] [--nonce] [--iat-window 60]

Control: GET /_control/stats; POST /_control/reset; POST /_control/rotate_nonce; POST /_control/nonce_loop
(every proof, whatever its nonce, is answered use_dpop_nonce with a new nonce, until reset); POST
/_control/hostile_nonce (the nonce becomes 2000 bytes, more than a client should keep, until reset).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
import urllib.parse

import jwt
from jwcrypto import jwk as jwcrypto_jwk

import srvlib

ALLOWED_ALGS = ["ES256", "ES384", "ES512", "EdDSA", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
PRIVATE_MEMBERS = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}


class ProofError(Exception):
    def __init__(self, error: str, description: str):
        super().__init__(description)
        self.error, self.description = error, description


def b64url_sha256(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()


def main() -> None:
    p = srvlib.base_arg_parser(__doc__.splitlines()[0])
    p.add_argument("--introspect", help="RFC 7662 endpoint: tokens must be active and bound to the proof key")
    p.add_argument("--nonce", action="store_true", help="require the server's DPoP nonce in every proof")
    p.add_argument("--iat-window", type=int, default=60, help="accepted |now - iat| in seconds")
    args = p.parse_args()
    introspect = srvlib.introspector(args.clients, args.introspect)
    lock = threading.Lock()
    state: dict = {}

    def reset() -> None:
        state.update(seen_jti=set(), nonce=secrets.token_urlsafe(16), nonce_loop=False, hostile=False,
                     stats={"requests": 0, "accepted": 0, "rejected": 0, "nonce_challenges": 0, "replays": 0,
                            "last": None, "errors": []})

    reset()

    def check_proof(proof: str, method: str, htu: str, token: str) -> dict:
        try:
            header = jwt.get_unverified_header(proof)
        except jwt.PyJWTError as e:
            raise ProofError("invalid_dpop_proof", f"not a JWS: {e}")
        if header.get("typ") != "dpop+jwt":
            raise ProofError("invalid_dpop_proof", "typ is not dpop+jwt")
        alg = header.get("alg")
        if alg not in ALLOWED_ALGS:
            raise ProofError("invalid_dpop_proof", "alg not allowed")
        key = header.get("jwk")
        if not isinstance(key, dict) or PRIVATE_MEMBERS & set(key):
            raise ProofError("invalid_dpop_proof", "jwk missing or with private members")
        try:
            public = jwt.PyJWK(key, algorithm=alg)
            claims = jwt.decode(proof, key=public.key, algorithms=[alg],
                                options={"require": ["jti", "htm", "htu", "iat"], "verify_aud": False,
                                         "verify_iat": False, "verify_exp": False, "verify_nbf": False})
        except jwt.PyJWTError as e:
            raise ProofError("invalid_dpop_proof", f"signature or claims: {e}")
        jti = claims["jti"]
        if not isinstance(jti, str) or len(jti) < 16:
            raise ProofError("invalid_dpop_proof", "jti too short")
        if claims["htm"] != method:
            raise ProofError("invalid_dpop_proof", "htm mismatch")
        if claims["htu"] != htu:
            raise ProofError("invalid_dpop_proof", f"htu mismatch: {claims['htu']} != {htu}")
        iat = claims["iat"]
        if not isinstance(iat, int) or abs(time.time() - iat) > args.iat_window:
            raise ProofError("invalid_dpop_proof", "iat outside the window")
        if claims.get("ath") != b64url_sha256(token):
            raise ProofError("invalid_dpop_proof", "ath mismatch")
        jkt = jwcrypto_jwk.JWK(**key).thumbprint()
        with lock:
            if state["nonce_loop"]:
                state["nonce"] = secrets.token_urlsafe(16)
                raise ProofError("use_dpop_nonce", "nonce loop")
            if (args.nonce or state["hostile"]) and claims.get("nonce") != state["nonce"]:
                raise ProofError("use_dpop_nonce", "nonce missing or stale")
            if jti in state["seen_jti"]:
                state["stats"]["replays"] += 1
                raise ProofError("invalid_dpop_proof", "jti replayed")
            state["seen_jti"].add(jti)
        if args.introspect:
            info = introspect(token)
            if not info.get("active"):
                raise ProofError("invalid_token", "token not active")
            if (info.get("cnf") or {}).get("jkt") != jkt:
                raise ProofError("invalid_token", "token not bound to the proof key")
        return {"header": header, "claims": claims, "jkt": jkt}

    class Handler(srvlib.RoutedHandler):
        def answer(self, status: int, obj, headers: dict | None = None):
            h = dict(headers or {})
            if args.nonce or state["nonce_loop"] or state["hostile"]:
                with lock:
                    h["DPoP-Nonce"] = state["nonce"]
            self.send_json(status, obj, h)

        def route(self):
            self.read_body()
            if self.path.startswith("/_control/"):
                with lock:
                    if self.path == "/_control/stats":
                        return self.send_json(200, state["stats"])
                    if self.path == "/_control/reset":
                        reset()
                        return self.send_json(200, {"ok": True})
                    if self.path == "/_control/rotate_nonce":
                        state["nonce"] = secrets.token_urlsafe(16)
                        return self.send_json(200, {"nonce": state["nonce"]})
                    if self.path == "/_control/hostile_nonce":
                        state["nonce"] = "n" * 2000
                        state["hostile"] = True
                        return self.send_json(200, {"ok": True})
                    if self.path == "/_control/nonce_loop":
                        state["nonce_loop"] = True
                        return self.send_json(200, {"ok": True})
                return self.send_json(404, {"error": "not_found"})
            if not self.path.startswith("/api/"):
                return self.send_json(404, {"error": "not_found"})
            with lock:
                state["stats"]["requests"] += 1
            auth = self.headers.get("Authorization", "")
            proofs = self.headers.get_all("DPoP") or []
            scheme, _, token = auth.partition(" ")
            if scheme.lower() == "bearer" and not proofs:
                with lock:
                    state["stats"]["accepted"] += 1
                return self.answer(200, {"scheme": "Bearer", "method": self.command, "path": self.path})
            htu = server.url + urllib.parse.urlsplit(self.path).path
            try:
                if scheme != "DPoP" or not token:
                    raise ProofError("invalid_token", "Authorization is not DPoP")
                if len(proofs) != 1:
                    raise ProofError("invalid_dpop_proof", "exactly one DPoP header required")
                checked = check_proof(proofs[0], self.command, htu, token)
            except ProofError as e:
                with lock:
                    st = state["stats"]
                    st["rejected"] += 1
                    st["errors"].append(e.description)
                    if e.error == "use_dpop_nonce":
                        st["nonce_challenges"] += 1
                challenge = f'DPoP algs="{" ".join(ALLOWED_ALGS)}", error="{e.error}"'
                return self.answer(401, {"error": e.error, "error_description": e.description},
                                   {"WWW-Authenticate": challenge})
            with lock:
                state["stats"]["accepted"] += 1
                state["stats"]["last"] = {"claims": checked["claims"], "jkt": checked["jkt"],
                                          "jwk": checked["header"]["jwk"], "alg": checked["header"]["alg"]}
            self.answer(200, {"scheme": "DPoP", "method": self.command, "path": self.path, "jkt": checked["jkt"],
                              "claims": checked["claims"]})

    server = srvlib.Server(args.port, Handler)
    srvlib.serve(server, args.ready_file, {"url": server.url, "port": server.port, "api_url": server.url + "/api",
                                          "introspect": args.introspect, "nonce": args.nonce,
                                          "control_url": server.url + "/_control"})


if __name__ == "__main__":
    main()
