"""A loopback server for cancellation tests (test_cancel.py, test_asyncio.py): it answers POST /token and
never answers anything else, counts the requests it leaves waiting and records when a client hangs up
on one."""
import socket
import threading


class StallServer:
    def __init__(self, access_token=None):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.access_token = access_token  # None: "tok-<number of the token request>"
        self.stop = False
        self.stall_tokens = False  # True: token requests are never answered either
        self.tokens = 0
        self.stalled = 0  # requests left unanswered
        self.hung_up = threading.Event()  # a client closed a connection left unanswered
        self.conns = []
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def _accept(self):
        while not self.stop:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(c)
            threading.Thread(target=self._serve, args=(c,), daemon=True).start()

    def _serve(self, c):
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = c.recv(4096)
            if not chunk:
                return
            data += chunk
        if data.startswith(b"POST /token ") and not self.stall_tokens:
            self.tokens += 1
            token = self.access_token or f"tok-{self.tokens}"
            body = b'{"access_token":"%s","token_type":"Bearer","expires_in":3600}' % token.encode()
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                      b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            c.close()
            return
        self.stalled += 1  # never answered
        c.settimeout(20)
        try:
            while c.recv(4096):
                pass
        except OSError:
            return
        self.hung_up.set()

    def close(self):
        self.stop = True
        self.sock.close()
        for c in self.conns:
            c.close()
