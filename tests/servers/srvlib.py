"""Shared plumbing for the Python loopback servers (test-only).

Each server is a standalone program; this module holds what they have in common: the command-line options every
server takes, the ready file, loading clients.json and its keys, a threaded HTTP(S) server that does the TLS
handshake in the connection's own thread, and a clean exit on SIGTERM.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import select
import signal
import socket
import ssl
import struct
import sys
import tempfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote_plus, unquote_plus, urlencode
from urllib.request import Request, urlopen

HERE = Path(__file__).resolve().parent
CLIENTS_FILE = HERE / "clients.json"
HOST = "127.0.0.1"
MAX_BODY = 1 << 20


class BodyTooLarge(Exception):
    """Raised by Handler.read_body after answering 413; the server drops the connection quietly."""


def load_clients(path: Path = CLIENTS_FILE) -> dict:
    """clients.json with every key path made absolute."""
    doc = json.loads(path.read_text())
    for client in doc["oauth2"]["clients"].values():
        for field in ("private_key", "public_key"):
            if field in client:
                client[field] = str(path.parent / client[field])
    for field in ("encryption_private_key", "encryption_public_key"):
        doc["a2a"][field] = str(path.parent / doc["a2a"][field])
    return doc


def introspector(clients_file: str | Path, url: str | None):
    """An RFC 7662 client of url with clients.json's `introspector` credentials (HTTP Basic): token -> the
    endpoint's JSON answer. For the resource servers that check tokens (api_server.py, dpop_resource.py)."""
    secret = load_clients(Path(clients_file))["oauth2"]["clients"]["introspector"]["client_secret"]
    basic = base64.b64encode(f"{quote_plus('introspector')}:{quote_plus(secret)}".encode()).decode()

    def introspect(token: str) -> dict:
        req = Request(url, data=urlencode({"token": token}).encode(),
                      headers={"Authorization": "Basic " + basic, "Content-Type": "application/x-www-form-urlencoded"})
        with urlopen(req, timeout=10) as resp:
            return json.load(resp)

    return introspect


def base_arg_parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: the OS chooses)")
    p.add_argument("--ready-file", help="write a JSON description here, atomically, once listening")
    p.add_argument("--clients", default=str(CLIENTS_FILE), help="clients.json to load")
    p.add_argument("--token-ttl", type=int, default=3600, help="access token lifetime, seconds")
    return p


def add_tls_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate (chain)")
    p.add_argument("--tls-key", help="PEM private key of --tls-cert")
    p.add_argument("--client-ca", help="require a client certificate issued by this CA (PEM)")


def write_ready_file(path: str | None, info: dict) -> None:
    """Write info as JSON to path atomically (temp file in the same folder, then rename)."""
    if not path:
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".ready-", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(info, f, indent=2)
    os.replace(tmp, target)


def make_tls_context(cert: str, key: str, client_ca: str | None) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    if client_ca:
        ctx.load_verify_locations(client_ca)
        ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def fingerprint(der: bytes, algorithm: str = "sha256") -> str:
    return hashlib.new(algorithm, der).hexdigest()


def normalize_fingerprint(value: str) -> str:
    return value.replace(":", "").strip().lower()


def parse_basic_auth(header: str | None) -> tuple[str, str] | None:
    """RFC 6749 §2.3.1: base64 of form-urlencoded id ':' form-urlencoded secret."""
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        raw = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except ValueError:
        return None
    if ":" not in raw:
        return None
    user, _, password = raw.partition(":")
    return unquote_plus(user), unquote_plus(password)


class Server(ThreadingHTTPServer):
    """Threaded HTTP server on 127.0.0.1; optional TLS, handshaken per connection off the accept loop."""

    daemon_threads = True
    request_queue_size = 64

    def __init__(self, port: int, handler, tls: ssl.SSLContext | None = None):
        self.tls = tls
        super().__init__((HOST, port), handler)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{HOST}:{self.port}"

    def finish_request(self, request, client_address):
        if self.tls is not None:
            request.settimeout(10)
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                request.close()
                return
            request.settimeout(None)
        super().finish_request(request, client_address)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError, BodyTooLarge)):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    """Base request handler: quiet logging, body reading and JSON replies."""

    protocol_version = "HTTP/1.1"
    server_version = "m2mauth-test"

    def log_message(self, fmt, *args):  # keep the test output clean
        if os.environ.get("M2MAUTH_SERVER_LOG"):
            super().log_message(fmt, *args)

    def read_body(self) -> bytes:
        """The request body (Content-Length or chunked), at most MAX_BODY bytes."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._too_large()
        return self.rfile.read(length) if length else b""

    def _read_chunked(self) -> bytes:
        body = b""
        while True:
            size = int(self.rfile.readline(1024).split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return body
            if len(body) + size > MAX_BODY:
                self._too_large()
            body += self.rfile.read(size)
            self.rfile.readline(16)

    def _too_large(self):
        self.close_connection = True
        self.send_bytes(413, b"request body too large\n", "text/plain", {"Connection": "close"})
        raise BodyTooLarge()

    def peer_cert_der(self) -> bytes | None:
        conn = self.connection
        return conn.getpeercert(binary_form=True) if isinstance(conn, ssl.SSLSocket) else None

    def send_bytes(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status: int, obj, headers: dict | None = None) -> None:
        self.send_bytes(status, json.dumps(obj, ensure_ascii=False).encode(), "application/json", headers)

    def abort_connection(self) -> None:
        """Close the TCP connection with a RST and no HTTP answer."""
        self.close_connection = True
        sock = self.connection
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        try:
            sock.close()  # a TLS socket is closed without close_notify: the peer sees a reset
        except OSError:
            pass
        # http.server flushes wfile after the handler returns; give it a sink that ignores the write.
        self.wfile = _NullWriter()

    def client_gone(self, timeout: float) -> bool:
        """Wait up to timeout seconds; True if the peer closed the connection meanwhile."""
        readable, _, _ = select.select([self.connection], [], [], timeout)
        if not readable:
            return False
        if isinstance(self.connection, ssl.SSLSocket):
            return True  # cannot peek under TLS; the client sent close_notify, FIN or data: treat as gone
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True


class RoutedHandler(Handler):
    """A Handler whose GET, POST, PUT, DELETE and PATCH all go to route() (the subclass's one dispatcher)."""

    def route(self):
        raise NotImplementedError

    def do_GET(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_PUT(self):
        self.route()

    def do_DELETE(self):
        self.route()

    def do_PATCH(self):
        self.route()


class _NullWriter:
    closed = True

    def write(self, data):
        return len(data)

    def flush(self):
        pass

    def close(self):
        pass


def serve(server, ready_file: str | None, info: dict) -> None:
    """Write the ready file (info must hold url and port; pid is added), serve until SIGTERM/SIGINT, then close."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    info = {**info, "pid": os.getpid()}
    write_ready_file(ready_file, info)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

