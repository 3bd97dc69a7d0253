"""m2mauth-testserver, the program: started with a client, a JWT token format and an injected failure, it
prints its URL, answers 503 then 200 on /token, refuses a DPoP header that is no proof, and prints its counters
as JSON on SIGTERM.
Usage: program_test.py PATH_TO_m2mauth-testserver"""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
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
    print("m2mauth-testserver: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
