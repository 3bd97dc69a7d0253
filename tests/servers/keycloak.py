"""Keycloak 26 for the optional token exchange interop test (test-only, loopback).

Gets the distribution through Maven (org.keycloak:keycloak-quarkus-dist:<version>:tar.gz, from the local Maven
repository or Maven Central), unpacks it into a work folder (kept between runs), starts it in dev mode on 127.0.0.1,
and creates a realm for RFC 8693 standard token exchange (Keycloak's "token exchange V2"):

  realm  m2mauth
  client initial    confidential, direct access grants; its access tokens carry "requester" in aud
  client requester  confidential, standard.token.exchange.enabled (the client that exchanges)
  client target     a bearer-only style audience the requester may ask for
  user   alice / alice-password

`start(workdir)` returns a Keycloak object (url, token endpoint, secrets; stop() stops the process group it
started); `None` with a reason (`unavailable`) when the distribution or a Java runtime cannot be had, so tests skip.

    python3 keycloak.py --workdir /tmp/kc        # start, print the ready JSON, wait for Ctrl-C
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tarfile
import time
from pathlib import Path
from typing import Optional

import requests

VERSION = os.environ.get("M2MAUTH_KEYCLOAK_VERSION", "26.4.7")
ARTIFACT = f"org.keycloak:keycloak-quarkus-dist:{VERSION}:tar.gz"
REALM = "m2mauth"
SECRETS = {"initial": "initial-secret-0123456789", "requester": "requester-secret-0123456789"}
USER, PASSWORD = "alice", "alice-password"
START_TIMEOUT_S = float(os.environ.get("M2MAUTH_KEYCLOAK_START_TIMEOUT", "420"))

unavailable = ""


def _java_home() -> Optional[str]:
    for candidate in (os.environ.get("M2MAUTH_KEYCLOAK_JAVA_HOME"), "/usr/lib/jvm/temurin-25-jdk-amd64",
                      "/usr/lib/jvm/temurin-21-jdk-amd64"):
        if candidate and Path(candidate, "bin", "java").exists():
            return candidate
    java = shutil.which("java")
    return str(Path(java).resolve().parent.parent) if java else None


def fetch_distribution(workdir: Path) -> Optional[Path]:
    """The unpacked distribution folder, fetching it with Maven if needed; None if it cannot be had."""
    global unavailable
    home = workdir / f"keycloak-{VERSION}"
    if (home / "bin" / "kc.sh").exists():
        return home
    workdir.mkdir(parents=True, exist_ok=True)
    archive = workdir / f"keycloak-quarkus-dist-{VERSION}.tar.gz"
    if not archive.exists():
        given = os.environ.get("M2MAUTH_KEYCLOAK_DIST")
        if given and Path(given).exists():
            shutil.copy(given, archive)
        elif shutil.which("mvn"):
            try:
                r = subprocess.run(["mvn", "-q", "-B", "dependency:copy", f"-Dartifact={ARTIFACT}",
                                    f"-DoutputDirectory={workdir}"], capture_output=True, text=True, timeout=900)
            except subprocess.TimeoutExpired:
                unavailable = "fetching the Keycloak distribution with Maven timed out"
                return None
            if r.returncode != 0 or not archive.exists():
                unavailable = f"Maven could not fetch {ARTIFACT} (offline?)"
                return None
        else:
            unavailable = "no mvn to fetch the Keycloak distribution (or set M2MAUTH_KEYCLOAK_DIST)"
            return None
    with tarfile.open(archive) as tar:
        tar.extractall(workdir, filter="data")
    return home if (home / "bin" / "kc.sh").exists() else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Keycloak:
    def __init__(self, process: subprocess.Popen, url: str, log: Path):
        self.process, self.url, self.log = process, url, log
        self.issuer = f"{url}/realms/{REALM}"
        self.token_endpoint = f"{self.issuer}/protocol/openid-connect/token"
        self.secrets = dict(SECRETS)

    def subject_token(self, client: str = "initial") -> str:
        """An access token of alice (password grant at `initial`), whose aud includes requester."""
        r = requests.post(self.token_endpoint, data={"grant_type": "password", "username": USER, "password": PASSWORD,
                                                     "scope": "openid"},
                          auth=(client, SECRETS[client]), timeout=30)
        r.raise_for_status()
        return r.json()["access_token"]

    def introspect(self, token: str) -> dict:
        r = requests.post(f"{self.token_endpoint}/introspect", data={"token": token},
                          auth=("requester", SECRETS["requester"]), timeout=30)
        r.raise_for_status()
        return r.json()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group this module started (kc.sh and its java)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _realm() -> dict:
    audience_mapper = {"name": "requester-audience", "protocol": "openid-connect",
                       "protocolMapper": "oidc-audience-mapper",
                       "config": {"included.client.audience": "requester", "access.token.claim": "true",
                                  "id.token.claim": "false", "introspection.token.claim": "true"}}
    target_mapper = {"name": "target-audience", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper",
                     "config": {"included.client.audience": "target", "access.token.claim": "true",
                                "introspection.token.claim": "true"}}
    return {
        "realm": REALM, "enabled": True, "accessTokenLifespan": 900,
        "clients": [
            {"clientId": "initial", "enabled": True, "publicClient": False, "secret": SECRETS["initial"],
             "clientAuthenticatorType": "client-secret", "directAccessGrantsEnabled": True,
             "standardFlowEnabled": False, "protocolMappers": [audience_mapper]},
            {"clientId": "requester", "enabled": True, "publicClient": False, "secret": SECRETS["requester"],
             "clientAuthenticatorType": "client-secret", "standardFlowEnabled": False,
             "serviceAccountsEnabled": True, "directAccessGrantsEnabled": False,
             "attributes": {"standard.token.exchange.enabled": "true"}, "protocolMappers": [target_mapper]},
            {"clientId": "target", "enabled": True, "publicClient": False, "secret": "target-secret-0123456789",
             "standardFlowEnabled": False},
        ],
        "users": [{"username": USER, "enabled": True, "email": "alice@example.com", "emailVerified": True,
                   "firstName": "Alice", "lastName": "Example",
                   "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}]}],
    }


def start(workdir: Path) -> Optional[Keycloak]:
    """Keycloak with the realm above, or None (reason in `unavailable`)."""
    global unavailable
    home = fetch_distribution(Path(workdir))
    if home is None:
        return None
    java_home = _java_home()
    if java_home is None:
        unavailable = "no Java runtime for Keycloak"
        return None
    port = _free_port()
    env = {**os.environ, "JAVA_HOME": java_home, "KC_BOOTSTRAP_ADMIN_USERNAME": "admin",
           "KC_BOOTSTRAP_ADMIN_PASSWORD": "admin-password-0123", "JAVA_OPTS_KC_HEAP": "-Xms256m -Xmx768m"}
    log = Path(workdir) / "keycloak.log"
    with open(log, "w") as out:
        process = subprocess.Popen([str(home / "bin" / "kc.sh"), "start-dev", f"--http-port={port}",
                                    "--http-host=127.0.0.1", "--http-management-port", str(_free_port())],
                                   stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    kc = Keycloak(process, f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"Keycloak exited ({process.returncode}); see {log}")
            try:
                if requests.get(f"{kc.url}/realms/master", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Keycloak did not start in {START_TIMEOUT_S:.0f} s; see {log}")
            time.sleep(1)
        admin = requests.post(f"{kc.url}/realms/master/protocol/openid-connect/token",
                              data={"grant_type": "password", "client_id": "admin-cli", "username": "admin",
                                    "password": "admin-password-0123"}, timeout=30)
        admin.raise_for_status()
        headers = {"Authorization": "Bearer " + admin.json()["access_token"]}
        requests.delete(f"{kc.url}/admin/realms/{REALM}", headers=headers, timeout=60)
        r = requests.post(f"{kc.url}/admin/realms", json=_realm(), headers=headers, timeout=120)
        if r.status_code not in (201, 204):
            raise RuntimeError(f"creating the realm failed: HTTP {r.status_code} {r.text[:300]}")
        return kc
    except BaseException:
        kc.stop()
        raise


def main() -> None:
    import argparse
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workdir", required=True)
    args = p.parse_args()
    t0 = time.monotonic()
    kc = start(Path(args.workdir))
    if kc is None:
        print(json.dumps({"unavailable": unavailable}))
        return
    print(json.dumps({"url": kc.url, "token_endpoint": kc.token_endpoint, "start_s": round(time.monotonic() - t0, 1)}),
          flush=True)
    try:
        while kc.process.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        kc.stop()


if __name__ == "__main__":
    main()
