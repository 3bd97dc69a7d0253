#!/usr/bin/env python3
"""Builds and runs the C++, Python, Java or Go examples (examples/<language>) the way a user would, against
the loopback servers of tests/servers, and checks what they print. Registered with CTest as examples.cpp,
examples.python, examples.java and examples.go (examples/CMakeLists.txt); the C examples have their own
script (run_c_examples.sh), which also checks the client assertion program.

    python3 tests/examples/examples_test.py cpp    --build BUILD_DIR --work WORK_DIR
    python3 tests/examples/examples_test.py python --build BUILD_DIR --work WORK_DIR
    python3 tests/examples/examples_test.py java   --build BUILD_DIR --work WORK_DIR [--mvn mvn]
    python3 tests/examples/examples_test.py go     --build BUILD_DIR --work WORK_DIR [--go go]

Each program runs with a configuration file named by $M2MAUTH_CONFIG (and once from M2MAUTH_* variables
alone): the OAuth 2.0 call against the fault server's token endpoint and protected API (svc-basic, the
secret in a file), the senhasegura credential read against the A2A emulator (OAuth 2.0 and OAuth 1.0
from files, the query method from the environment alone). The checks: exit status, the lines the C
examples print too, and no secret, password or token in the output.

C++: m2mauth is installed from BUILD_DIR into WORK_DIR/prefix; examples/cpp is built against it twice, with
CMake's find_package (the programs that run) and with pkg-config through its Makefile (the senhasegura runs
use those), and the private-key JWT program runs as the BMP client svc-moneyp with its test key.
Python: the examples run with the package built in BUILD_DIR/python on PYTHONPATH.
Java: the binding's jar is packed from BUILD_DIR (no second native build, tests skipped) and installed
into a private local repository WORK_DIR/m2 (the user's ~/.m2 is left alone; it serves as a read-only
source of plugins, with Maven Central behind it), then the example project is packaged as documented
(target/classes + target/lib) and run with `java -cp`.
Go: the module builds with `go build` against BUILD_DIR's libm2mauth through pkg-config.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVERS = ROOT / "tests" / "servers"
TIMEOUT_S = 600


def run(cmd: list[str], *, env: dict | None = None, cwd: Path | None = None, check: bool = True,
        timeout: float = TIMEOUT_S) -> subprocess.CompletedProcess:
    print("+ " + " ".join(str(c) for c in cmd), flush=True)
    p = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, timeout=timeout)
    if check and p.returncode != 0:
        sys.stdout.write(p.stdout)
        raise SystemExit(f"FAILED ({p.returncode}): {' '.join(str(c) for c in cmd)}")
    return p


class Servers:
    """oidc is not needed: fault (OAuth 2.0 token endpoint + protected API) and a2a."""

    def __init__(self, work: Path):
        self.state = work / "servers.json"

    def __enter__(self):
        run([sys.executable, SERVERS / "harness.py", "up", "--state", self.state, "fault", "a2a"], timeout=120)
        self.info = json.loads(self.state.read_text())["servers"]
        return self

    def __exit__(self, *exc):
        run([sys.executable, SERVERS / "harness.py", "down", "--state", self.state], check=False, timeout=60)


def clients() -> dict:
    return json.loads((SERVERS / "clients.json").read_text())


def scenarios(work: Path, srv: Servers) -> list[dict]:
    """The runs: name, program, args, extra environment, and the checks."""
    c = clients()
    basic_secret = c["oauth2"]["clients"]["svc-basic"]["client_secret"]
    a2a_client = c["a2a"]["oauth2"][0]
    oauth1 = c["a2a"]["oauth1"][0]
    (work / "svc-basic.secret").write_text(basic_secret + "\n")
    (work / "a2a.secret").write_text(a2a_client["client_secret"] + "\n")
    for p in ("svc-basic.secret", "a2a.secret"):
        os.chmod(work / p, 0o600)
    fault, a2a = srv.info["fault"], srv.info["a2a"]
    service = {"http": {"timeout_ms": 10000},
               "oauth2": {"token_url": fault["token_endpoint"], "client_id": "svc-basic",
                          "client_secret_file": str(work / "svc-basic.secret"), "scope": "api.read"}}
    vault = {"http": {"timeout_ms": 10000},
             "senhasegura": {"base_url": a2a["base_url"], "client_id": a2a_client["client_id"],
                             "client_secret_file": str(work / "a2a.secret")}}
    signed = {"senhasegura": {"base_url": a2a["url"], "auth_method": "oauth1", "consumer_key": oauth1["consumer_key"],
                              "consumer_secret": oauth1["consumer_secret"], "token": oauth1["token"],
                              "token_secret": oauth1["token_secret"]}}
    (work / "service.json").write_text(json.dumps(service, indent=2))
    (work / "a2a.json").write_text(json.dumps(vault, indent=2))
    (work / "a2a-oauth1.json").write_text(json.dumps(signed, indent=2))
    api = fault["api_url"] + "/v1/accounts"
    secrets = [basic_secret, a2a_client["client_secret"], oauth1["consumer_secret"], oauth1["token"],
               oauth1["token_secret"], "secret@2504"]
    return [
        {"name": "token_server_retry (the test double)", "program": "token_server_retry", "args": [], "env": {},
         "only": ["java"], "expect": [r"ok: one transient failure, one retry, 2 token requests"], "secrets": secrets},
        {"name": "oauth2_request", "program": "oauth2_request", "args": [api, "2"],
         "env": {"M2MAUTH_CONFIG": str(work / "service.json")},
         "expect": [r"\[event\] fetched client=svc-basic scope=\"api.read\"",
                    r"token: Bearer, \d+ characters \(not shown\)",
                    re.escape(f"GET {api} -> HTTP 200, ") + r"\d+ bytes"],
         "count": {re.escape(f"GET {api} -> HTTP 200"): 2}, "secrets": secrets},
        {"name": "private_key_jwt (BMP client svc-moneyp)", "program": "private_key_jwt",
         "args": [fault["token_endpoint"], "svc-moneyp", str(SERVERS / c["oauth2"]["clients"]["svc-moneyp"]["private_key"]),
                  "api.read api.write", api, "2"],
         "env": {}, "only": ["cpp"], "public": [r"thumbprint [A-Za-z0-9_-]{43}"],
         "expect": [r"1\. loaded an RSA-2048 key, thumbprint [A-Za-z0-9_-]{43}",
                    r"\[event\] fetched client=svc-moneyp scope=\"api.read api.write\"",
                    r"3\. token: Bearer, \d+ characters \(not shown\)"],
         "count": {re.escape(f"4. GET {api} -> HTTP 200"): 2}, "secrets": secrets},
        {"name": "senhasegura_credential (OAuth 2.0, file)", "program": "senhasegura_credential", "args": ["5"],
         "env": {"M2MAUTH_CONFIG": str(work / "a2a.json")},
         "expect": [r"credential 5: credential_5@destktop-91\.com, password of 11 (bytes|characters) \(not shown\)"],
         "secrets": secrets},
        {"name": "senhasegura_credential (OAuth 1.0, file)", "program": "senhasegura_credential",
         "args": ["credential_5@destktop-91.com"], "env": {"M2MAUTH_CONFIG": str(work / "a2a-oauth1.json")},
         "expect": [r"credential credential_5@destktop-91\.com: credential_5@destktop-91\.com, "
                    r"password of 11 (bytes|characters) \(not shown\)"],
         "secrets": secrets},
        {"name": "senhasegura_credential (query method, environment)", "program": "senhasegura_credential",
         "args": ["dbadmin@db01.example.test"],
         "env": {"M2MAUTH_SENHASEGURA_BASE_URL": a2a["base_url"], "M2MAUTH_SENHASEGURA_AUTH_METHOD": "query",
                 "M2MAUTH_SENHASEGURA_CONSUMER_KEY": oauth1["consumer_key"],
                 "M2MAUTH_SENHASEGURA_TOKEN_ENV": "EXAMPLE_A2A_TOKEN", "EXAMPLE_A2A_TOKEN": oauth1["token"]},
         # "Db!p@ss+6 %20&x=é": 17 characters, 18 bytes in UTF-8
         "expect": [r"credential dbadmin@db01\.example\.test: dbadmin@db01\.example\.test, "
                    r"password of (18 bytes|17 characters) \(not shown\)"],
         "secrets": secrets + ["Db!p@ss"]},
    ]


def check(out: str, sc: dict) -> list[str]:
    problems = []
    for pattern in sc["expect"]:
        if not re.search(pattern, out):
            problems.append(f"no line matching {pattern!r}")
    for pattern, n in sc.get("count", {}).items():
        if len(re.findall(pattern, out)) != n:
            problems.append(f"{pattern!r} not {n} times")
    for s in sc["secrets"]:
        if s in out:
            problems.append("a secret is printed")
    # No access token either: the fault server's tokens are long URL-safe strings; nothing that long
    # may appear outside URLs.
    # Public values a scenario prints on purpose (a key's thumbprint) are taken out first.
    for pattern in sc.get("public", []):
        out = re.sub(pattern, "", out)
    for word in re.findall(r"[A-Za-z0-9_\-.~+/=]{32,}", out):
        if "://" not in word and not word.startswith("/"):
            problems.append(f"something like a token is printed ({len(word)} characters)")
    return problems


def library_version() -> str:
    """MAJOR.MINOR.PATCH from capi/include/m2mauth/common.h, the one place the version is defined."""
    text = (ROOT / "capi/include/m2mauth/common.h").read_text()
    parts = [re.search(rf"#define M2MAUTH_VERSION_{p} (\d+)", text).group(1) for p in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


def base_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("M2MAUTH_")}
    return env


# ---- Java ---------------------------------------------------------------------------------------------------

def java_setup(args, work: Path) -> callable:
    mvn = args.mvn
    binding = work / "binding"
    repo = work / "m2"
    # 1. The binding's jar from this build (the native libraries were built by CMake already).
    version = library_version()
    run([mvn, "-B", "-ntp", "-q", "-f", ROOT / "bindings/java/pom.xml", "-Dm2mauth.skipNativeBuild=true",
         f"-Drevision={version}", f"-Dm2mauth.cmake.build={args.build}", f"-Dm2mauth.build.directory={binding}",
         "-DskipTests", "package"])
    jar = binding / f"m2mauth-{version}.jar"
    if not jar.is_file():
        raise SystemExit(f"no {jar}")
    # 2. Into a private local repository; the user's own serves plugins read-only, then Maven Central.
    user_repo = Path.home() / ".m2" / "repository"
    settings = work / "settings.xml"
    settings.write_text(f"""<settings>
  <profiles><profile><id>user-repository</id>
    <repositories><repository><id>user-repository</id><url>{user_repo.as_uri()}</url></repository></repositories>
    <pluginRepositories><pluginRepository><id>user-repository</id><url>{user_repo.as_uri()}</url></pluginRepository></pluginRepositories>
  </profile></profiles>
  <activeProfiles><activeProfile>user-repository</activeProfile></activeProfiles>
</settings>
""")
    maven = [mvn, "-B", "-ntp", "-q", "-gs", settings, f"-Dmaven.repo.local={repo}"]
    run(maven + ["-f", ROOT / "bindings/java/pom.xml", f"-Drevision={version}", "install:install-file",
                 f"-Dfile={jar}", f"-DpomFile={ROOT / 'bindings/java/pom.xml'}", f"-Dversion={version}"])
    # 3. The example project, as documented: package, then java -cp target/classes:target/lib/*.
    out = work / "example"
    run(maven + ["-f", ROOT / "examples/java/pom.xml", f"-Drevision={version}", f"-Dexample.build.directory={out}",
                 "package"])
    java = shutil.which("java") or "java"
    classpath = f"{out / 'classes'}{os.pathsep}{out / 'lib'}/*"
    mains = {"oauth2_request": "example.OAuth2Request", "senhasegura_credential": "example.SenhaseguraCredential",
             "token_server_retry": "example.TokenServerRetry"}
    return lambda program: [java, "-cp", classpath, mains[program]]


# ---- Go -----------------------------------------------------------------------------------------------------

def go_setup(args, work: Path) -> callable:
    env = base_env()
    # CGO_LDFLAGS is part of Go's build cache key (pkg-config's output is not): a package compiled against
    # another prefix is not reused.
    env.update({"PKG_CONFIG_PATH": str(Path(args.build) / "pkgconfig"), "CGO_ENABLED": "1",
                "CGO_LDFLAGS": f"-Wl,-rpath,{Path(args.build) / 'capi'}", "GOFLAGS": "-buildvcs=false"})
    bin_dir = work / "bin"
    bin_dir.mkdir(exist_ok=True)
    # The run-time path to this build's library, as examples/go/README.md says (`-ldflags "-r <libdir>"`):
    # without it the loader finds only an installed copy, maybe of another version.
    libdir = str(Path(args.build) / "capi")
    for program in ("oauth2_request", "senhasegura_credential"):
        run([args.go, "build", "-ldflags", f"-r {libdir}", "-o", bin_dir / program, "./" + program], env=env,
            cwd=ROOT / "examples/go")
    return lambda program: [bin_dir / program]


# ---- C++ ----------------------------------------------------------------------------------------------------

def cpp_setup(args, work: Path) -> callable:
    prefix = work / "prefix"
    run(["cmake", "--install", args.build, "--prefix", prefix])
    pcdir = next(prefix.rglob("m2mauth.pc")).parent
    cmake_build = work / "cmake"
    # Neither build is told where the library is at run time: CMake records it from find_package and
    # the Makefile adds an RPATH for a prefix outside /usr/lib (README, "Building and installing").
    run(["cmake", "-S", ROOT / "examples/cpp", "-B", cmake_build, f"-DCMAKE_PREFIX_PATH={prefix}"])
    run(["cmake", "--build", cmake_build])
    make_build = work / "make"
    shutil.copytree(ROOT / "examples/cpp", make_build)
    env = base_env()
    env["PKG_CONFIG_PATH"] = str(pcdir)
    run(["make", "-s", "-C", make_build], env=env)
    return lambda program: [(make_build if program == "senhasegura_credential" else cmake_build) / program]


# ---- Python -------------------------------------------------------------------------------------------------

def python_setup(args, work: Path) -> callable:
    package = Path(args.build) / "python"
    if not (package / "m2mauth").is_dir():
        raise SystemExit(f"no Python package in {package} (configure with -DM2MAUTH_BUILD_PYTHON=ON)")
    os.environ["PYTHONPATH"] = str(package)
    return lambda program: [sys.executable, ROOT / "examples/python" / f"{program}.py"]


SETUPS = {"cpp": cpp_setup, "python": python_setup, "java": java_setup, "go": go_setup}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("language", choices=sorted(SETUPS))
    p.add_argument("--build", required=True, help="the CMake build directory (libm2mauth, pkgconfig, JNI)")
    p.add_argument("--work", required=True, help="a folder for this run's files (emptied first, but for its Maven repository m2/)")
    p.add_argument("--mvn", default="mvn")
    p.add_argument("--go", default="go")
    args = p.parse_args()
    work = Path(args.work).resolve()
    # Emptied, except the private Maven repository (plugins fetched once stay; m2mauth is reinstalled).
    work.mkdir(parents=True, exist_ok=True)
    for entry in work.iterdir():
        if entry.name != "m2":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    shutil.rmtree(work / "m2" / "io" / "m2mauth", ignore_errors=True)
    command = SETUPS[args.language](args, work)
    failures = 0
    with Servers(work) as srv:
        for sc in scenarios(work, srv):
            if args.language not in sc.get("only", [args.language]):
                continue
            env = base_env()
            env.update(sc["env"])
            r = run(command(sc["program"]) + sc["args"], env=env, check=False, timeout=120)
            print(f"--- {args.language} {sc['name']}: exit {r.returncode}")
            problems = check(r.stdout, sc)
            if r.returncode != 0:
                problems.insert(0, f"exit status {r.returncode}")
            if problems:
                failures += 1
                print(r.stdout)  # checked above: it holds no secret unless that is the failure
                for pr in problems:
                    print(f"FAIL {sc['name']}: {pr}")
            else:
                print("\n".join("    " + line for line in r.stdout.splitlines()))
    # Test fixtures only, but no secret is left lying around: the secret files and the configurations.
    for name in ("svc-basic.secret", "a2a.secret", "service.json", "a2a.json", "a2a-oauth1.json"):
        (work / name).unlink(missing_ok=True)
    print("examples." + args.language + (": FAILED" if failures else ": OK"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
