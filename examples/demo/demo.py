#!/usr/bin/env python3
"""The m2mauth demo: every flow of the two seed APIs, in C and in Python, against loopback servers.

    python3 examples/demo/demo.py --build <cmake build dir with the examples and the Python package>

1. BMP onboarding (the BMP Money Plus guide; README, "The two seed APIs"): `m2mauth keygen` writes the key pair; the public key is
   "sent" and registered at a loopback authorization server (oidc-provider) as client
   bmp.digital.api.demo; the bmp profile then gets a private-key-JWT token and calls a protected API
   (which introspects the token and demands a fresh IdempotencyKey per call), in C and in Python.
2. senhasegura A2A (section 2): a credential read with each of the three methods, in C and Python.
3. senhasegura over mTLS: the emulator pins a client certificate's fingerprint; `m2mauth cert
   fingerprint` prints it for the administrator; the read succeeds with that certificate.

No secret is printed: the programs show lengths and outcomes only. The servers run on 127.0.0.1 and are
stopped by process id. Exit status 0 when every step did what it should.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2]
SERVERS = SOURCE / "tests" / "servers"
HARNESS = SERVERS / "harness.py"
CLIENT_ID = "bmp.digital.api.demo"


class Demo:
    def __init__(self, build: Path, work: Path):
        self.build = build
        self.work = work
        self.states: list[Path] = []
        self.env = dict(os.environ, PYTHONPATH=str(build / "python"))
        self.failures = 0

    # ---- plumbing --------------------------------------------------------------------------------

    def up(self, name: str, *specs: str, options: tuple[str, ...] = (), pki: bool = False) -> dict:
        state = self.work / f"{name}.json"
        argv = [sys.executable, str(HARNESS), "up", "--state", str(state), *specs]
        if pki:
            argv += ["--pki", str(self.work / "pki")]
        for opt in options:
            argv += ["--opt", opt]
        self.states.append(state)
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        return json.loads(state.read_text())

    def down(self) -> None:
        for state in reversed(self.states):
            subprocess.run([sys.executable, str(HARNESS), "down", "--state", str(state)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def config(self, name: str, doc: dict) -> Path:
        path = self.work / f"{name}.json"
        path.write_text(json.dumps(doc, indent=2))
        return path

    def run(self, label: str, argv: list[str], config: Path | None = None, expect: str | None = None,
            exit_ok: bool = True, show: int = 40) -> str:
        env = dict(self.env)
        if config is not None:
            env["M2MAUTH_CONFIG"] = str(config)
        print(f"   $ {label}")
        proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
        out = proc.stdout + proc.stderr
        lines = out.rstrip().splitlines()
        for line in lines[:show]:
            print(f"     {line}")
        if 0 < show < len(lines):
            print(f"     ... ({len(lines) - show} more lines)")
        if (proc.returncode == 0) != exit_ok or (expect is not None and expect not in out):
            print(f"     !! unexpected result (exit {proc.returncode})")
            self.failures += 1
        return out

    def c(self, program: str) -> list[str]:
        return [str(self.build / "examples" / f"example_{program}")]

    def py(self, program: str) -> list[str]:
        return [sys.executable, str(SOURCE / "examples" / "python" / f"{program}.py")]

    def cli(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "m2mauth", *args]

    # ---- the flows -------------------------------------------------------------------------------

    def onboarding(self) -> None:
        print("== 1. BMP private-key JWT: onboarding, token, authenticated calls (README, The two seed APIs)")
        private, public = self.work / "private.pem", self.work / "public.pem"
        out = self.run("m2mauth keygen --type RSA --bits 2048 --out private.pem --public-out public.pem",
                       self.cli("keygen", "--type", "RSA", "--bits", "2048", "--out", str(private),
                                "--public-out", str(public)), expect="thumbprint", show=0)
        try:
            print(f"     public JWK thumbprint (RFC 7638): {json.loads(out)['thumbprint']}")
        except (ValueError, KeyError):
            pass
        mode = oct(private.stat().st_mode & 0o777)
        print(f"     private.pem written with mode {mode} (owner only); public.pem, the only thing the HEFLO")
        print("     ticket reply carries:")
        for line in public.read_text().splitlines():
            print(f"       {line}")

        # The API team registers the public key and answers with a client_id: a clients file for the
        # loopback authorization server with one more private_key_jwt client, bmp.digital.api.demo.
        clients = json.loads((SERVERS / "clients.json").read_text())
        registered = self.work / "registered"
        registered.mkdir()
        shutil.copy(public, registered / "demo-public.pem")
        for client in clients["oauth2"]["clients"].values():
            for field in ("private_key", "public_key"):
                if field in client:
                    client[field] = str(SERVERS / client[field])
        clients["oauth2"]["clients"][CLIENT_ID] = {
            "token_endpoint_auth_method": "private_key_jwt", "alg": "RS256",
            "public_key": "demo-public.pem", "scope": "api.read api.write", "max_scope_length": 300}
        for client in clients["oauth2"]["clients"].values():
            if client.get("public_key", "").startswith("/"):
                client["public_key"] = os.path.relpath(client["public_key"], registered)
            if client.get("private_key", "").startswith("/"):
                client["private_key"] = os.path.relpath(client["private_key"], registered)
        (registered / "clients.json").write_text(json.dumps(clients, indent=2))
        print(f"     the API team registered the key and sent back client_id {CLIENT_ID}")

        oidc = self.up("oidc", "oidc", options=(f"oidc.clients={registered / 'clients.json'}",))["servers"]["oidc"]
        api = self.up("api", "api", options=(f"api.introspect={oidc['introspection_endpoint']}",
                                             "api.require_header=IdempotencyKey"))["servers"]["api"]
        print(f"     authorization server {oidc['issuer']} (oidc-provider); API {api['api_url']} "
              "(introspects every token, demands a fresh IdempotencyKey)")
        config = self.config("bmp", {"oauth2": {
            "profile": "bmp", "token_url": oidc["token_endpoint"], "client_id": CLIENT_ID,
            "private_key_file": str(private), "scope": "api.read api.write"}})
        url = api["api_url"] + "/v1/accounts"
        print("   in C (examples/c/oauth2_request.c, configured by M2MAUTH_CONFIG=bmp.json):")
        self.run("oauth2_request URL 3", self.c("oauth2_request") + [url, "3"], config, expect="HTTP 200")
        print("   in Python (examples/python/oauth2_request.py, the same configuration):")
        self.run("oauth2_request.py URL 3", self.py("oauth2_request") + [url, "3"], config, expect="HTTP 200")
        print("   the configuration as m2mauth sees it (secrets redacted):")
        self.run("m2mauth config show", self.cli("config", "show"), config, expect="profile")

    def senhasegura(self) -> None:
        print("== 2. senhasegura A2A: the three methods (README, The two seed APIs)")
        a2a = self.up("a2a", "a2a")["servers"]["a2a"]
        creds = json.loads((SERVERS / "clients.json").read_text())["a2a"]
        o1, o2 = creds["oauth1"][0], creds["oauth2"][1]
        (self.work / "a2a-secret").write_text(o2["client_secret"] + "\n")
        methods = {
            "query": {"auth_method": "query", "consumer_key": o1["consumer_key"], "token": o1["token"]},
            "oauth1": {"auth_method": "oauth1", "consumer_key": o1["consumer_key"],
                       "consumer_secret": o1["consumer_secret"], "token": o1["token"],
                       "token_secret": o1["token_secret"]},
            "oauth2": {"auth_method": "oauth2", "client_id": o2["client_id"],
                       "client_secret_file": str(self.work / "a2a-secret")},
        }
        for name, section in methods.items():
            config = self.config(f"a2a-{name}", {"senhasegura": {"base_url": a2a["url"], **section}})
            print(f"   {name}:")
            self.run(f"senhasegura_credential 5            (C, {name})", self.c("senhasegura_credential") + ["5"],
                     config, expect="credential_5@destktop-91.com")
            self.run(f"senhasegura_credential.py dbadmin@db01.example.test   (Python, {name})",
                     self.py("senhasegura_credential") + ["dbadmin@db01.example.test"], config,
                     expect="dbadmin@db01.example.test")
        print("   an error from the vendor's envelope (unknown credential):")
        self.run("senhasegura_credential 999", self.c("senhasegura_credential") + ["999"],
                 self.work / "a2a-oauth2.json", expect="vendor code 1010", exit_ok=False)

    def mtls(self) -> None:
        print("== 3. senhasegura A2A over mTLS with a registered certificate fingerprint (section 2.4)")
        subprocess.run([sys.executable, str(SERVERS / "pki.py"), "--out", str(self.work / "pki")], check=True,
                       stdout=subprocess.DEVNULL)
        pki = json.loads((self.work / "pki" / "manifest.json").read_text())
        client = pki["certs"]["client_rsa"]
        self.run("m2mauth cert fingerprint client-rsa.pem", self.cli("cert", "fingerprint", client["cert"]),
                 expect=client["sha256_colon"])
        a2a = self.up("a2a-tls", "a2a", options=(
            f"a2a.tls_cert={pki['certs']['server']['cert']}", f"a2a.tls_key={pki['certs']['server']['key']}",
            f"a2a.client_ca={pki['certs']['ca']['cert']}",
            f"a2a.require_client_cert_fingerprint={client['sha256']}"))["servers"]["a2a"]
        o2 = json.loads((SERVERS / "clients.json").read_text())["a2a"]["oauth2"][0]
        http = {"ca_file": pki["certs"]["ca"]["cert"], "client_cert": client["cert"], "client_key": client["key"]}
        config = self.config("a2a-mtls", {"http": http, "senhasegura": {
            "base_url": a2a["url"], "auth_method": "oauth2", "client_id": o2["client_id"],
            "client_secret": o2["client_secret"]}})
        print(f"   {a2a['url']} requires a client certificate with SHA-256 fingerprint {client['sha256'][:16]}...")
        self.run("senhasegura_credential 5            (C, OAuth 2.0 + mTLS)", self.c("senhasegura_credential") + ["5"],
                 config, expect="credential_5@destktop-91.com")
        self.run("senhasegura_credential.py 5         (Python, OAuth 2.0 + mTLS)",
                 self.py("senhasegura_credential") + ["5"], config, expect="credential_5@destktop-91.com")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, required=True, help="CMake build directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="m2mauth-demo-") as tmp:
        demo = Demo(args.build.resolve(), Path(tmp))
        try:
            demo.onboarding()
            demo.senhasegura()
            demo.mtls()
        finally:
            demo.down()
    print("== done: every step did what it should" if demo.failures == 0 else f"== {demo.failures} step(s) failed")
    return 0 if demo.failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
