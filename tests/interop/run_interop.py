#!/usr/bin/env python3
"""CTest entry for tests/interop: runs test_interop.py with pytest, or exits 77 (CTest "skipped") with a
clear message when pytest, PyJWT, jwcrypto or cryptography is not installed.

    run_interop.py <m2mauth_jose_cli> <tests/vectors dir> [pytest arguments]
"""
import importlib
import os
import sys

missing = []
for module, package in (("pytest", "pytest"), ("jwt", "PyJWT"), ("jwcrypto", "jwcrypto"), ("cryptography", "cryptography")):
    try:
        importlib.import_module(module)
    except ImportError:
        missing.append(package)
if missing:
    print("SKIPPED: interop tests need the Python packages " + ", ".join(missing) +
          " (pip install " + " ".join(missing) + ")")
    sys.exit(77)

import jwt  # noqa: E402
import pytest  # noqa: E402

os.environ["M2MAUTH_JOSE_CLI"] = sys.argv[1]
os.environ["M2MAUTH_VECTORS_DIR"] = sys.argv[2]
print("peers: PyJWT %s, jwcrypto %s, cryptography %s" % (
    jwt.__version__, importlib.metadata.version("jwcrypto"), importlib.metadata.version("cryptography")))
here = os.path.dirname(os.path.abspath(__file__))
sys.exit(pytest.main([os.path.join(here, "test_interop.py"), "-p", "no:cacheprovider", "-q", "-rs"] + sys.argv[3:]))
