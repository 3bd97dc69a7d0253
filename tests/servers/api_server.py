#!/usr/bin/env python3
"""A protected API (resource server) that validates Bearer tokens through RFC 7662 introspection.

For the demo and the tests: it stands for the BMP API behind an authorization server such as
oidc-provider. Every request under /api/ needs `Authorization: Bearer <token>`; the token is introspected
at --introspect with the `introspector` client of clients.json; an inactive token gets 401 with
WWW-Authenticate. With --require-header NAME (e.g. IdempotencyKey) requests without that header get 400,
and a value seen before gets 409. Answers echo what a test needs: method, path, client_id, scope and the
required header's value. Test-only.

    python3 api_server.py --port 0 --ready-file F --introspect http://127.0.0.1:P/token/introspection \
        [--require-header IdempotencyKey]
"""

from __future__ import annotations

import threading

import srvlib


def main() -> None:
    p = srvlib.base_arg_parser(__doc__.splitlines()[0])
    p.add_argument("--introspect", required=True, help="RFC 7662 introspection endpoint")
    p.add_argument("--require-header", help="a header every API call must carry, unique per call")
    args = p.parse_args()
    introspect = srvlib.introspector(args.clients, args.introspect)
    seen: set[str] = set()
    stats = {"requests": 0, "rejected": 0}
    lock = threading.Lock()

    class Handler(srvlib.RoutedHandler):
        def route(self):
            body = self.read_body()
            if self.path == "/_control/stats":
                with lock:
                    return self.send_json(200, stats)
            if not self.path.startswith("/api/"):
                return self.send_json(404, {"error": "not_found"})
            auth = self.headers.get("Authorization", "")
            info = introspect(auth[7:]) if auth.lower().startswith("bearer ") else {"active": False}
            if not info.get("active"):
                with lock:
                    stats["rejected"] += 1
                return self.send_json(401, {"error": "invalid_token"},
                                      {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            key = None
            if args.require_header:
                key = self.headers.get(args.require_header)
                if not key:
                    return self.send_json(400, {"error": f"missing {args.require_header}"})
                with lock:
                    if key in seen:
                        return self.send_json(409, {"error": f"{args.require_header} already used"})
                    seen.add(key)
            with lock:
                stats["requests"] += 1
            self.send_json(200, {"method": self.command, "path": self.path, "client_id": info.get("client_id"),
                                 "scope": info.get("scope"), "body_bytes": len(body),
                                 "idempotency_key": key})

    server = srvlib.Server(args.port, Handler)
    srvlib.serve(server, args.ready_file, {"url": server.url, "port": server.port, "api_url": server.url + "/api",
                                          "introspect": args.introspect})


if __name__ == "__main__":
    main()
