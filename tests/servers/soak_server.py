#!/usr/bin/env python3
"""Token endpoint with random faults plus a protected API whose faults the caller picks (the soak run; test-only).

POST /token      client_credentials, authenticated as fault_server.py does (Basic, post, JWT assertions). With
                 probability --token-fault-rate the answer is a fault drawn at random: 500, 502 or 503; 429 with
                 `Retry-After: 1`; a connection reset (RST, no answer); or a stall of up to --stall-max-ms that
                 then answers normally. Never faulted, so that the library can always absorb the faults: a
                 client's first token request, the first after a revocation, and the first after
                 --max-consecutive failed answers in a row.
any /api/...     200 with a JSON echo of the X-Soak-Id header, only with a Bearer token this server issued that
                 has neither expired nor been revoked (else 401 with WWW-Authenticate, counted by reason). After
                 the token check, `X-Soak-Fault: 500|502|503|429|reset|stall:<ms>` answers that status (429 with
                 `Retry-After: 1`), resets the connection, or waits that long (at most 30 s) and answers 200.
revocation       every --revoke-every seconds (0: never), each client's tokens are revoked if it is safe for the
                 library: the client's last token answer was a success and none of its token requests is running.
                 Its next token request is then never faulted.
GET  /_control/stats   per client: token requests, faults by kind, tokens issued, the most token requests in
                       flight at once, the shortest gap between two tokens issued, revocations; API answers by kind.
"""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
from urllib.parse import parse_qsl, urlsplit

import fault_server
import srvlib

TOKEN_FAULTS = ["500", "502", "503", "429", "reset", "stall"]
MAX_STALL_S = 30.0


class ClientState:
    def __init__(self):
        self.token_requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.faults: dict[str, int] = {}
        self.failed_in_a_row = 0
        self.clean_next = True  # the first token request is never faulted
        self.issued_times: list[float] = []
        self.revocations = 0


class SoakState:
    def __init__(self, clients: dict, args):
        self.clients = clients["oauth2"]["clients"]
        self.keys = {cid: fault_server.verification_key(c) for cid, c in self.clients.items()}
        self.ttl = args.token_ttl
        self.fault_rate = args.token_fault_rate
        self.stall_max_s = min(args.stall_max_ms / 1000.0, MAX_STALL_S)
        self.max_consecutive = args.max_consecutive
        self.rng = random.Random(args.seed)
        self.lock = threading.Lock()
        self.tokens: dict[str, dict] = {}
        self.by_client: dict[str, ClientState] = {}
        self.api: dict[str, int] = {}

    def client(self, client_id: str) -> ClientState:
        return self.by_client.setdefault(client_id, ClientState())

    def begin_token_request(self, client_id: str) -> str | None:
        """Counts the request as in flight and draws its fault (None: answer normally)."""
        with self.lock:
            c = self.client(client_id)
            c.token_requests += 1
            c.in_flight += 1
            c.max_in_flight = max(c.max_in_flight, c.in_flight)
            if c.clean_next or c.failed_in_a_row >= self.max_consecutive or self.rng.random() >= self.fault_rate:
                c.clean_next = False
                return None
            fault = self.rng.choice(TOKEN_FAULTS)
            c.faults[fault] = c.faults.get(fault, 0) + 1
            return fault

    def end_token_request(self, client_id: str, ok: bool, token: str | None = None) -> None:
        with self.lock:
            c = self.client(client_id)
            c.in_flight -= 1
            c.failed_in_a_row = 0 if ok else c.failed_in_a_row + 1
            if token is not None:
                now = time.time()
                self.tokens[token] = {"client_id": client_id, "exp": now + self.ttl, "revoked": False}
                c.issued_times.append(now)

    def stall_s(self) -> float:
        with self.lock:
            return self.rng.uniform(0.0, self.stall_max_s)

    def check(self, token: str) -> tuple[dict | None, str]:
        with self.lock:
            entry = self.tokens.get(token)
            if entry is None:
                return None, "unknown_token"
            if entry["revoked"]:
                return None, "revoked_token"
            if entry["exp"] < time.time():
                return None, "expired_token"
            return entry, "ok"

    def count_api(self, kind: str) -> None:
        with self.lock:
            self.api[kind] = self.api.get(kind, 0) + 1

    def revoke_where_safe(self) -> None:
        with self.lock:
            for client_id, c in self.by_client.items():
                if c.in_flight or c.failed_in_a_row or not c.issued_times:
                    continue
                for entry in self.tokens.values():
                    if entry["client_id"] == client_id:
                        entry["revoked"] = True
                c.revocations += 1
                c.clean_next = True

    def forget_old_tokens(self) -> None:
        with self.lock:
            limit = time.time() - 2 * self.ttl
            self.tokens = {t: e for t, e in self.tokens.items() if e["exp"] >= limit}

    def snapshot(self) -> dict:
        with self.lock:
            clients = {}
            for client_id, c in self.by_client.items():
                times = c.issued_times
                gaps = [b - a for a, b in zip(times, times[1:])]
                clients[client_id] = {
                    "token_requests": c.token_requests,
                    "tokens_issued": len(times),
                    "faults": dict(c.faults),
                    "max_in_flight": c.max_in_flight,
                    "min_gap_s": round(min(gaps), 3) if gaps else None,
                    "revocations": c.revocations,
                }
            return {"clients": clients, "api": dict(self.api), "token_ttl": self.ttl}


class SoakHandler(srvlib.RoutedHandler):
    state: SoakState  # set on the class by main()

    def route(self):
        path = urlsplit(self.path).path
        if path == "/token" and self.command == "POST":
            return self.token()
        if path.startswith("/api/") or path == "/api":
            return self.api()
        self.read_body()
        if path == "/_control/stats" and self.command == "GET":
            return self.send_json(200, self.state.snapshot())
        self.send_json(404, {"error": "not_found"})

    def token(self):
        body = self.read_body()
        form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        client_id = fault_server.authenticate(self.state, self.headers, form)
        if client_id is None or form.get("grant_type") != "client_credentials":
            return self.send_json(401, {"error": "invalid_client"}, {"WWW-Authenticate": 'Basic realm="soak"'})
        fault = self.state.begin_token_request(client_id)
        ok = False
        token = None
        try:
            if fault == "reset":
                return self.abort_connection()
            if fault == "429":
                return self.send_bytes(429, b"429 Too Many Requests\n", "text/plain", {"Retry-After": "1"})
            if fault in ("500", "502", "503"):
                return self.send_bytes(int(fault), f"{fault} scripted\n".encode(), "text/plain")
            if fault == "stall":
                time.sleep(self.state.stall_s())
            token = secrets.token_urlsafe(32)
            doc = {"access_token": token, "token_type": "Bearer", "expires_in": self.state.ttl}
            if form.get("scope"):
                doc["scope"] = form["scope"]
            # Recorded before it is sent: a client may use it at once.
            self.state.end_token_request(client_id, True, token)
            ok = True
            self.send_json(200, doc)
        finally:
            if not ok:
                self.state.end_token_request(client_id, False)

    def api(self):
        self.read_body()
        scheme, _, token = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            self.state.count_api("no_token")
            return self.send_json(401, {"error": "unauthorized"}, {"WWW-Authenticate": 'Bearer realm="soak"'})
        entry, verdict = self.state.check(token.strip())
        if entry is None:
            self.state.count_api(verdict)
            return self.send_json(401, {"error": "invalid_token"},
                                  {"WWW-Authenticate": 'Bearer realm="soak", error="invalid_token"'})
        fault = self.headers.get("X-Soak-Fault", "")
        self.state.count_api(fault.split(":")[0] or "ok")
        if fault == "reset":
            return self.abort_connection()
        if fault == "429":
            return self.send_bytes(429, b"429 Too Many Requests\n", "text/plain", {"Retry-After": "1"})
        if fault in ("500", "502", "503"):
            return self.send_bytes(int(fault), f"{fault} scripted\n".encode(), "text/plain")
        if fault.startswith("stall:"):
            time.sleep(min(float(fault[6:]) / 1000.0, MAX_STALL_S))
        self.send_json(200, {"id": self.headers.get("X-Soak-Id", ""), "client_id": entry["client_id"]})


def housekeeping(state: SoakState, revoke_every: float) -> None:
    next_revoke = time.monotonic() + revoke_every if revoke_every > 0 else None
    while True:
        time.sleep(1.0)
        state.forget_old_tokens()
        if next_revoke is not None and time.monotonic() >= next_revoke:
            state.revoke_where_safe()
            next_revoke = time.monotonic() + revoke_every


def main():
    p = srvlib.base_arg_parser(__doc__.splitlines()[0])
    p.add_argument("--token-fault-rate", type=float, default=0.3, help="part of token requests answered with a fault")
    p.add_argument("--max-consecutive", type=int, default=2, help="failed token answers in a row, at most")
    p.add_argument("--stall-max-ms", type=int, default=1500, help="longest token endpoint stall")
    p.add_argument("--revoke-every", type=float, default=0.0, help="seconds between revocations (0: none)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: a new one each run)")
    args = p.parse_args()
    SoakHandler.state = SoakState(srvlib.load_clients(srvlib.Path(args.clients)), args)
    threading.Thread(target=housekeeping, args=(SoakHandler.state, args.revoke_every), daemon=True).start()
    server = srvlib.Server(args.port, SoakHandler)
    srvlib.serve(server, args.ready_file, {
        "url": server.url,
        "port": server.port,
        "token_endpoint": server.url + "/token",
        "api_url": server.url + "/api",
        "control_url": server.url + "/_control",
        "token_ttl": args.token_ttl,
    })


if __name__ == "__main__":
    main()
