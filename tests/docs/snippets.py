#!/usr/bin/env python3
"""Compiles, and where marked runs, every C, C++, Java, Go and Python block of the repository's markdown files.

    python3 tests/docs/snippets.py LANG --build BUILD_DIR --work WORK_DIR [--go go] [--javac javac --java java]

LANG is c, cpp, java, go or python (CTest docs.c, docs.cpp, docs.java, docs.go, docs.python). Every fenced
block tagged with that language (```c, ```cpp or ```c++, ```java, ```go, ```python) in every *.md file of
the repository (build trees, node_modules and hidden folders aside) must follow a marker line, the last
non-blank line before the fence:

    <!-- snippet: fragment [given(DECLARATIONS)] [run | run(CONDITION)] -->
    <!-- snippet: program [run] -->          (C, C++, Java, Go)

- `fragment`: statements. They become the body of a function of the language's harness (below) whose
  parameters are DECLARATIONS, written in the language (`given(String tokenUrl, Key key)`, Go
  `given(ctx context.Context, h *m2mauth.HTTP)`), so the names a fragment takes from its surroundings are
  declared and typed. A line that is only `...` (and a comment), and `{ ... }`, stand for the reader's own
  code and become an empty statement and an empty block (not in Python, where `...` is code). Go: each name
  a top-level `:=` or `var` declares is then marked used (`_ = name`), as a reader's following code would.
- `program`: a whole file, compiled as it is.
- `run`, `run(CONDITION)` (the condition in fragments only; not for Python): the compiled snippet also runs,
  against the fault server of tests/servers (started here on 127.0.0.1), and must end with CONDITION true (an
  expression of the language over the fragment's variables) and exit status 0. Before it runs, the example
  hosts become the loopback ones: `https://auth.example.com/connect/token` the fault server's token endpoint,
  `https://api.example.com` its API, `my-client-id` its private_key_jwt client `svc-moneyp`, whose key is
  `private.pem` in the working directory.
  String parameters (C `const char *`, C++ `std::string`, Java `String`, Go `string`) named tokenUrl/token_url/
  tokenURL get the token endpoint, apiUrl/api_url/apiURL the API's `/v1/accounts`; Go's `context.Context` is
  `context.Background()`; any other parameter is the type's zero value (null) and must not be used by a run.

The harness of each language: C includes <m2mauth/m2mauth.h>, <stdio.h>, <stdlib.h> and <string.h> and
builds with `cc -std=c11` and pkg-config's m2mauth (the build tree's m2mauth-uninstalled.pc); C++ includes
<m2mauth/m2mauth.hpp>, <string>, <iostream> and builds with `c++ -std=c++17` the same way; Java imports
io.m2mauth.*, io.m2mauth.senhasegura.*, java.io.*, java.net.*, java.net.http.*, java.nio.file.*, java.time.*,
java.util.*, java.util.concurrent.* and compiles with javac against the binding's classes (the sources of
bindings/java and the SWIG classes of the build, compiled here) with the build's native library
(-Dm2mauth.lib.dir); Go puts each snippet in a package main of a temporary module that requires
bindings/go, bindings/go/oauth2adapter and bindings/go/otel through `replace` (imports: context, errors, fmt,
log, net/http, time, m2mauth, m2mauth/senhasegura, oauth2adapter, m2mauthotel, golang.org/x/oauth2; the unused
ones are marked used) and
runs `go vet` on it, then `go build` for the runs. Python: a fragment is the body of
`def snippet(GIVEN) -> None` (given as Python parameters, annotated: `given(secret: str)`) in a module that
imports m2mauth, and every block is checked by mypy (check_untyped_defs) against the package's own annotations
(python/ and tests/servers/ on MYPYPATH, PEP 561): undefined names, wrong arguments, missing attributes. Python
blocks are not run here: the blocks of python/README.md marked `<!-- snippet: NAME -->` or
`<!-- migration: NAME -->` run in python/tests (test_readme_snippets.py, test_pyjwt_migration.py) and are listed
as such.

The report lists each block (file:line, mode, compiled / ran) and the run fails when a block of LANG has no
marker, a marker is malformed, or any block does not compile or run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVERS = ROOT / "tests" / "servers"
SKIP_DIRS = {"build", "node_modules", "target", "__pycache__"}
TAGS = {"c": "c", "cpp": "cpp", "c++": "cpp", "java": "java", "go": "go", "golang": "go", "python": "python",
        "py": "python"}
FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([\w+#-]*)\s*$")
MARKER = re.compile(r"^\s*<!--\s*snippet:\s*(.*?)\s*-->\s*$")
# python/README.md's blocks that python/tests run by name (test_readme_snippets.py, test_pyjwt_migration.py)
NAMED = re.compile(r"^\s*<!--\s*(snippet|migration):\s*([\w-]+)\s*-->\s*$")
NAMED_FILE = "python/README.md"
TIMEOUT_S = 300


@dataclass
class Block:
    path: Path
    line: int              # of the opening fence, 1-based
    lang: str
    code: str
    marker: str | None
    mode: str = ""
    given: list[str] = field(default_factory=list)
    run: bool = False
    condition: str = ""
    problem: str = ""

    @property
    def rel(self) -> str:
        return str(self.path.relative_to(ROOT)) if self.path.is_relative_to(ROOT) else str(self.path)

    @property
    def where(self) -> str:
        return f"{self.rel}:{self.line}"


def markdown_files(root: Path) -> list[Path]:
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        out += [Path(dirpath) / f for f in sorted(filenames) if f.endswith(".md")]
    return out


def split_args(text: str) -> list[str]:
    """Top-level comma split (commas inside <>, (), [] stay)."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "<([{":
            depth += 1
        elif ch in ">)]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def balanced(text: str, start: int) -> tuple[str, int]:
    """The text inside the parenthesis opening at text[start], and the index after its close."""
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1:i], i + 1
    raise ValueError("unbalanced parentheses")


def parse_marker(b: Block) -> None:
    if b.marker is None:
        b.problem = "no <!-- snippet: ... --> marker before the block"
        return
    text = b.marker
    m = re.match(r"(fragment|program)\b", text)
    if not m:
        b.problem = f"marker mode must be fragment or program: {text!r}"
        return
    b.mode, rest = m.group(1), text[m.end():]
    try:
        while rest.strip():
            rest = rest.strip()
            if rest.startswith("given(") and b.mode == "fragment":
                inner, end = balanced(rest, len("given"))
                b.given = split_args(inner)
                rest = rest[end:]
            elif rest.startswith("run(") and b.mode == "fragment":
                b.condition, end = balanced(rest, len("run"))
                b.run = True
                rest = rest[end:]
            elif re.match(r"run\b", rest):
                b.run = True
                rest = rest[3:]
            else:
                raise ValueError(f"unexpected {rest!r}")
    except ValueError as e:
        b.problem = f"malformed marker: {e}"


def blocks(root: Path = ROOT) -> list[Block]:
    found = []
    for path in markdown_files(root):
        lines = path.read_text(encoding="utf-8").splitlines()
        i = 0
        while i < len(lines):
            m = FENCE.match(lines[i])
            if not m:
                i += 1
                continue
            indent, fence, tag = m.groups()
            j = i + 1
            while j < len(lines) and not (lines[j].strip().startswith(fence[0] * len(fence))
                                          and lines[j].strip().strip(fence[0]) == ""):
                j += 1
            lang = TAGS.get(tag.lower())
            if lang:
                k = i - 1
                while k >= 0 and not lines[k].strip():
                    k -= 1
                mm = MARKER.match(lines[k]) if k >= 0 else None
                named = NAMED.match(lines[k]) if k >= 0 else None
                code = "\n".join(line[len(indent):] if line.startswith(indent) else line for line in lines[i + 1:j])
                b = Block(path, i + 1, lang, code, mm.group(1) if mm else None)
                if lang == "python" and named and b.rel == NAMED_FILE \
                        and named.group(2) not in ("fragment", "program"):
                    b.mode = f"named {named.group(2)}: run by python/tests ({named.group(1)} markers)"
                else:
                    parse_marker(b)
                if b.run and not b.problem and lang == "python":
                    b.problem = "run is not offered for Python here: name the block for python/tests instead"
                if b.run and not b.problem:
                    b.mode += " to run"
                found.append(b)
            i = j + 1
    return found


def reader_code(code: str) -> str:
    """`...` lines and `{ ... }` blocks: the reader's own code."""
    code = re.sub(r"\{\s*\.\.\.\s*\}", "{ }", code)
    return "\n".join(line.replace("...", "", 1) if line.split("//")[0].strip() == "..." else line
                     for line in code.splitlines())


def loopback(code: str, info: dict | None) -> str:
    if info is None:
        return code
    api_base = info["api_url"]
    return (code.replace("https://auth.example.com/connect/token", info["token_endpoint"])
            .replace("https://api.example.com", api_base).replace('"my-client-id"', '"svc-moneyp"'))


def given_value(name: str) -> str | None:
    """The environment variable a string parameter is read from, or None."""
    key = name.replace("_", "").lower()
    return {"tokenurl": "SNIPPET_TOKEN_URL", "apiurl": "SNIPPET_API_URL"}.get(key)


# ---- C and C++ -----------------------------------------------------------------------------------------

def c_source(b: Block, code: str) -> str:
    if b.mode.startswith("program"):
        return code + "\n"
    cpp = b.lang == "cpp"
    params, args = [], []
    for decl in b.given:
        name = re.findall(r"[A-Za-z_]\w*", decl)[-1]
        env = given_value(name)
        params.append(decl)
        if env and cpp:
            args.append(f'std::string(std::getenv("{env}") ? std::getenv("{env}") : "")')
        elif env:
            args.append(f'getenv("{env}")')
        else:
            args.append("{}" if cpp else "0")
    head = ("#include <m2mauth/m2mauth.hpp>\n#include <cstdlib>\n#include <iostream>\n#include <string>\n" if cpp else
            "#include <m2mauth/m2mauth.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n")
    cond = b.condition or "1"
    return (f"{head}\nstatic int snippet({', '.join(params) or ('' if cpp else 'void')}) {{\n"
            f"#line {b.line + 1} \"{b.rel}\"\n{code}\n  return {cond};\n}}\n\n"
            f"int main(void) {{ return snippet({', '.join(args)}) ? 0 : 1; }}\n")


def check_c(bs: list[Block], args, work: Path, info: dict | None) -> None:
    env = dict(os.environ, PKG_CONFIG_PATH=str(Path(args.build) / "pkgconfig"))
    flags = sh_out(["pkg-config", "--cflags", "--libs", "m2mauth"], env).split()
    for n, b in enumerate(bs):
        cpp = b.lang == "cpp"
        src = work / f"snippet{n}.{'cpp' if cpp else 'c'}"
        exe = work / f"snippet{n}"
        src.write_text(c_source(b, loopback(reader_code(b.code), info if b.run else None)))
        compiler = ([os.environ.get("CXX", "c++"), "-std=c++17"] if cpp else [os.environ.get("CC", "cc"), "-std=c11"])
        cmd = compiler + ["-Wall", "-Werror=implicit-function-declaration", "-Werror=return-type",
                          *([] if cpp else ["-Werror=incompatible-pointer-types", "-Werror=int-conversion"]),
                          *args.extra_flags.split(), "-o", str(exe), str(src)] + flags
        if not attempt(b, "compiled", cmd, env=env, cwd=work):
            continue
        if b.run:
            attempt(b, "ran", [str(exe)], env=run_env(info), cwd=run_dir(work))


# ---- Java ----------------------------------------------------------------------------------------------

JAVA_IMPORTS = ["io.m2mauth.*", "io.m2mauth.senhasegura.*", "java.io.*", "java.net.*", "java.net.http.*",
                "java.nio.file.*", "java.time.*", "java.util.*", "java.util.concurrent.*"]


def java_source(b: Block, cls: str, code: str) -> str:
    if b.mode.startswith("program"):
        return code + "\n"
    params, args = [], []
    for decl in b.given:
        name = re.findall(r"[A-Za-z_]\w*", decl)[-1]
        env = given_value(name)
        params.append(decl)
        typ = decl[:decl.rindex(name)].strip()
        args.append(f'System.getenv("{env}")' if env and typ == "String" else
                    {"int": "0", "long": "0L", "boolean": "false", "double": "0.0"}.get(typ, "null"))
    imports = "".join(f"import {i};\n" for i in JAVA_IMPORTS)
    return (f"{imports}\n@SuppressWarnings(\"all\")\npublic class {cls} {{\n"
            f"  static boolean snippet({', '.join(params)}) throws Exception {{\n{code}\n"
            f"    return {b.condition or 'true'};\n  }}\n\n"
            f"  public static void main(String[] args) throws Exception {{\n"
            f"    if (!snippet({', '.join(args)})) {{ System.err.println(\"condition false\"); System.exit(1); }}\n"
            f"  }}\n}}\n")


def java_binding_classes(args, work: Path) -> Path:
    """The binding's classes: bindings/java's sources and the build's SWIG classes, compiled as the jar's are."""
    out = work / "binding-classes"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    # Classes over an optional dependency (the JUnit 5 extension of io.m2mauth.testing, "provided" in the pom;
    # the OpenTelemetry adapter io.m2mauth.otel, optional) are left out: no snippet can use them without that
    # dependency on the class path.
    optional = ("import org.junit.", "import io.opentelemetry.")
    sources = sorted(str(p) for p in (ROOT / "bindings/java/src/main/java").rglob("*.java")
                     if not any(o in p.read_text(encoding="utf-8") for o in optional))
    sources += sorted(str(p) for p in (Path(args.build) / "bindings/java/java").rglob("*.java"))
    listing = work / "binding-sources.txt"
    listing.write_text("\n".join(sources) + "\n")
    sh([args.javac, "--release", "11", "-nowarn", "-d", str(out), f"@{listing}"])
    return out


def check_java(bs: list[Block], args, work: Path, info: dict | None) -> None:
    classes = java_binding_classes(args, work)
    native = Path(args.build) / "bindings/java/native"
    for n, b in enumerate(bs):
        cls = f"Snippet{n}"
        d = work / cls
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir()
        code = loopback(reader_code(b.code), info if b.run else None)
        if b.mode.startswith("program"):
            m = re.search(r"public\s+(?:final\s+)?class\s+(\w+)", code)
            cls = m.group(1) if m else cls
        (d / f"{cls}.java").write_text(java_source(b, cls, code))
        if not attempt(b, "compiled", [args.javac, "-d", str(d), "-cp", str(classes), str(d / f"{cls}.java")]):
            continue
        if b.run:
            attempt(b, "ran", [args.java, f"-Dm2mauth.lib.dir={native}", "-cp", f"{d}{os.pathsep}{classes}", cls],
                    env=run_env(info), cwd=run_dir(work))


# ---- Go ------------------------------------------------------------------------------------------------

GO_IMPORTS = {"context": "context.Background", "errors": "errors.New", "fmt": "fmt.Sprint", "log": "log.Print",
              "net/http": "http.NewRequest", "time": "time.Now",
              "github.com/m2mauth/m2mauth/bindings/go/m2mauth": "m2mauth.NewRequest",
              "github.com/m2mauth/m2mauth/bindings/go/m2mauth/senhasegura": "senhasegura.NewClient",
              "github.com/m2mauth/m2mauth/bindings/go/oauth2adapter": "oauth2adapter.TokenSource",
              "github.com/m2mauth/m2mauth/bindings/go/otel": "m2mauthotel.Instrument",
              "golang.org/x/oauth2": "oauth2.NewClient"}


def go_declared(code: str) -> list[str]:
    names = []
    for line in (part.strip() for line in code.splitlines() for part in line.split(";")):
        m = re.match(r"^([A-Za-z_][\w]*(?:\s*,\s*[A-Za-z_]\w*)*)\s*:=", line) or re.match(r"^var\s+(\w+)", line)
        if m:
            names += [n.strip() for n in m.group(1).split(",")]
    return [n for i, n in enumerate(names) if n != "_" and n not in names[:i]]


def go_source(b: Block, code: str) -> str:
    if b.mode.startswith("program"):
        return code + "\n"
    params, args = [], []
    for decl in b.given:
        name, typ = decl.split(None, 1)
        env = given_value(name)
        params.append(decl)
        args.append(f'os.Getenv("{env}")' if env and typ == "string" else
                    "context.Background()" if typ == "context.Context" else f"*new({typ})")
    imports = "\n".join(f'\t"{p}"' for p in [*GO_IMPORTS, "os"])
    used = "\n".join(f"var _ = {f}" for f in GO_IMPORTS.values())
    marks = "".join(f"\t_ = {n}\n" for n in go_declared(code))
    return (f"package main\n\nimport (\n{imports}\n)\n\n{used}\n\n"
            f"func snippet({', '.join(params)}) error {{\n//line {b.rel}:{b.line + 1}\n{code}\n{marks}"
            f"\tif !({b.condition or 'true'}) {{\n"
            f"\t\treturn errors.New(\"condition false\")\n\t}}\n\treturn nil\n}}\n\n"
            f"func main() {{\n\tif err := snippet({', '.join(args)}); err != nil {{\n\t\tfmt.Fprintln(os.Stderr, err)\n"
            f"\t\tos.Exit(1)\n\t}}\n}}\n")


def check_go(bs: list[Block], args, work: Path, info: dict | None) -> None:
    mod = work / "module"
    shutil.rmtree(mod, ignore_errors=True)
    mod.mkdir(parents=True)
    gobind = ROOT / "bindings/go"
    (mod / "go.mod").write_text(
        "module m2mauth.test/snippets\n\ngo 1.26.0\n\nrequire (\n"
        "\tgithub.com/m2mauth/m2mauth/bindings/go v0.0.0\n"
        "\tgithub.com/m2mauth/m2mauth/bindings/go/oauth2adapter v0.0.0\n"
        "\tgithub.com/m2mauth/m2mauth/bindings/go/otel v0.0.0\n"
        f"\tgolang.org/x/oauth2 {go_oauth2_version()}\n)\n\n"
        f"replace github.com/m2mauth/m2mauth/bindings/go => {gobind}\n\n"
        f"replace github.com/m2mauth/m2mauth/bindings/go/oauth2adapter => {gobind / 'oauth2adapter'}\n\n"
        f"replace github.com/m2mauth/m2mauth/bindings/go/otel => {gobind / 'otel'}\n")
    (mod / "go.sum").write_text("".join((gobind / f).read_text() for f in ("go.sum", "oauth2adapter/go.sum", "otel/go.sum")))
    # CGO_LDFLAGS is part of Go's build cache key (pkg-config's output is not): a package compiled against
    # another prefix is not reused.
    env = dict(os.environ, PKG_CONFIG_PATH=str(Path(args.build) / "pkgconfig"), GOFLAGS="-mod=mod",
               CGO_LDFLAGS=f"-Wl,-rpath,{Path(args.build) / 'capi'}",
               GOPROXY="off", GOWORK="off", CGO_ENABLED="1")
    for n, b in enumerate(bs):
        d = mod / f"snippet{n}"
        d.mkdir()
        (d / "main.go").write_text(go_source(b, loopback(reader_code(b.code), info if b.run else None)))
        if not attempt(b, "compiled", [args.go, "vet", f"./snippet{n}"], env=env, cwd=mod):
            continue
        if b.run:
            exe = work / f"snippet{n}"
            # The run-time path to this build's library, as the README tells Go users (`-ldflags "-r ..."`):
            # cgo does not pass pkg-config's -rpath on, and nothing else may be found (or an older install).
            libdir = str(Path(args.build) / "capi")
            if attempt(b, "built", [args.go, "build", "-ldflags", f"-r {libdir}", "-o", str(exe), f"./snippet{n}"],
                       env=env, cwd=mod):
                attempt(b, "ran", [str(exe)], env=run_env(info), cwd=run_dir(work))


def go_oauth2_version() -> str:
    m = re.search(r"golang\.org/x/oauth2 (v[\w.-]+)", (ROOT / "bindings/go/oauth2adapter/go.mod").read_text())
    return m.group(1)


# ---- Python --------------------------------------------------------------------------------------------

MYPY_INI = """[mypy]
check_untyped_defs = True
follow_imports = silent
"""


def python_source(b: Block, code: str) -> str:
    if b.mode.startswith("program"):
        return code + "\n"
    body = "\n".join("    " + line if line.strip() else "" for line in code.splitlines())
    return (f"from __future__ import annotations\nimport m2mauth\nfrom typing import Any\n\n\n"
            f"def snippet({', '.join(b.given)}) -> None:\n{body}\n    pass\n")


def check_python(bs: list[Block], args, work: Path, info: dict | None) -> None:
    """mypy (the package's annotations, PEP 561; undefined names, wrong arguments and attributes) on each block."""
    checked = [b for b in bs if not b.mode.startswith("named")]
    if not checked:
        return
    (work / "mypy.ini").write_text(MYPY_INI)
    files = []
    for n, b in enumerate(checked):
        f = work / f"snippet{n}.py"
        f.write_text(python_source(b, b.code))  # `...` is Python already
        files.append(f)
    env = dict(os.environ, MYPYPATH=os.pathsep.join([str(ROOT / "python"), str(ROOT / "tests/servers")]))
    p = subprocess.run([args.python, "-m", "mypy", "--config-file", str(work / "mypy.ini"), "--cache-dir",
                        str(work / "mypy-cache"), "--no-error-summary", *[f.name for f in files]],
                       cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=TIMEOUT_S)
    if p.returncode not in (0, 1):
        raise SystemExit(f"mypy did not run ({p.returncode}):\n{p.stdout}")
    for f, b in zip(files, checked):
        errors = [line for line in p.stdout.splitlines() if line.startswith(f.name + ":") and ": note:" not in line]
        if errors:
            b.problem = "not type-checked clean (mypy):\n" + "\n".join("    " + e for e in errors)
        else:
            b.mode += ", compiled and type-checked"


# ---- running ------------------------------------------------------------------------------------------

def sh(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> None:
    p = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       timeout=TIMEOUT_S)
    if p.returncode != 0:
        sys.stdout.write(p.stdout)
        raise SystemExit(f"FAILED ({p.returncode}): {' '.join(cmd)}")


def sh_out(cmd: list[str], env: dict) -> str:
    return subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, text=True).stdout


def attempt(b: Block, step: str, cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> bool:
    try:
        p = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, timeout=TIMEOUT_S)
        ok, out = p.returncode == 0, p.stdout
    except subprocess.TimeoutExpired:
        ok, out = False, f"timed out after {TIMEOUT_S} s"
    if ok:
        b.mode += f", {step}"
    else:
        b.problem = f"not {step}:\n" + "\n".join("    " + line for line in out.strip().splitlines()[-40:])
    return ok


def run_env(info: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("M2MAUTH_")}
    env.update(SNIPPET_TOKEN_URL=info["token_endpoint"], SNIPPET_API_URL=info["api_url"] + "/v1/accounts")
    return env


def run_dir(work: Path) -> Path:
    d = work / "run"
    if not d.is_dir():
        d.mkdir()
        key = json.loads((SERVERS / "clients.json").read_text())["oauth2"]["clients"]["svc-moneyp"]["private_key"]
        shutil.copy(SERVERS / key, d / "private.pem")
    return d


class Servers:
    def __init__(self, work: Path, needed: bool):
        self.state, self.needed, self.info = work / "servers.json", needed, None

    def __enter__(self):
        if self.needed:
            sh([sys.executable, str(SERVERS / "harness.py"), "up", "--state", str(self.state), "fault"])
            self.info = json.loads(self.state.read_text())["servers"]["fault"]
        return self

    def __exit__(self, *exc):
        if self.needed:
            subprocess.run([sys.executable, str(SERVERS / "harness.py"), "down", "--state", str(self.state)],
                           timeout=60, check=False)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("lang", choices=["c", "cpp", "java", "go", "python"])
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--go", default="go")
    p.add_argument("--javac", default="javac")
    p.add_argument("--java", default="java")
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--extra-flags", default="", help="C and C++ compiler flags (a sanitizer's)")
    p.add_argument("--list", action="store_true", help="only list the blocks and their markers")
    p.add_argument("--root", default=str(ROOT), help="where to look for markdown files (the repository)")
    args = p.parse_args()
    args.build = str(Path(args.build).resolve())
    work = Path(args.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    bs = [b for b in blocks(Path(args.root).resolve()) if b.lang == args.lang]
    good = [b for b in bs if not b.problem]
    if not args.list and good:
        with Servers(work, any(b.run for b in good)) as srv:
            {"c": check_c, "cpp": check_c, "java": check_java, "go": check_go,
             "python": check_python}[args.lang](good, args, work, srv.info)
    failed = [b for b in bs if b.problem]
    print(f"{args.lang} blocks in the markdown files: {len(bs)}")
    for b in bs:
        print(f"  {'FAIL' if b.problem else 'ok  '} {b.where}: {b.mode or '(no mode)'}"
              + (f"\n    {b.problem}" if b.problem else ""))
    if not bs:
        print("  (none)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
