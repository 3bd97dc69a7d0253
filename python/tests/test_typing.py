"""`mypy --strict` on a user's script with the documented imports (tests/typing/typed_user.py): clean, and
every public result it pins with assert_type has its exact type (no Any). A broken script must fail, so the
check is known to see the package's annotations."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

import m2mauth

pytest.importorskip("mypy", reason="mypy is not installed (pip install -r .ci/requirements.txt)")

HERE = pathlib.Path(__file__).resolve().parent
CONFIG = HERE / "typing" / "mypy.ini"
SCRIPT = HERE / "typing" / "typed_user.py"


def mypy(tmp_path: pathlib.Path, script: pathlib.Path) -> subprocess.CompletedProcess:
    # the package under test (the build tree or an installed copy), as mypy would find an installed one
    package_root = pathlib.Path(m2mauth.__file__).resolve().parent.parent
    env = dict(os.environ, MYPYPATH=str(package_root))
    return subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(CONFIG), "--cache-dir",
                           str(tmp_path / "cache"), str(script)], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=600)


def test_typed_user_script_is_clean_under_strict(tmp_path):
    assert (pathlib.Path(m2mauth.__file__).parent / "py.typed").exists()
    assert (pathlib.Path(m2mauth.__file__).parent / "_m2mauth.pyi").exists()
    proc = mypy(tmp_path, SCRIPT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success: no issues found" in proc.stdout


def test_a_wrong_script_fails(tmp_path):
    wrong = tmp_path / "wrong_user.py"
    wrong.write_text(
        "from m2mauth import Key, OAuth2Client, jwt\n"
        "def f(client: OAuth2Client) -> int:\n"
        "    token: bytes = jwt.encode({}, Key.generate('EC'), algorithm='ES256')\n"
        "    return client.token().access_token\n")
    proc = mypy(tmp_path, wrong)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert 'wrong_user.py:3: error: Incompatible types in assignment (expression has type "str"' in proc.stdout
    assert 'wrong_user.py:4: error: Incompatible return value type (got "str", expected "int")' in proc.stdout
