#!/usr/bin/env python3
"""Checks the portable wheel that build_wheel.sh made (CTest python.wheel, label wheel; after python.packaging,
which builds it).

    python3 python/packaging/check_wheel.py --wheelhouse DIR --work DIR

1. `auditwheel show` reports a manylinux policy, the file name carries that tag, and the wheel holds its own
   libcurl, libssl, libcrypto and libcjson (m2mauth.libs/).
2. The wheel goes into a new virtual environment with `pip install --no-index --no-deps` and a PATH holding
   only the venv (no compiler, no CMake: checked); the seconds are printed.
3. The installed package runs with an empty environment (`env -i`), from a folder outside the repository:
   import, version, HS256 and ES256 sign and verify; the libraries it loaded (/proc/self/maps) are the
   wheel's own copies, and no system libcurl or libcjson.
4. Against a loopback HTTPS token server (tests/servers/fault_server.py, certificate from a throwaway test CA):
   a token through `OAuth2Client` with `Http(ca_file=CA)`; the default `Http()` refuses the server (the test
   CA is not in the system store: verification is on and the bundled libcurl found a store to verify
   with, core/src/curl/ca_store.hpp); with only SSL_CERT_FILE=CA in the environment the default succeeds;
   and in a private mount namespace where /etc/ssl holds only cert.pem = CA (another distribution's layout:
   the bundled libcurl's built-in CA file is missing) the default succeeds too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "servers"))
import harness  # noqa: E402  (the loopback servers)
from pki import make_pki  # noqa: E402

TIMEOUT_S = 300
BUNDLED = ("libcurl", "libssl", "libcrypto", "libcjson")


def run(cmd, **kw) -> subprocess.CompletedProcess:
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    p = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=TIMEOUT_S, **kw)
    if p.returncode != 0:
        sys.stdout.write(p.stdout[-20000:])
        raise SystemExit(f"FAILED ({p.returncode}): {' '.join(str(c) for c in cmd)}")
    return p


def check_policy(wheel: Path) -> str:
    tag = re.search(r"-(manylinux_\d+_\d+_x86_64)\.whl$", wheel.name)
    if not tag:
        raise SystemExit(f"{wheel.name} carries no manylinux tag")
    shown = run([sys.executable, "-m", "auditwheel", "show", wheel]).stdout
    reported = re.search(r'consistent with\s+the following platform tag:\s+"(manylinux_[0-9_]+x86_64)"', shown)
    if not reported or reported.group(1) != tag.group(1):
        raise SystemExit(f"auditwheel show does not report {tag.group(1)}:\n{shown}")
    with zipfile.ZipFile(wheel) as z:
        libs = [n.split("/", 1)[1] for n in z.namelist() if n.startswith("m2mauth.libs/")]
    for lib in BUNDLED:
        if not any(n.startswith(lib + "-") for n in libs):
            raise SystemExit(f"the wheel does not bundle {lib} (m2mauth.libs holds {libs})")
    print(f"policy: {tag.group(1)}; m2mauth.libs holds {len(libs)} libraries, {', '.join(BUNDLED)} among them")
    return tag.group(1)


def install(wheel: Path, venv: Path) -> float:
    run([sys.executable, "-m", "venv", venv])
    bare = {"PATH": str(venv / "bin"), "HOME": str(venv), "LANG": "C.UTF-8"}
    for tool in ("cc", "gcc", "c++", "g++", "cmake"):
        if shutil.which(tool, path=bare["PATH"]):
            raise SystemExit(f"{tool} is on the install PATH")
    start = time.monotonic()
    run([venv / "bin" / "pip", "install", "-q", "--no-index", "--no-deps", "--disable-pip-version-check", wheel],
        env=bare, cwd=venv)
    seconds = time.monotonic() - start
    print(f"install: pip install of the wheel, no compiler or CMake on PATH: {seconds:.1f} s")
    return seconds


# Runs inside the venv with an empty environment; its parameters come on stdin.
SMOKE = r"""
import json, os, sys
import m2mauth
p = json.load(sys.stdin)
prefix = os.path.realpath(sys.prefix)
assert os.path.realpath(m2mauth.__file__).startswith(prefix), m2mauth.__file__
assert m2mauth.__version__ == p["version"], (m2mauth.__version__, p["version"])
secret = m2mauth.Key.hmac(b"k" * 32)
token = m2mauth.jwt.encode({"iss": "svc", "sub": "svc"}, secret, algorithm="HS256")
assert m2mauth.jwt.decode(token, secret, algorithms=["HS256"])["iss"] == "svc"
ec = m2mauth.Key.generate("EC", curve="P-256")
token = m2mauth.jwt.encode({"iss": "svc", "aud": "api"}, ec, algorithm="ES256")
assert m2mauth.jwt.decode(token, ec.public_key(), algorithms=["ES256"], audience="api")["aud"] == "api"
try:
    m2mauth.jwt.decode(token, m2mauth.Key.generate("EC", curve="P-256"), algorithms=["ES256"], audience="api")
    raise AssertionError("a token signed by another key verified")
except m2mauth.Error:
    pass

if p.get("ca_file"):  # a token from the loopback HTTPS server, the CA named
    client = m2mauth.OAuth2Client(p["token_url"], "svc-basic", client_secret=p["client_secret"],
                                  http=m2mauth.Http(ca_file=p["ca_file"]))
    assert client.token().access_token, "empty token"
    client.close()
default = m2mauth.Http()  # the system store: the test CA is in it only through SSL_CERT_FILE
try:
    r = default.send("GET", p["echo_url"])
    assert r.status == 200, r.status
    default_result = "verified"
except m2mauth.TLSError as e:
    default_result = "refused: " + str(e)

maps = {line.split()[-1] for line in open("/proc/self/maps") if ".so" in line}
loaded = {lib: sorted(m for m in maps if os.path.basename(m).startswith(lib)) for lib in
          ("libm2mauth", "libcurl", "libssl", "libcrypto", "libcjson")}
print(json.dumps({"default": default_result, "loaded": loaded, "libs_dir": os.path.join(os.path.dirname(
    os.path.dirname(os.path.realpath(m2mauth.__file__))), "m2mauth.libs")}))
"""


def smoke(py: Path, cwd: Path, env: dict, params: dict, wrap: list | None = None) -> dict:
    print(f"+ {' '.join(wrap or [])} env -i {' '.join(f'{k}={v}' for k, v in env.items())} {py} -c SMOKE", flush=True)
    p = subprocess.run([*(wrap or []), str(py), "-c", SMOKE], input=json.dumps(params), env=env, cwd=cwd,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=TIMEOUT_S)
    if p.returncode != 0:
        raise SystemExit(f"the installed wheel failed with an empty environment:\n{p.stdout[-20000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def check_loaded(result: dict, venv: Path) -> None:
    libs_dir = os.path.realpath(result["libs_dir"])
    site = os.path.dirname(libs_dir)
    if not libs_dir.startswith(os.path.realpath(venv)):
        raise SystemExit(f"m2mauth.libs outside the venv: {libs_dir}")
    for lib, paths in result["loaded"].items():
        ours = [x for x in paths if os.path.realpath(x).startswith(site)]
        if not ours:
            raise SystemExit(f"{lib} was not loaded from the wheel: {paths}")
        if lib in ("libm2mauth", "libcurl", "libcjson") and len(ours) != len(paths):
            raise SystemExit(f"a system {lib} was loaded beside the wheel's: {paths}")
    print("loaded from the wheel: " + ", ".join(os.path.basename(p) for ps in result["loaded"].values() for p in ps
                                                if os.path.realpath(p).startswith(site)))


# Another distribution's layout, in a private mount namespace (nothing outside this process tree sees it):
# /etc/ssl becomes an empty tmpfs, so the bundled libcurl's built-in /etc/ssl/certs/ca-certificates.crt and
# OpenSSL's /usr/lib/ssl/certs -> /etc/ssl/certs are gone, and the test CA is the system bundle at
# /etc/ssl/cert.pem (Alpine's place; the last of core/src/curl/ca_store.cpp's candidates).
OTHER_LAYOUT = 'mount -t tmpfs -o size=1m,mode=755 m2mauth-test /etc/ssl && cp "$0" /etc/ssl/cert.pem && exec "$@"'


def check_other_layout(py: Path, work: Path, params: dict, ca: str) -> None:
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "true"], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL) if shutil.which("unshare") else None
    if probe is None or probe.returncode != 0:
        print("SKIPPED another distribution's CA layout: no private mount namespace here (unshare -m)")
        return
    wrap = ["unshare", "-m", "--propagation", "private", "sh", "-c", OTHER_LAYOUT, ca]
    result = smoke(py, work, {}, {**params, "ca_file": None}, wrap)
    if result["default"] != "verified":
        raise SystemExit(f"without /etc/ssl the default store did not find /etc/ssl/cert.pem: {result['default']}")
    print("no /etc/ssl/certs, the bundle at /etc/ssl/cert.pem: the default Http() verifies the loopback server")


def expected_version() -> str:
    text = (ROOT / "capi/include/m2mauth/common.h").read_text()
    return re.search(r'#define M2MAUTH_VERSION_STRING "([^"]+)"', text).group(1)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--wheelhouse", required=True, help="the folder build_wheel.sh wrote the wheel to")
    p.add_argument("--work", required=True)
    args = p.parse_args()
    wheels = sorted(Path(args.wheelhouse).glob("m2mauth-*-manylinux_*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one manylinux wheel in {args.wheelhouse}, found {[w.name for w in wheels]}")
    work = Path(args.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)

    check_policy(wheels[0])
    venv = work / "venv"
    install(wheels[0], venv)
    py = venv / "bin" / "python"

    pki = make_pki(str(work / "pki"))
    certs = pki["certs"]["server"]
    clients = json.loads((ROOT / "tests/servers/clients.json").read_text())
    with harness.start("fault", tls_cert=certs["cert"], tls_key=certs["key"]) as srv:
        params = {"version": expected_version(), "token_url": srv["token_endpoint"], "echo_url": srv["echo_url"],
                  "ca_file": pki["ca_bundle"], "client_secret": clients["oauth2"]["clients"]["svc-basic"]["client_secret"]}
        result = smoke(py, work, {}, params)
        check_loaded(result, venv)
        if not result["default"].startswith("refused: "):
            raise SystemExit(f"the default store accepted a server of the throwaway test CA: {result['default']}")
        if "certificate file" in result["default"] or "CAfile" in result["default"]:
            raise SystemExit(f"the bundled libcurl found no system CA store: {result['default']}")
        print("env -i: import, version, HS256/ES256, token over HTTPS with ca_file; default store refuses the test CA")
        with_env = smoke(py, work, {"SSL_CERT_FILE": pki["ca_bundle"]}, {**params, "ca_file": None})
        if with_env["default"] != "verified":
            raise SystemExit(f"SSL_CERT_FILE was not honoured by the default store: {with_env['default']}")
        print("env SSL_CERT_FILE=<test CA> only: the default Http() verifies the loopback server")
        check_other_layout(py, work, params, pki["ca_bundle"])
    print("python.wheel: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
