"""Fixtures for test_servers.py; other suites import conftest_servers the same way."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from conftest_servers import *  # noqa: E402,F401,F403
