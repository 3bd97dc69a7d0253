#!/usr/bin/env python3
"""Loopback HTTPS server that speaks HTTP/2 when the client offers it by ALPN (test-only).

    python3 h2_server.py --port 0 --ready-file F --tls-cert C --tls-key K

Every request is answered 200 with JSON: http_version ("2" or "1.1"), method, path, the connection's
number (1, 2, ... in accept order) and the HTTP/2 stream id, the Authorization header's scheme (never
its value) and the request body (HTTP/2 only). Built on the `h2` protocol library (python-hyper, sans-IO) over the
standard ssl module; one thread per connection; SIGTERM stops it.
"""

from __future__ import annotations

import itertools
import json
import signal
import socket
import ssl
import sys
import threading
from pathlib import Path

import h2.config
import h2.connection
import h2.events

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "servers"))
import srvlib  # noqa: E402

IDLE_TIMEOUT_S = 30.0
MAX_HEADER_BYTES = 64 * 1024


def answer(version: str, conn_no: int, stream: int, method: str, path: str, authorization: str | None,
           body: bytes = b"") -> bytes:
    return json.dumps({"http_version": version, "method": method, "path": path, "connection": conn_no,
                       "stream": stream, "authorization_scheme": authorization.split(" ", 1)[0] if authorization else None,
                       "body": body.decode("utf-8", "replace")}).encode()


def serve_h2(tls: ssl.SSLSocket, conn_no: int) -> None:
    conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
    conn.initiate_connection()
    tls.sendall(conn.data_to_send())
    requests: dict[int, tuple[dict, bytearray]] = {}
    while True:
        data = tls.recv(65536)
        if not data:
            return
        for event in conn.receive_data(data):
            if isinstance(event, h2.events.RequestReceived):
                requests[event.stream_id] = (dict(event.headers), bytearray())
            elif isinstance(event, h2.events.DataReceived):
                requests[event.stream_id][1].extend(event.data)
                conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded):
                h, received = requests.pop(event.stream_id, ({}, bytearray()))
                body = answer("2", conn_no, event.stream_id, h.get(":method", ""), h.get(":path", ""),
                              h.get("authorization"), bytes(received))
                conn.send_headers(event.stream_id, [(":status", "200"), ("content-type", "application/json"),
                                                    ("content-length", str(len(body)))])
                conn.send_data(event.stream_id, body, end_stream=True)
            elif isinstance(event, h2.events.ConnectionTerminated):
                tls.sendall(conn.data_to_send())
                return
        tls.sendall(conn.data_to_send())


def serve_http11(tls: ssl.SSLSocket, conn_no: int) -> None:
    """Enough HTTP/1.1 for a client that did not offer h2: one request per connection."""
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = tls.recv(4096)
        if not chunk or len(head) > MAX_HEADER_BYTES:
            return
        head += chunk
    lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    body = answer("1.1", conn_no, 0, method, path, headers.get("authorization"))
    tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def handle(raw: socket.socket, ctx: ssl.SSLContext, conn_no: int) -> None:
    raw.settimeout(IDLE_TIMEOUT_S)
    try:
        with ctx.wrap_socket(raw, server_side=True) as tls:
            if tls.selected_alpn_protocol() == "h2":
                serve_h2(tls, conn_no)
            else:
                serve_http11(tls, conn_no)
    except (OSError, ssl.SSLError, ValueError):
        pass  # a client that went away or failed the handshake: nothing to report
    finally:
        raw.close()


def main() -> int:
    p = srvlib.base_arg_parser(__doc__.splitlines()[0])
    srvlib.add_tls_args(p)
    args = p.parse_args()
    if not (args.tls_cert and args.tls_key):
        p.error("--tls-cert and --tls-key are required")
    ctx = srvlib.make_tls_context(args.tls_cert, args.tls_key, args.client_ca)
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    listener = socket.create_server(("127.0.0.1", args.port))
    port = listener.getsockname()[1]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    srvlib.write_ready_file(args.ready_file, {"url": f"https://127.0.0.1:{port}", "port": port})
    counter = itertools.count(1)
    while True:
        raw, _ = listener.accept()
        threading.Thread(target=handle, args=(raw, ctx, next(counter)), daemon=True).start()


if __name__ == "__main__":
    sys.exit(main())
