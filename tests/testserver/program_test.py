"""m2mauth-testserver, the program: started with a client, a JWT token format and an injected failure, it
prints its URL, answers 503 then 200 on /token, refuses a DPoP header that is no proof, and prints its counters
as JSON on SIGTERM. Its admin interface (admin_token= on its output, or --admin-token) drives it at run time over
HTTP: fail_next, stall, lifetime, clock_offset, token_format, revoke_all and counters; wrong or absent admin tokens and hostile bodies are
refused with typed errors; with --no-admin /_admin/ is a plain 404. With --dpop-nonce a DPoP client (the Python
binding, when M2MAUTH_TESTSERVER_PYTHON says it is built) gets use_dpop_nonce and succeeds on its retry.
Usage: program_test.py PATH_TO_m2mauth-testserver"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request


def token(url: str, dpop: str | None = None) -> tuple[int, dict]:
    headers = {"Authorization": "Basic " + base64.b64encode(b"svc:pw").decode(),
               "Content-Type": "application/x-www-form-urlencoded"}
    if dpop is not None:
        headers["DPoP"] = dpop
    req = urllib.request.Request(url + "/token", data=b"grant_type=client_credentials&scope=read", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.load(r)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def exchange(url: str, path: str, *, method: str = "GET", body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One HTTP request: (status, headers, body), errors included."""
    req = urllib.request.Request(url + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class Admin:
    """The admin interface of a running program."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token

    def call(self, path: str, payload: object = None, *, raw: bytes | None = None, method: str = "POST",
             token: str | None = "", content_type: str = "application/json") -> tuple[int, dict, bytes]:
        headers = {"Content-Type": content_type}
        if token is not None:
            headers["Authorization"] = "Bearer " + (token or self.token)
        body = raw if raw is not None else (None if payload is None else json.dumps(payload).encode())
        if method == "POST" and body is None:
            body = b""
        status, hdrs, data = exchange(self.url, "/_admin/" + path, method=method, body=body, headers=headers)
        return status, hdrs, data

    def ok(self, path: str, payload: object = None) -> None:
        status, _, data = self.call(path, payload)
        assert status == 200 and json.loads(data) == {"ok": True}, (path, status, data)

    def counters(self) -> dict:
        status, _, data = self.call("counters", method="GET")
        assert status == 200, (status, data)
        return json.loads(data)

    def refused(self, path: str, payload: object = None, *, raw: bytes | None = None, status: int = 400,
                error: str = "", content_type: str = "application/json") -> None:
        got, _, data = self.call(path, payload, raw=raw, content_type=content_type)
        assert got == status and json.loads(data)["error"] == error, (path, payload, raw, got, data)
        assert self.token.encode() not in data


def start(*args: str) -> tuple[subprocess.Popen, dict[str, str]]:
    """Starts the program and reads its key=value lines: url, and admin_token or ca_file when it prints them."""
    p = subprocess.Popen([sys.argv[1], *args], stdout=subprocess.PIPE, text=True)
    lines: dict[str, str] = {}
    line = p.stdout.readline().strip()
    assert line.startswith("url=http://127.0.0.1:"), line
    lines["url"] = line[4:]
    if "--no-admin" not in args and "--admin-token" not in args:
        line = p.stdout.readline().strip()
        assert line.startswith("admin_token="), line
        lines["admin_token"] = line[len("admin_token="):]
    return p, lines


def stop(p: subprocess.Popen) -> dict:
    p.send_signal(signal.SIGTERM)
    out, _ = p.communicate(timeout=10)
    assert p.returncode == 0
    return json.loads(out.strip().splitlines()[-1])


def introspect(url: str, access_token: str) -> dict:
    status, _, data = exchange(url, "/introspect", method="POST", body=("token=" + access_token).encode(),
                               headers={"Authorization": "Basic " + base64.b64encode(b"svc:pw").decode(),
                                        "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200, (status, data)
    return json.loads(data)


def admin_end_to_end() -> None:
    p, out = start("--client", "svc,client_secret_basic,pw,read write")
    try:
        url, secret = out["url"], out["admin_token"]
        assert len(secret) >= 32 and secret.replace("-", "").replace("_", "").isalnum(), "a random base64url token"
        admin = Admin(url, secret)
        counters = admin.counters()
        assert counters["requests"] == 0 and counters["token"] == 0 and counters["failed"] == 0, counters

        # fail_next: the next token request gets exactly the injected answer, the one after it a token.
        admin.ok("fail_next", {"count": 1, "status": 429, "error": "slow_down", "retry_after": 7})
        status, headers, data = exchange(url, "/token", method="POST", body=b"grant_type=client_credentials",
                                         headers={"Authorization": "Basic " + base64.b64encode(b"svc:pw").decode(),
                                                  "Content-Type": "application/x-www-form-urlencoded"})
        assert status == 429 and json.loads(data)["error"] == "slow_down" and headers.get("Retry-After") == "7", \
            (status, headers, data)
        status, body = token(url)
        assert status == 200 and body["expires_in"] == 3600, (status, body)
        assert introspect(url, body["access_token"])["active"] is True

        # revoke_all: the token issued before it is inactive.
        admin.ok("revoke_all")
        assert introspect(url, body["access_token"]) == {"active": False}

        # stall: the next token request waits; admin requests meanwhile are answered at once.
        admin.ok("stall", {"ms": 1500})
        done: list[float] = []
        started = time.monotonic()
        waiter = threading.Thread(target=lambda: (token(url), done.append(time.monotonic() - started)))
        waiter.start()
        time.sleep(0.2)
        t0 = time.monotonic()
        during = admin.counters()
        assert time.monotonic() - t0 < 1.0 and not done, "the admin interface is not stalled"
        waiter.join(timeout=10)
        assert done and done[0] >= 1.4, done

        # lifetime: tokens issued from now on.
        admin.ok("lifetime", {"seconds": 5})
        status, body = token(url)
        assert status == 200 and body["expires_in"] == 5, (status, body)

        # clock_offset and token_format: tokens issued from now on are JWTs, stamped by a clock an hour ahead.
        admin.ok("clock_offset", {"seconds": 3600})
        admin.ok("token_format", {"format": "jwt"})
        status, body = token(url)
        assert status == 200 and body["access_token"].count(".") == 2, (status, body)
        claims = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[1] + "=="))
        assert abs(claims["iat"] - (time.time() + 3600)) < 60 and claims["exp"] - claims["iat"] == 5, claims
        assert introspect(url, body["access_token"])["active"] is True
        admin.ok("clock_offset", {"seconds": 3700})  # the server's clock now past that token's exp
        assert introspect(url, body["access_token"]) == {"active": False}
        admin.ok("clock_offset", {"seconds": -86400})
        admin.ok("token_format", {"format": "opaque"})
        status, body = token(url)
        assert status == 200 and "." not in body["access_token"], (status, body)

        # Refused: no token, a wrong one, another scheme; never echoed; nothing changed.
        for headers in ({}, {"Authorization": "Bearer " + secret[:-1] + ("A" if secret[-1] != "A" else "B")},
                        {"Authorization": "Bearer " + secret + "x"}, {"Authorization": "Basic " + secret},
                        {"Authorization": "Bearer"}):
            for path, method, data in (("counters", "GET", None), ("fail_next", "POST", b"{\"count\":5}")):
                got, _, answer = exchange(url, "/_admin/" + path, method=method, body=data,
                                          headers={**headers, "Content-Type": "application/json"})
                assert got == 401 and json.loads(answer)["error"] == "unauthorized", (headers, got, answer)
                assert secret.encode() not in answer and secret[:-1].encode() not in answer
        # Hostile bodies: typed 400s (413, 415), never applied.
        admin.refused("fail_next", {"count": "1"}, error="invalid_type")
        admin.refused("fail_next", {"count": 1.5}, error="invalid_type")
        admin.refused("fail_next", {"count": 10**12}, error="out_of_range")
        admin.refused("fail_next", {"count": -1}, error="out_of_range")
        admin.refused("fail_next", {"status": 200}, error="out_of_range")
        admin.refused("fail_next", {"retry_after": -5}, error="out_of_range")
        admin.refused("fail_next", {"error": 7}, error="invalid_type")
        admin.refused("fail_next", {"error": "bad\"quote"}, error="out_of_range")
        admin.refused("fail_next", {"count": 1, "cuont": 2}, error="unknown_member")
        admin.refused("fail_next", raw=b'{"error":"a\\u0000b"}', error="invalid_json")
        admin.refused("fail_next", raw=b'{"count":1,"count":2}', error="invalid_json")
        admin.refused("fail_next", raw=b"[1]", error="invalid_json")
        admin.refused("fail_next", raw=b"count=1", error="invalid_json")
        admin.refused("fail_next", raw=b'{"count":1}', status=415, error="unsupported_media_type",
                      content_type="application/x-www-form-urlencoded")
        admin.refused("fail_next", raw=b'{"error":"' + b"x" * 5000 + b'"}', status=413, error="too_large")
        admin.refused("stall", {"ms": -1}, error="out_of_range")
        admin.refused("stall", {"ms": 10**9}, error="out_of_range")
        admin.refused("stall", {"ms": 1e300}, error="out_of_range")
        admin.refused("stall", raw=b'{"ms":1e400}', error="out_of_range")
        admin.refused("stall", {"count": 1}, error="invalid_type")
        admin.refused("lifetime", {"seconds": 0}, error="out_of_range")
        admin.refused("revoke_all", {"all": True}, error="unknown_member")
        admin.refused("clock_offset", {"seconds": 10**10}, error="out_of_range")
        admin.refused("clock_offset", {"seconds": -(10**10)}, error="out_of_range")
        admin.refused("clock_offset", {"seconds": "60"}, error="invalid_type")
        admin.refused("clock_offset", {}, error="invalid_type")
        admin.refused("token_format", {"format": "JWT"}, error="out_of_range")
        admin.refused("token_format", {"format": 2}, error="invalid_type")
        admin.refused("token_format", {}, error="invalid_type")
        admin.refused("token_format", {"format": "jwt", "claims": {}}, error="unknown_member")
        admin.refused("nope", {}, status=404, error="not_found")
        got, hdrs, data = admin.call("fail_next", method="GET")
        assert got == 405 and hdrs.get("Allow") == "POST", (got, hdrs)
        status, body = token(url)  # no failure, stall, lifetime, clock or format was set by a refused request
        assert status == 200 and body["expires_in"] == 5 and "." not in body["access_token"], (status, body)

        # Admin requests are not counted: 7 token requests and 4 introspections, and nothing else.
        counters = admin.counters()
        assert counters["token"] == 7 and counters["failed"] == 1 and counters["introspection"] == 4, counters
        assert counters["requests"] == 11 and counters["other"] == 0, counters
        assert counters["grant:client_credentials"] == 6 and during["token"] >= 3, (counters, during)
        final = stop(p)
        assert final["requests"] == 11 and final["token"] == 7, final
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def admin_token_given_or_disabled() -> None:
    # --admin-token @FILE: that token works and is printed nowhere.
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "admin-token")
        chosen = "chosen-admin-token-0123456789"
        with open(path, "w", encoding="ascii") as f:
            f.write(chosen + "\n")
        p, out = start("--admin-token", "@" + path)
        try:
            assert Admin(out["url"], chosen).counters()["requests"] == 0
            p.send_signal(signal.SIGTERM)
            stdout, _ = p.communicate(timeout=10)
            assert chosen not in stdout and "admin_token" not in stdout, stdout
        finally:
            if p.poll() is None:
                p.kill()
                p.wait()
    # --no-admin: /_admin/ is an unknown path like any other (the same 404, with or without a token).
    p, out = start("--no-admin")
    try:
        url = out["url"]
        plain = exchange(url, "/not-a-path")
        for headers in ({}, {"Authorization": "Bearer chosen-admin-token-0123456789"}):
            got = exchange(url, "/_admin/counters", headers=headers)
            assert got[0] == 404 and got[2] == plain[2], got
        counters = stop(p)
        assert counters["requests"] == 3, counters  # counted as requests to unknown paths
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    # A token the library refuses: too short, or a character outside b64token.
    for bad in ("short", "has space inside it!!"):
        r = subprocess.run([sys.argv[1], "--admin-token", bad], capture_output=True, text=True, timeout=10)
        assert r.returncode == 1 and "admin_token must" in r.stderr and bad not in r.stderr, (bad, r.stderr)


def dpop_nonce() -> None:
    if os.environ.get("M2MAUTH_TESTSERVER_PYTHON") != "1":
        print("m2mauth-testserver: --dpop-nonce with a DPoP client skipped (the Python binding is not built)")
        return
    import m2mauth  # the build tree's (PYTHONPATH)

    p, out = start("--client", "svc,client_secret_basic,pw", "--dpop-nonce", "server-nonce-42")
    try:
        admin = Admin(out["url"], out["admin_token"])
        client = m2mauth.OAuth2Client(out["url"] + "/token", "svc", client_secret="pw", dpop=True)
        t = client.fetch()
        assert t.token_type == "DPoP", t.token_type
        counters = admin.counters()
        # The first proof, without the nonce, was answered use_dpop_nonce; the retry carried it.
        assert counters["dpop_refused"] == 1 and counters["dpop"] == 1 and counters["token"] == 2, counters
        final = stop(p)
        assert final["dpop_refused"] == 1 and final["dpop"] == 1, final
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def main() -> int:
    p = subprocess.Popen([sys.argv[1], "--client", "svc,client_secret_basic,pw,read write", "--jwt", "--lifetime", "60",
                          "--fail", "1,503,temporarily_unavailable,2"], stdout=subprocess.PIPE, text=True)
    try:
        line = p.stdout.readline().strip()
        assert line.startswith("url=http://127.0.0.1:"), line
        url = line[4:]
        status, body = token(url)
        assert status == 503 and body["error"] == "temporarily_unavailable", (status, body)
        status, body = token(url)
        assert status == 200 and body["expires_in"] == 60 and body["scope"] == "read", (status, body)
        assert body["access_token"].count(".") == 2 and body["token_type"] == "Bearer"
        # A DPoP header that is no proof (alg none, no signature) is refused, not ignored.
        none = (base64.urlsafe_b64encode(b'{"typ":"dpop+jwt","alg":"none"}').rstrip(b"=").decode() + "." +
                base64.urlsafe_b64encode(b'{"htm":"POST"}').rstrip(b"=").decode() + ".")
        status, body = token(url, none)
        assert status == 400 and body["error"] == "invalid_dpop_proof", (status, body)
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=10)
        counters = json.loads(out.strip().splitlines()[-1])
        assert counters["token"] == 3 and counters["failed"] == 1, counters
        assert counters["dpop"] == 0 and counters["dpop_refused"] == 1, counters
        assert p.returncode == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    # Hostile or loose command-line values: refused with a message naming the flag, never read as another number.
    for args, said in ((["--lifetime", "1e400"], "--lifetime must be a decimal integer"),
                       (["--lifetime", "0x10"], "--lifetime must be a decimal integer"),
                       (["--lifetime", "99999999999999999999"], "--lifetime must be a decimal integer"),
                       (["--clock-offset", "1e9"], "--clock-offset must be a decimal integer"),
                       (["--fail", "1,5o3"], "--fail STATUS must be a decimal integer"),
                       (["--stall", "-1,100"], "--stall N out of range"),
                       (["--client", ",client_secret_basic,pw"], "the client id is empty")):
        r = subprocess.run([sys.argv[1], *args], capture_output=True, text=True, timeout=10)
        assert r.returncode == 1 and said in r.stderr and not r.stdout, (args, r.returncode, r.stderr, r.stdout)
    admin_end_to_end()
    admin_token_given_or_disabled()
    dpop_nonce()
    print("m2mauth-testserver: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
