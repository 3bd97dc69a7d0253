#!/usr/bin/env python3
"""Loopback HTTP/1.1 server for the transport tests (test-only): counts TCP connections.

    python3 conn_server.py --port 0 --ready-file F

GET  /stats                   {"connections": n, "requests": n}
any  /echo...                 JSON: method, target (as sent), headers as [name, value] pairs (case and
                              duplicates kept), body, content_length (null if absent)
GET  /dup-headers             204 with repeated and mixed-case response headers
GET  /chunked?bytes=N         N bytes of "x", chunked (no Content-Length)
GET  /drip?bytes=N&ms=M       Content-Length N, then one byte every M ms
GET  /redirect?to=URL         302 to URL
GET  /status/NNN              that status, empty body

Built on tests/servers/srvlib.py (ready file, SIGTERM, threaded server on 127.0.0.1).
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "servers"))
import srvlib  # noqa: E402

MAX_DRIP_S = 30.0


class CountingServer(srvlib.Server):
    def __init__(self, *args, **kwargs):
        self.lock = threading.Lock()
        self.connections = 0
        self.requests = 0
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address):
        with self.lock:
            self.connections += 1
        super().process_request(request, client_address)


class Handler(srvlib.RoutedHandler):
    def do_HEAD(self):
        self.route()

    def do_OPTIONS(self):
        self.route()

    def route(self):
        with self.server.lock:
            self.server.requests += 1
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        body = self.read_body()
        path = parts.path
        if path == "/stats":
            with self.server.lock:
                stats = {"connections": self.server.connections, "requests": self.server.requests}
            return self.send_json(200, stats)
        if path.startswith("/echo") or self.path.startswith("http"):
            return self.send_json(200, {
                "method": self.command,
                "target": self.path,
                "headers": [[k, v] for k, v in self.headers.items()],
                "body": body.decode("utf-8", "replace"),
                "content_length": self.headers.get("Content-Length"),
            })
        if path == "/dup-headers":
            self.send_response(204)
            self.send_header("Set-Cookie", "a=1")
            self.send_header("X-Mixed-Case", "Value One")
            self.send_header("Set-Cookie", "b=2")
            self.send_header("x-lower", "v")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/chunked":
            return self.send_chunked(int(query.get("bytes", ["0"])[0]))
        if path == "/drip":
            return self.drip(int(query.get("bytes", ["10"])[0]), int(query.get("ms", ["100"])[0]))
        if path == "/redirect":
            return self.send_bytes(302, b"", "text/plain", {"Location": query.get("to", ["/echo"])[0]})
        if path.startswith("/status/"):
            return self.send_bytes(int(path.rsplit("/", 1)[1]), b"", "text/plain")
        self.send_json(404, {"error": "not_found"})

    def send_chunked(self, size: int):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"x" * 65536
        try:
            while size > 0:
                n = min(size, len(chunk))
                self.wfile.write(b"%x\r\n" % n + chunk[:n] + b"\r\n")
                size -= n
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            self.close_connection = True

    def drip(self, size: int, ms: int):
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        deadline = time.monotonic() + MAX_DRIP_S
        try:
            for _ in range(size):
                self.wfile.write(b"x")
                self.wfile.flush()
                if time.monotonic() > deadline:
                    break
                time.sleep(ms / 1000.0)
        except OSError:
            self.close_connection = True


def main():
    p = srvlib.base_arg_parser(__doc__.splitlines()[0])
    args = p.parse_args()
    server = CountingServer(args.port, Handler)
    srvlib.serve(server, args.ready_file, {"url": server.url, "port": server.port})


if __name__ == "__main__":
    main()
