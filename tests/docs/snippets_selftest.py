#!/usr/bin/env python3
"""snippets.py never skips a block silently: in a scratch tree, a C, Go, Java or Python block without a marker,
or with a malformed one, fails the run (and names the block); a broken C fragment fails to compile while a
correct one passes; `...` stands for the reader's code. CTest docs.selftest.

    python3 tests/docs/snippets_selftest.py --build BUILD_DIR --work WORK_DIR
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FENCE = "`" * 3


def md(*parts: str) -> str:
    return "\n\n".join(parts) + "\n"


def block(lang: str, code: str, marker: str | None = None) -> str:
    head = f"<!-- snippet: {marker} -->\n" if marker is not None else ""
    return f"{head}{FENCE}{lang}\n{code}\n{FENCE}"


def snippets(lang: str, root: Path, work: Path, build: str, listing: bool) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(HERE / "snippets.py"), lang, "--build", build, "--work", str(work / f"run-{lang}"),
           "--root", str(root)] + (["--list"] if listing else [])
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--build", required=True)
    p.add_argument("--work", required=True)
    args = p.parse_args()
    work = Path(args.work).resolve()
    shutil.rmtree(work, ignore_errors=True)
    problems = []

    # 1. unmarked and malformed blocks fail, in every language, and are named
    root = work / "tree-unmarked"
    (root / "sub").mkdir(parents=True)
    (root / "a.md").write_text(md("# a", block("c", "int x = 1;"), block("go", "x := 1"),
                                  block("java", "int x = 1;", "fragmnt"), block("sh", "echo not checked")))
    (root / "sub" / "b.md").write_text(md(block("python", "x = 1"), block("c++", "int y;", "fragment run(")))
    expect = {"c": ["a.md:3", "no <!-- snippet"], "go": ["a.md:7", "no <!-- snippet"],
              "java": ["a.md:12", "marker mode must be fragment or program"],
              "python": ["b.md:1", "no <!-- snippet"], "cpp": ["b.md:6", "malformed marker"]}
    for lang, needles in expect.items():
        r = snippets(lang, root, work, args.build, True)
        if r.returncode != 1 or not all(n in r.stdout for n in needles):
            problems.append(f"{lang}: an unmarked or malformed block did not fail as expected:\n{r.stdout}")

    # 2. a marked C fragment compiles; a broken one fails; `...` lines and blocks are the reader's code
    root = work / "tree-c"
    root.mkdir()
    good = "m2mauth_key *key = NULL;\nif (key == NULL) { ... }\n...\nm2mauth_key_free(key);"
    (root / "good.md").write_text(md(block("c", good, "fragment")))
    r = snippets("c", root, work, args.build, False)
    if r.returncode != 0 or "ok   " not in r.stdout or "compiled" not in r.stdout:
        problems.append(f"a correct C fragment did not pass:\n{r.stdout}")
    (root / "bad.md").write_text(md(block("c", "m2mauth_key_frees(key);", "fragment")))
    r = snippets("c", root, work, args.build, False)
    if r.returncode != 1 or "bad.md:2: fragment" not in r.stdout.replace("FAIL", "") or "not compiled" not in r.stdout:
        problems.append(f"a broken C fragment did not fail:\n{r.stdout}")

    for problem in problems:
        print("FAILED:", problem)
    if not problems:
        print("ok: unmarked and malformed blocks fail in c, cpp, go, java and python; C fragments are compiled")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
